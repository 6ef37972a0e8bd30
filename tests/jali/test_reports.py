"""Reports: visits per day and category, average time inside (swept visits apart), purposes,
the 30-day chart's data island, CSV and XLSX exports; settings."""

import csv
import datetime as dt
import io
import json
import re

from openpyxl import load_workbook

from intranet.audit.models import AuditEntry
from intranet.jali import reports, services
from intranet.jali.models import Visit
from intranet.jali.settings import purposes, sticker_size

from .conftest import TODAY, VALID_NIK


def _at(day, hour, minute=0):
    return services.wib_to_utc(day, hour, minute)


def _seed(desk):
    """Two days: three visits on 26 Nov, two on 27 Nov (one swept)."""
    day1, day2 = TODAY - dt.timedelta(days=1), TODAY
    plan = [
        (day1, "wni", "Permohonan paspor baru", 8, 30, 60),
        (day1, "wni", "Permohonan paspor baru", 9, 0, 30),
        (day1, "wna", "Perpanjangan izin tinggal", 10, 0, 90),
        (day2, "official", "Rapat/koordinasi", 9, 0, 120),
        (day2, "wni", '=HYPERLINK("x")', 13, 0, None),  # left without checking out
    ]
    for i, (day, category, purpose, hour, minute, stay) in enumerate(plan):
        data = services.VisitInput(
            category=category,
            name=f"Pengunjung {i}",
            purpose=purpose,
            id_number=VALID_NIK
            if category == "wni"
            else ("E765432" + str(i))
            if category == "wna"
            else None,
            nationality={"wni": "ID", "wna": "JP", "official": ""}[category],
            institution="Polda Metro Jaya" if category == "official" else "",
        )
        if category == "official":
            visit = Visit.create(
                visit_date=day,
                number=90 + i,
                category=category,
                visitor=services._upsert_visitor(data, _at(day, hour, minute)),
                name=data.name,
                institution=data.institution,
                purpose=purpose,
                checked_in_at=_at(day, hour, minute),
            )
        else:
            visit, _ = services.register_visit(data, actor=desk, now=_at(day, hour, minute))
        if stay:
            services.check_out(
                visit, actor=desk, now=_at(day, hour, minute) + dt.timedelta(minutes=stay)
            )
    services.closing_sweep(now=_at(day2, 17, 0))


def test_report_figures(app_ctx, desk, monkeypatch):
    monkeypatch.setattr("intranet.jali.permits._owl_lookup", lambda: None)
    _seed(desk)
    start, end = reports.clamp_range(TODAY - dt.timedelta(days=1), TODAY, TODAY)
    rows = reports.daily_counts(start, end)
    assert rows == [
        (TODAY - dt.timedelta(days=1), {"wni": 2, "wna": 1, "official": 0, "total": 3}),
        (TODAY, {"wni": 1, "wna": 0, "official": 1, "total": 2}),
    ]
    assert reports.totals(rows)["total"] == 5
    inside = reports.time_inside(start, end)
    assert inside["wni"] == (2, 45.0, 1)  # 60 and 30 minutes; the swept one apart
    assert inside["wna"] == (1, 90.0, 0) and inside["official"] == (1, 120.0, 0)
    assert reports.purpose_counts(start, end)[0] == ("wni", "Permohonan paspor baru", 2)
    # ranges: never past today, at most a year, start and end in order
    assert reports.clamp_range(TODAY, TODAY - dt.timedelta(days=3), TODAY)[0] < TODAY
    far = reports.clamp_range(dt.date(2020, 1, 1), dt.date(2030, 1, 1), TODAY)
    assert far[1] == TODAY and (far[1] - far[0]).days == 365


