"""The WFH recap: NIPs in their official spaced form, and no paging into months to come."""

import datetime as dt
import re


def test_recap_shows_nips_spaced(client, office, sign_in, make_submission):
    make_submission(office.emp, work_date=dt.date(2026, 11, 2), now=dt.datetime(2026, 11, 2, 3))
    sign_in(office.boss)
    html = client.get("/cempaka/recap?month=2026-11").get_data(as_text=True)
    nip = office.emp.nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert spaced in html
    assert nip not in html


def test_recap_does_not_page_into_months_to_come(client, office, sign_in, monkeypatch):
    from intranet.cempaka import location

    monkeypatch.setattr(location, "today_wib", lambda: dt.date(2026, 12, 7))
    sign_in(office.boss)
    current = client.get("/cempaka/recap").get_data(as_text=True)
    assert 'id="recap-prev"' in current and "month=2026-11" in current
    assert 'id="recap-next"' not in current  # December is this month: nothing after it yet
    assert 'max="2026-12"' in current
    last = client.get("/cempaka/recap?month=2026-11").get_data(as_text=True)
    assert re.search(r'id="recap-next"[^>]*>|href="[^"]*month=2026-12[^"]*" id="recap-next"', last)
    future = client.get("/cempaka/recap?month=2027-03")
    assert future.status_code == 200
    text = future.get_data(as_text=True)
    assert "Rekap mencakup bulan-bulan sampai bulan ini" in text
    assert 'value="2026-12"' in text  # the current month is shown, not March 2027
    assert 'id="recap-next"' not in text
