"""Compliance: renewed before expiry per month and nationality, overstay counts, processing time
per officer against the service standard, charts and CSV/XLSX export."""

import csv
import datetime as dt
import io
import json
import re

import pytest

from intranet.owl import dates, reports
from intranet.owl.models import Application
from intranet.owl.services import applications, overstay


@pytest.fixture
def history(make_foreigner, make_permit, make_user, today):
    """October 2026: 3 Australian permits expired (2 renewed in time, 1 overstayed); 1 Chinese
    permit renewed late; 1 Chinese permit cancelled (left Indonesia: not counted)."""
    ani = make_user("izin_tinggal", name="Ani")
    budi = make_user("izin_tinggal", name="Budi")

    def renewed(nat, expiry, received, officer, decided):
        f = make_foreigner(nationality=nat)
        old = make_permit(f, expiry=expiry)
        application = applications.receive_application(
            f, kind="extension", requested_type="ITAS", received_on=received
        )
        application.officer = officer
        application.save()
        applications.complete_application(
            application,
            permit_number=f"2C27{f.id:08d}",
            registration_number="",
            subtype="",
            issue_date=max(decided, expiry),
            expiry_date=expiry + dt.timedelta(days=365),
            actor=officer,
            today=decided,
        )
        return old

    # received Mon 5 Oct, decided Wed 7 Oct: 2 working days (within the standard of 3)
    renewed("AU", dt.date(2026, 10, 20), dt.date(2026, 10, 5), ani, dt.date(2026, 10, 7))
    # received Fri 2 Oct, decided Fri 9 Oct: 5 working days (over the standard)
    renewed("AU", dt.date(2026, 10, 25), dt.date(2026, 10, 2), budi, dt.date(2026, 10, 9))
    make_permit(make_foreigner(nationality="AU"), expiry=dt.date(2026, 10, 30))  # overstay
    renewed("CN", dt.date(2026, 10, 10), dt.date(2026, 10, 12), budi, dt.date(2026, 10, 14))
    make_permit(
        make_foreigner(nationality="CN"),
        expiry=dt.date(2026, 10, 15),
        status="cancelled",
        cancel_reason="departed",
    )
    overstay.run_overstay_scan(today)
    return ani, budi


def test_renewal_rate_by_month_and_nationality(history, today):
    report = reports.compliance(today, months=12)
    october = next(r for r in report.months if r["month"] == "2026-10")
    assert (october["due"], october["renewed"]) == (4, 2)
    assert october["rate"] == 0.5
    november = next(r for r in report.months if r["month"] == "2026-11")
    assert november["due"] == 0 and november["rate"] is None
    by_nat = {r["code"]: r for r in report.nationalities}
    assert (by_nat["AU"]["due"], by_nat["AU"]["renewed"], by_nat["AU"]["overstays"]) == (3, 2, 1)
    assert (by_nat["CN"]["due"], by_nat["CN"]["renewed"]) == (1, 0)
    assert [r["opened"] for r in report.overstays_by_month][-1] == 1  # opened on 27 November
    only_cn = reports.compliance(today, months=12, nationality="CN")
    assert only_cn.total_due == 1


def test_processing_time_per_officer_against_the_standard(history, today):
    perf = reports.processing(today, months=12)
    assert perf.standard == 3
    by_name = {o["name"]: o for o in perf.officers}
    assert by_name["Ani"]["count"] == 1 and by_name["Ani"]["average"] == 2
    assert by_name["Budi"]["count"] == 2 and by_name["Budi"]["average"] == 3.5
    assert by_name["Budi"]["share"] == 0.5
    assert (perf.count, perf.within) == (3, 2)
    assert perf.slowest[0]["days"] == 5


def test_working_days():
    monday = dt.date(2026, 11, 23)
    assert dates.working_days_between(monday, monday) == 0
    assert dates.working_days_between(monday, monday + dt.timedelta(days=4)) == 4
    assert dates.working_days_between(monday, monday + dt.timedelta(days=7)) == 5
    friday = dt.date(2026, 11, 27)
    assert dates.working_days_between(friday, friday + dt.timedelta(days=3)) == 1


def test_closed_days_are_not_working_days():
    from intranet.owl.dates import extension_window, last_working_day_before

    monday = dt.date(2026, 12, 21)
    christmas, saturday = dt.date(2026, 12, 25), dt.date(2026, 12, 26)
    closed = frozenset({dt.date(2026, 12, 24), christmas, saturday, dt.date(2027, 1, 1)})
    # After Monday the 21st up to Monday the 28th: five weekdays, the 24th and 25th closed.
    assert dates.working_days_between(monday, dt.date(2026, 12, 28)) == 5
    assert dates.working_days_between(monday, dt.date(2026, 12, 28), closed) == 3
    # A closed day on the start day, or on a Saturday, takes nothing away.
    assert dates.working_days_between(christmas, dt.date(2026, 12, 28), closed) == 1
    assert last_working_day_before(dt.date(2026, 12, 27)) == christmas
    assert last_working_day_before(dt.date(2026, 12, 27), closed) == dt.date(2026, 12, 23)
    assert extension_window(dt.date(2026, 12, 28), closed) == (
        dt.date(2026, 9, 28),
        dt.date(2026, 12, 23),
    )


def test_page_charts_and_exports(history, client, login_as, make_user, app_ctx):
    from openpyxl import load_workbook

    login_as(make_user("kepala", language="en"))
    response = client.get("/owl/compliance?months=24")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    island = re.search(
        r'<script type="application/json" id="owl-chart-data">(.*?)</script>', html, re.S
    )
    data = json.loads(island.group(1))
    assert len(data["months"]) == 24 and data["standard"] == 3
    assert "Budi" in data["officers"]
    assert '<canvas id="chart-rate"' in html
    assert "<script>" not in html  # nothing inline to execute

    exported = client.get("/owl/compliance/export?dataset=compliance&format=csv&months=12")
    assert exported.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert ["2026-10", "4", "2", "50.0", "0"] in rows
    assert any(r[:2] == ["AU", "Australia"] for r in rows)

    xlsx = client.get("/owl/compliance/export?dataset=processing&format=xlsx&months=12")
    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = book.active
    values = list(sheet.values)
    assert values[0][0] == "application"
    assert len(values) == 1 + Application.select().where(Application.status == "completed").count()


def test_export_guards_against_formula_injection():
    out = reports.to_csv([("x", ["name"], [["=HYPERLINK(1)"], ["-2"], ["ok"]])])
    assert "'=HYPERLINK(1)" in out and "'-2" in out