def test_reports_page_chart_and_exports(app, client, desk, make_user, login_as, monkeypatch):
    monkeypatch.setattr("intranet.jali.permits._owl_lookup", lambda: None)
    with app.app_context():
        _seed(desk)
    monkeypatch.setattr(services, "wib_today", lambda now=None: TODAY)  # the page's "today"
    login_as(make_user("kepala", language="en"), client)
    query = {"start": "2026-11-26", "end": "2026-11-27"}
    html = client.get("/jali/reports", query_string=query).get_data(as_text=True)
    assert "style=" not in html
    island = re.search(
        r'<script type="application/json" id="jali-chart-data">(.*?)</script>', html, re.S
    ).group(1)
    chart = json.loads(island)
    assert len(chart["labels"]) == 30 and chart["labels"][-1] == "2026-11-27"
    by_key = {d["key"]: d["data"] for d in chart["datasets"]}
    assert by_key["wni"][-2:] == [2, 1] and by_key["official"][-1] == 1
    assert re.search(r'id="time-inside".*?45 min', html, re.S)

    response = client.get("/jali/reports/export", query_string={**query, "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Date", "No.", "Category"] and len(rows) == 6
    assert {r[2] for r in rows[1:]} == {"WNI applicant", "WNA applicant", "Official guest"}
    assert VALID_NIK not in response.get_data(as_text=True)  # no identity numbers exported
    assert any(r[5] == '\'=HYPERLINK("x")' for r in rows)  # no formula injection

    response = client.get("/jali/reports/export", query_string={**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][0] == "Date" and len(values) == 6
    assert client.get("/jali/reports/export?format=pdf").status_code == 404
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "jali.visits_exported").count() == 2


def test_visitor_log_filters(desk_client, desk, app, monkeypatch):
    monkeypatch.setattr("intranet.jali.permits._owl_lookup", lambda: None)
    with app.app_context():
        _seed(desk)
    html = desk_client.get("/jali/visits?date=2026-11-26").get_data(as_text=True)
    assert html.count("jali-row-mark") == 3 and "Pengunjung 2" in html
    rows = desk_client.get(
        "/jali/visits",
        query_string={"date": "2026-11-26", "category": "wna"},
        headers={"HX-Request": "true", "HX-Target": "visit-rows"},
    ).get_data(as_text=True)
    assert rows.startswith('\n<div id="visit-rows">') or rows.lstrip().startswith(
        '<div id="visit-rows">'
    )
    assert rows.count("jali-row-mark") == 1 and "Pengunjung 2" in rows
    found = desk_client.get(
        "/jali/visits", query_string={"date": "2026-11-26", "q": VALID_NIK}
    ).get_data(as_text=True)
    assert found.count("jali-row-mark") == 2
    assert desk_client.get("/jali/visits?date=nonsense&page=x").status_code == 200


def test_settings_page(app, client, make_user, login_as):
    admin = make_user("admin", language="en")
    login_as(admin, client)
    page = client.get("/jali/settings").get_data(as_text=True)
    assert "Permohonan paspor baru" in page
    bad = client.post_form(
        "/jali/settings",
        {
            "purposes_wni": "",
            "purposes_wna": "Lapor diri",
            "purposes_official": "Rapat",
            "sticker_width": "10",
            "sticker_height": "100",
            "closing_time": "5pm",
        },
        token_from="/jali/settings",
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "List at least one purpose" in text and "Between 30 and 200 mm" in text
    assert "HH:MM" in text
    ok = client.post_form(
        "/jali/settings",
        {
            "purposes_wni": "Legalisasi\n\nLegalisasi\nPengambilan paspor",
            "purposes_wna": "Lapor diri",
            "purposes_official": "Rapat",
            "sticker_width": "50",
            "sticker_height": "80",
            "closing_time": "16:30",
        },
        token_from="/jali/settings",
    )
    assert ok.status_code == 303
    with app.app_context():
        assert purposes()["wni"] == ["Legalisasi", "Pengambilan paspor"]
        assert sticker_size() == {"width_mm": 50, "height_mm": 80}
    login_as(make_user("resepsionis"), client)
    assert client.get("/jali/settings").status_code == 403


def test_visitor_log_rows_escape_and_page_in_plain_sql(desk_client, desk, app, monkeypatch):
    """The log's rows are written in Python from plain SQL: typed text is escaped, the
    category/status filters and the pages agree with the counts."""
    monkeypatch.setattr("intranet.jali.permits._owl_lookup", lambda: None)
    with app.app_context():
        _seed(desk)
        Visit.update(name='<img src=x onerror="1">', institution="A & B").where(
            Visit.visit_date == TODAY
        ).execute()
    day = TODAY.isoformat()
    html = desk_client.get(f"/jali/visits?date={day}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=&#34;1&#34;&gt;" in html
    assert "A &amp; B" in html and "=HYPERLINK(&#34;x&#34;)" in html
    assert html.count("jali-row-mark") == 2 and "Swept" in html  # the seed's sweep
    with app.app_context():
        Visit.update(checked_out_at=None, checkout_method="").where(
            (Visit.visit_date == TODAY) & (Visit.category == "wni")
        ).execute()
    inside = desk_client.get(f"/jali/visits?date={day}&status=inside").get_data(as_text=True)
    assert inside.count("jali-row-mark") == 1 and "1 visit shown" in inside
    assert '<span class="badge text-bg-primary">Inside</span>' in inside
    out = desk_client.get(f"/jali/visits?date={day}&status=out&category=official").get_data(
        as_text=True
    )
    assert out.count("jali-row-mark") == 1 and "1 visit shown" in out
    none = desk_client.get(f"/jali/visits?date={day}&status=out&category=wna").get_data(
        as_text=True
    )
    assert "jali-row-mark" not in none and "No visits match on this day." in none


def test_remembered_log_rows_follow_time_inside_and_checkout(app):
    """Log rows are remembered by their values (jali.presenters._ROWS); a visitor still inside
    gets a fresh duration as minutes pass, and a checkout shows at once."""
    import datetime as dt

    from intranet.jali import presenters as log

    arrived = dt.datetime(2026, 11, 27, 1, 0)
    inside = (7, 7, "wni", "Budi", "", "Legalisir", arrived, None, "", "", "Andi", None)
    left = inside[:7] + (arrived + dt.timedelta(minutes=95), "desk") + inside[9:]
    with app.test_request_context("/jali/visits"):
        at_10 = log.rows_html([inside], "/jali/visits/", arrived + dt.timedelta(minutes=10))
        assert log.rows_html([inside], "/jali/visits/", arrived + dt.timedelta(minutes=10)) == at_10
        at_75 = log.rows_html([inside], "/jali/visits/", arrived + dt.timedelta(minutes=75))
        assert "10 mnt" in at_10 and "1 j 15 mnt" in at_75
        gone = log.rows_html([left], "/jali/visits/", arrived + dt.timedelta(minutes=200))
        assert "1 j 35 mnt" in gone and "<td>09:35</td>" in gone
