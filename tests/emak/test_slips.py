""" "My pay slips": every employee sees their own notices, newest first, with the e-mail's
breakdown, once the run is sent; nobody sees anyone else's."""

import datetime as dt

from intranet.audit.models import AuditEntry
from intranet.emak import sending
from intranet.emak.models import PayNotice

from .conftest import salary


def _sent_run(make_run, finance, lines, **kw):
    run = make_run(lines, finalise=True, **kw)
    sending.send_run(run.id, actor=finance)
    return run


def test_employee_sees_own_notices_newest_first(client, login_as, finance, staff, make_run):
    a, b, _c = staff
    october = _sent_run(make_run, finance, salary(a) + salary(b), period=dt.date(2026, 10, 1))
    november = _sent_run(
        make_run, finance, salary(a, base=4_600_000) + salary(b), period=dt.date(2026, 11, 1)
    )
    make_run(salary(a), period=dt.date(2026, 12, 1), finalise=True)  # final, not sent yet
    login_as(a)
    html = client.get("/pay/slips").get_data(as_text=True)
    assert html.count("data-notice=") == 2
    assert html.index("November 2026") < html.index("Oktober 2026")
    assert "Desember 2026" not in html
    mine = PayNotice.get(PayNotice.run == november.id, PayNotice.employee == a.id)
    page = client.get(f"/pay/slips/{mine.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Gaji pokok" in text and "Rp 4.600.000" in text
    assert f'id="notice-net">Rp {mine.net:,}'.replace(",", ".") in text
    read = AuditEntry.get(AuditEntry.action == "paynotice.read")
    assert read.actor_id == a.id and read.object_id == str(mine.id)
    assert PayNotice.select().where(PayNotice.run == october.id).count() == 2


def test_another_employees_notice_is_not_found(client, login_as, finance, staff, make_run):
    a, b, _c = staff
    run = _sent_run(make_run, finance, salary(a) + salary(b))
    theirs = PayNotice.get(PayNotice.run == run.id, PayNotice.employee == b.id)
    login_as(a)
    assert client.get(f"/pay/slips/{theirs.id}").status_code == 404
    assert client.get("/pay/slips/999999").status_code == 404
    assert "Budi" not in client.get("/pay/slips").get_data(as_text=True)


def test_finance_sees_only_own_slips_there_too(client, login_as, finance, staff, make_run):
    run = _sent_run(make_run, finance, salary(staff[0]))
    notice = PayNotice.get(PayNotice.run == run.id)
    login_as(finance)
    assert client.get(f"/pay/slips/{notice.id}").status_code == 404


def test_notice_of_unsent_run_is_not_shown(client, login_as, staff, make_run):
    run = make_run(salary(staff[0]), finalise=True)
    notice = PayNotice.get(PayNotice.run == run.id)
    login_as(staff[0])
    assert client.get(f"/pay/slips/{notice.id}").status_code == 404


def test_slips_in_english(client, login_as, finance, staff, make_run):
    b = staff[1]  # prefers English
    run = _sent_run(make_run, finance, salary(b))
    notice = PayNotice.get(PayNotice.run == run.id)
    login_as(b)
    text = client.get(f"/pay/slips/{notice.id}").get_data(as_text=True)
    assert "Base salary" in text and "Net amount" in text
