"""Officer metrics from known event sequences, against values computed by hand."""

import csv
import datetime as dt
import io

import pytest

from intranet.anggrek import metrics, services

from .conftest import at

DAY = dt.date(2026, 11, 27)  # a Friday
NEXT = dt.date(2026, 11, 28)


def day2(minutes):
    return at(minutes) + dt.timedelta(days=1)


@pytest.fixture
def shift(make_counter, make_officer, clock):
    """Two officers, five tickets on 27 November 2026 (minutes after 08:00 WIB):

    issued: A001 @0, A002 @1, A003 @2, A004 @20, A005 @40
    Y (L02): open @3, call A001 @4, start @5, served @12, call A003 @13, no-show @15,
             call A004 @22, start @23, referred @30, close @35
    X (L01): open @5, call A002 @6, recall @7, start @8, served @14, call A005 @41,
             start @42, served @50, close @55
    """
    x_counter, y_counter = make_counter(), make_counter()
    x, y = make_officer(name="Officer X"), make_officer(name="Officer Y")
    t = {}
    for number, minute in (("A001", 0), ("A002", 1), ("A003", 2), ("A004", 20), ("A005", 40)):
        t[number] = services.issue_ticket("paspor_baru", at=at(minute))
        assert t[number].number == number
    S = services
    S.open_counter(y_counter, y, at=at(3))
    assert S.call_next(y_counter, y, at=at(4)).number == "A001"
    S.open_counter(x_counter, x, at=at(5))
    S.start_interview(y_counter, y, t["A001"].id, at=at(5))
    assert S.call_next(x_counter, x, at=at(6)).number == "A002"
    S.recall(x_counter, x, t["A002"].id, at=at(7))
    S.start_interview(x_counter, x, t["A002"].id, at=at(8))
    S.finish_ticket(y_counter, y, t["A001"].id, "served", at=at(12))
    assert S.call_next(y_counter, y, at=at(13)).number == "A003"
    S.finish_ticket(x_counter, x, t["A002"].id, "served", at=at(14))
    S.finish_ticket(y_counter, y, t["A003"].id, "no_show", at=at(15))
    assert S.call_next(y_counter, y, at=at(22)).number == "A004"
    S.start_interview(y_counter, y, t["A004"].id, at=at(23))
    S.finish_ticket(y_counter, y, t["A004"].id, "referred", at=at(30))
    S.close_counter(y_counter, y, at=at(35))
    assert S.call_next(x_counter, x, at=at(41)).number == "A005"
    S.start_interview(x_counter, x, t["A005"].id, at=at(42))
    S.finish_ticket(x_counter, x, t["A005"].id, "served", at=at(50))
    S.close_counter(x_counter, x, at=at(55))
    return x, y, x_counter, y_counter


def test_day_metrics_match_hand_computed_values(shift):
    x, y, *_ = shift
    stats = metrics.per_officer(metrics.load(DAY, DAY, now=at(60)))
    sx, sy = stats[x.id], stats[y.id]

    # X: waits A002 6-1 = 5 min, A005 41-40 = 1 min -> 3 min; call-to-start 2 min and 1 min;
    # interviews 14-8 = 6 min and 50-42 = 8 min; idle while waiting: 5-6 (A002 waiting) 60 s,
    # 14-41 overlapping A004 waiting 20-22 and A005 waiting 40-41: 180 s; 50-55 nothing waits.
    assert (sx.served, sx.referred, sx.no_show) == (2, 0, 0)
    assert sx.avg_wait == 180
    assert sx.avg_call_to_start == 90
    assert sx.avg_interview == 420
    assert sx.idle_waiting == 240
    assert sx.open_time == 50 * 60
    assert (sx.no_show_rate, sx.referral_rate) == (0, 0)

    # Y: waits A001 4 min, A003 11 min, A004 2 min -> 340 s; call-to-start 1 min twice;
    # interviews 7 min (A001) and 7 min (A004; the no-show has none); idle while waiting:
    # 3-4 (A001) 60 s, 12-13 (A003) 60 s, 15-22 overlapping A004 waiting 20-22 120 s, 30-35 0.
    assert (sy.served, sy.referred, sy.no_show) == (1, 1, 1)
    assert sy.avg_wait == 340
    assert sy.avg_call_to_start == 60
    assert sy.avg_interview == 420
    assert sy.idle_waiting == 240
    assert sy.open_time == 32 * 60
    assert sy.no_show_rate == pytest.approx(1 / 3)
    assert sy.referral_rate == pytest.approx(1 / 3)


def test_a_week_averages_over_all_its_tickets(shift, clock):
    x, _y, x_counter, _ = shift
    # Saturday 28 November: X serves one more ticket (issued @0, open @1, call @3, start @4,
    # served @14, close @15): wait 3 min, call-to-start 1 min, interview 10 min, idle 1-3: 120 s.
    b1 = services.issue_ticket("penggantian", at=day2(0))
    services.open_counter(x_counter, x, at=day2(1))
    services.call_next(x_counter, x, at=day2(3))
    services.start_interview(x_counter, x, b1.id, at=day2(4))
    services.finish_ticket(x_counter, x, b1.id, "served", at=day2(14))
    services.close_counter(x_counter, x, at=day2(15))

    first, last = metrics.period_days("week", DAY)
    assert (first, last) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    week = metrics.per_officer(metrics.load(first, last, officer_ids=[x.id], now=day2(60)))
    s = week[x.id]
    assert s.served == 3
    assert s.avg_wait == (300 + 60 + 180) / 3  # 180 s, not the mean of daily means (180, 180)
    assert s.avg_call_to_start == (120 + 60 + 60) / 3
    assert s.avg_interview == (360 + 480 + 600) / 3
    assert s.idle_waiting == 240 + 120
    by_day = metrics.load(first, last, officer_ids=[x.id], now=day2(60))
    assert by_day[(x.id, NEXT)].avg_interview == 600
    month = metrics.per_officer(metrics.load(*metrics.period_days("month", DAY), now=day2(60)))
    assert month[x.id].served == 3


