"""The figures of a seeded month, against the values computed by hand (conftest.EXPECTED)."""

import datetime as dt

import pytest

from .conftest import EXPECTED, MONTH, seed_counter_day

TODAY = dt.date(2026, 12, 7)


def test_a_seeded_month_adds_up_to_the_hand_computed_figures(rolled_up):
    from intranet.wbbm import figures

    report = figures.build(figures.period_of("month", MONTH), today=TODAY)
    values = {r.figure.key: r.value for r in report.results}
    assert {k: values[k] for k in EXPECTED} == pytest.approx(EXPECTED)
    assert report.closed
    assert report.ikm_grade == "B"
    assert [(name, float(s.value)) for name, s in report.ikm_officers] == [("Petugas Loket", 87.5)]


def test_a_unit_sees_only_its_own_figures(rolled_up):
    from intranet.wbbm import figures

    month = figures.period_of("month", MONTH)
    tik = figures.build(month, rolled_up["units"]["tik"], today=TODAY)
    values = {r.figure.key: r.value for r in tik.results}
    assert values["cempaka.submitted"] == 4
    assert values["anggrek.served"] == 0
    assert values["anggrek.wait_median"] is None
    assert "owl.expiring" not in values  # kept for the whole office only
    lantas = figures.build(month, rolled_up["units"]["lantas"], today=TODAY)
    values = {r.figure.key: r.value for r in lantas.results}
    assert values["anggrek.served"] == 2 and values["cempaka.submitted"] == 0


def test_statuses_read_without_colour(rolled_up):
    from intranet.wbbm import figures

    report = figures.build(figures.period_of("month", MONTH), today=TODAY)
    by_key = {r.figure.key: r for r in report.results}
    assert by_key["anggrek.wait_median"].status == "off"  # 19 against 15 (close: up to 16.5)
    assert by_key["anggrek.service_median"].status == "on"  # 10 against 15
    assert by_key["anggrek.ikm"].status == "close"  # 87.5 against 88.31
    assert by_key["anggrek.served"].status == "none"
    assert str(by_key["anggrek.ikm"].status_label) and by_key["anggrek.ikm"].status_icon


def test_the_rollup_run_twice_gives_the_same_tables(seeded):
    from intranet.wbbm import rollup
    from intranet.wbbm.models import Daily, Histogram, RollupDay

    def tables():
        return (
            sorted(Daily.select(Daily.day, Daily.service, Daily.unit, Daily.officer,
                                Daily.metric, Daily.value).tuples()),
            sorted(Histogram.select(Histogram.day, Histogram.service, Histogram.unit,
                                    Histogram.metric, Histogram.minute, Histogram.n).tuples()),
            sorted(RollupDay.select(RollupDay.day, RollupDay.service,
                                    RollupDay.signature).tuples()),
        )  # fmt: skip

    now = dt.datetime(2026, 12, 7, 3)
    rollup.rebuild(dt.date(2026, 10, 1), dt.date(2026, 12, 7), now=now)
    first = tables()
    assert first[0] and first[1]
    rollup.rebuild(dt.date(2026, 10, 1), dt.date(2026, 12, 7), now=now)
    assert tables() == first
    rollup.refresh(now)
    rollup.refresh(now)
    assert tables() == first


def test_a_late_event_for_a_closed_day_is_corrected_by_the_next_run(rolled_up, make_user):
    from intranet.anggrek import services
    from intranet.wbbm import figures, rollup

    month = figures.period_of("month", MONTH)
    assert figures.build(month, today=TODAY).value("anggrek.served") == 2
    # Tickets of 4 November (a month before the job's run) reach the database late: a
    # counter that lost its network and synchronised afterwards.
    officer = make_user("loket", name="Petugas Dua", unit=rolled_up["units"]["lantas"])
    counter = services.create_counter(code="L02", name="Loket 2")
    seed_counter_day(officer, counter, day=2)
    rollup.refresh(dt.datetime(2026, 12, 7, 4))  # not within the recent seven days
    report = figures.build(month, today=TODAY)
    assert report.value("anggrek.served") == 4
    assert report.value("anggrek.wait_median") == 19  # waits 5, 5, 19, 19, 43, 43


def test_a_closed_period_is_the_same_whenever_regenerated(rolled_up):
    from intranet.anggrek.models import Flag
    from intranet.wbbm import figures

    month = figures.period_of("month", MONTH)
    before = [(r.figure.key, r.value) for r in figures.build(month, today=TODAY).results]
    # what happens after the month does not change it: the open flag is decided in December
    Flag.update(status="resolved", resolved_at=dt.datetime(2026, 12, 3)).where(
        Flag.resolved_at.is_null()
    ).execute()
    figures.clear_cache()
    after = [(r.figure.key, r.value) for r in figures.build(month, today=TODAY).results]
    assert after == before


def test_periods():
    from intranet.wbbm.figures import period_of

    day = dt.date(2026, 11, 18)
    assert period_of("week", day).first == dt.date(2026, 11, 16)
    assert period_of("quarter", day).first == dt.date(2026, 10, 1)
    assert period_of("quarter", day).last == dt.date(2026, 12, 31)
    assert period_of("year", day).previous().first == dt.date(2025, 1, 1)
    assert period_of("month", dt.date(2026, 12, 5)).last == dt.date(2026, 12, 31)


def test_the_cli_rebuilds_a_range(seeded, app):
    from intranet.wbbm.models import RollupDay

    runner = app.test_cli_runner()
    result = runner.invoke(args=["wbbm", "rollup", "--from", "2026-11-01", "--to", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "anggrek: 30 days rolled up" in result.output
    assert RollupDay.select().where(RollupDay.service == "owl").count() == 30
    bad = runner.invoke(args=["wbbm", "rollup", "--from", "2026-13-01", "--to", "2026-11-30"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_the_periodic_job_rolls_up_as_of_its_slot(seeded):
    from intranet.wbbm import jobs
    from intranet.wbbm.models import RollupDay
    from intranet.wbbm.rollup import last_updated

    slot = dt.datetime(2026, 11, 3, 2, 0)  # 3 November, 09:00 WIB
    written = jobs.rollup(as_of=slot)
    assert written > 0
    assert last_updated() == slot
    days = {d for (d,) in RollupDay.select(RollupDay.day).tuples()}
    assert max(days) == dt.date(2026, 11, 3)  # nothing after the slot's day