def test_periods():
    assert metrics.period_days("day", DAY) == (DAY, DAY)
    assert metrics.period_days("month", dt.date(2026, 2, 10)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert metrics.period_days("month", dt.date(2026, 12, 31)) == (
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
    )
    weeks = metrics.previous_periods("week", DAY, 3)
    assert [w[0] for w in weeks] == [
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
    ]


def test_queue_overlap_merges_waiting_tickets():
    q = metrics.Queue([(at(0), at(10)), (at(5), at(15)), (at(30), at(40))])
    assert q.overlap(at(-5), at(50)) == (15 + 10) * 60
    assert q.overlap(at(12), at(35)) == (3 + 5) * 60
    assert q.overlap(at(16), at(29)) == 0


def test_an_idle_stretch_still_running_ends_now(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer()
    services.issue_ticket("paspor_baru", at=at(0))
    services.open_counter(counter, officer, at=at(2))
    s = metrics.per_officer(metrics.load(DAY, DAY, now=at(7)))[officer.id]
    assert s.idle_waiting == 5 * 60 and s.open_time == 5 * 60


def _row(html, officer):
    start = html.index(f'data-officer="{officer.id}"')
    return html[start : html.index("</tr>", start)]


def test_metrics_page_shows_the_averages(shift, client, login_as, make_user, clock):
    x, y, *_ = shift
    clock.set(at(60))
    login_as(make_user("kepala"))
    html = client.get("/anggrek/metrics?period=day&date=2026-11-27").get_data(as_text=True)
    rx, ry = _row(html, x), _row(html, y)
    assert 'data-metric="avg_wait">3:00<' in rx
    assert 'data-metric="avg_call_to_start">1:30<' in rx
    assert 'data-metric="avg_interview">7:00<' in rx
    assert 'data-metric="idle_waiting">4:00<' in rx
    assert 'data-metric="avg_wait">5:40<' in ry
    assert 'data-metric="no_show_rate">33,3 %<' in ry
    assert "Cara menghitung angka-angka ini" in html  # the definitions are on the page


def test_exports_carry_the_same_figures(shift, client, login_as, make_user, clock):
    x, y, *_ = shift
    clock.set(at(60))
    login_as(make_user("kepala"))
    r = client.get("/anggrek/metrics/export.csv?period=day&date=2026-11-27")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["Officer X"]["Rata-rata tunggu (menit)"] == "3.0"
    assert by_name["Officer Y"]["Rata-rata tunggu (menit)"] == str(round(340 / 60, 2))
    assert by_name["Officer Y"]["Tingkat tidak hadir (%)"] == "33.3"

    from openpyxl import load_workbook

    r = client.get("/anggrek/metrics/export.xlsx?period=day&date=2026-11-27")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data)).active
    values = list(ws.iter_rows(values_only=True))
    header = values[1]
    data = {row[0]: dict(zip(header, row, strict=True)) for row in values[2:]}
    assert data["Officer X"]["Rata-rata wawancara (menit)"] == 7.0
    assert data["Officer Y"]["Terlayani"] == 1


def test_who_sees_whose_metrics(shift, client, login_as, make_user, supervisor, clock):
    x, y, *_ = shift
    clock.set(at(60))
    # the officers' supervisor sees both; another supervisor neither
    login_as(supervisor)
    html = client.get("/anggrek/metrics?date=2026-11-27").get_data(as_text=True)
    assert f'data-officer="{x.id}"' in html and f'data-officer="{y.id}"' in html
    other = make_user("atasan")
    login_as(other)
    html = client.get("/anggrek/metrics?date=2026-11-27").get_data(as_text=True)
    assert f'data-officer="{x.id}"' not in html
    assert client.get(f"/anggrek/metrics/officer/{x.id}").status_code == 404
    # an officer sees only themselves
    login_as(x)
    html = client.get("/anggrek/metrics?date=2026-11-27").get_data(as_text=True)
    assert f'data-officer="{x.id}"' in html and f'data-officer="{y.id}"' not in html
    assert client.get(f"/anggrek/metrics/officer/{y.id}").status_code == 404
    r = client.get(f"/anggrek/metrics/officer/{x.id}?period=day&date=2026-11-27")
    assert r.status_code == 200
    assert 'type="application/json" id="officer-chart-data"' in r.get_data(as_text=True)


def test_officer_chart_data_island(shift, client, login_as, make_user, clock):
    import json
    import re

    x, *_ = shift
    clock.set(at(60))
    login_as(make_user("kepala"))
    html = client.get(f"/anggrek/metrics/officer/{x.id}?period=day&date=2026-11-27").get_data(
        as_text=True
    )
    data = json.loads(
        re.search(
            r'<script type="application/json" id="officer-chart-data">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert data["labels"][-1] == "2026-11-27" and len(data["labels"]) == 14
    assert data["datasets"]["served"][-1] == 2
    assert data["datasets"]["avg_wait"][-1] == 3.0
