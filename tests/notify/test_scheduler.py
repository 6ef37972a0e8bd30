"""The periodic-job runner: slots, one run per slot however many schedulers, recorded runs."""

import datetime as dt
import threading

import intranet.notify.jobs  # noqa: F401 - registers notify.reconcile before any patching
from intranet.extensions import db, get_redis
from intranet.notify import scheduler
from intranet.notify.models import ScheduledRun
from intranet.scheduling import PeriodicJob

CALLS = []


def sample_job():
    CALLS.append(1)
    return "3 permits scanned"


def broken_job():
    raise RuntimeError("permit table unavailable")


JOBS = {
    "test.every": PeriodicJob("test.every", f"{__name__}:sample_job", every_seconds=60),
    "test.daily": PeriodicJob("test.daily", f"{__name__}:broken_job", daily_at="06:00"),
}
NOW = dt.datetime(2026, 11, 27, 3, 30, 20)  # 10:30:20 WIB


def test_slots():
    every = JOBS["test.every"]
    assert scheduler.slot_for(every, NOW) == dt.datetime(2026, 11, 27, 3, 30)
    assert scheduler.slot_for(every, NOW, every_seconds=15) == dt.datetime(2026, 11, 27, 3, 30, 15)
    daily = JOBS["test.daily"]
    # 06:00 WIB is 23:00 UTC the day before.
    assert scheduler.slot_for(daily, NOW) == dt.datetime(2026, 11, 26, 23, 0)
    early = dt.datetime(2026, 11, 26, 22, 0)  # 05:00 WIB: today's 06:00 has not come yet
    assert scheduler.slot_for(daily, early) == dt.datetime(2026, 11, 25, 23, 0)


def _patch_registry(monkeypatch):
    import intranet.scheduling as scheduling

    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", dict(JOBS))
    monkeypatch.setattr(scheduling, "JOB_MODULES", [])
    monkeypatch.setattr(scheduler, "load_job_modules", lambda: dict(JOBS))


def test_each_slot_runs_once_and_is_recorded(app_ctx, run_jobs, monkeypatch):
    _patch_registry(monkeypatch)
    CALLS.clear()
    assert sorted(scheduler.tick(NOW, JOBS)) == ["test.daily", "test.every"]
    assert scheduler.tick(NOW + dt.timedelta(seconds=20), JOBS) == []  # same slots
    run_jobs()
    assert CALLS == [1]
    ok = ScheduledRun.get(ScheduledRun.job == "test.every")
    assert (ok.status, ok.outcome) == ("ok", "3 permits scanned")
    assert ok.started_at and ok.finished_at and ok.worker
    failed = ScheduledRun.get(ScheduledRun.job == "test.daily")
    assert failed.status == "failed" and "permit table unavailable" in failed.outcome
    # The next minute is a new slot of the minutely job; the daily one waits for tomorrow.
    assert scheduler.tick(NOW + dt.timedelta(seconds=60), JOBS) == ["test.every"]


def test_two_schedulers_at_once_start_each_slot_once(app_ctx, app, monkeypatch):
    _patch_registry(monkeypatch)
    barrier = threading.Barrier(4)
    started = []

    def one_scheduler():
        with app.app_context(), db.connection_context():
            barrier.wait()
            started.extend(scheduler.tick(NOW, JOBS))

    threads = [threading.Thread(target=one_scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(started) == ["test.daily", "test.every"]
    assert ScheduledRun.select().count() == 2


def test_a_run_whose_job_vanished_is_enqueued_again(app_ctx, run_jobs, monkeypatch):
    _patch_registry(monkeypatch)
    CALLS.clear()
    scheduler.tick(NOW, {"test.every": JOBS["test.every"]})
    get_redis().flushdb()  # Redis lost the job before any worker took it
    run_jobs()
    assert CALLS == []
    scheduler.recover(NOW + dt.timedelta(minutes=3))
    scheduler.recover(NOW + dt.timedelta(minutes=3))  # a second scheduler: nothing twice
    run_jobs()
    assert CALLS == [1]
    assert ScheduledRun.get(ScheduledRun.job == "test.every").status == "ok"


def test_running_the_same_run_twice_runs_it_once(app_ctx, monkeypatch):
    from intranet.notify.jobs import run_periodic

    _patch_registry(monkeypatch)
    CALLS.clear()
    scheduler.tick(NOW, {"test.every": JOBS["test.every"]})
    run = ScheduledRun.get()
    run_periodic(run.id)
    assert run_periodic(run.id) == "already handled"
    assert CALLS == [1]


def test_reconciler_is_registered(app_ctx):
    from intranet.scheduling import load_job_modules

    jobs = load_job_modules()
    assert jobs["notify.reconcile"].every_seconds == 60
    assert jobs["notify.reconcile"].func_path == "intranet.notify.jobs:reconcile"


def test_admin_sees_jobs_and_runs(app_ctx, make_user, login_as, client, run_jobs, monkeypatch):
    _patch_registry(monkeypatch)
    scheduler.tick(NOW, JOBS)
    run_jobs()
    login_as(make_user("admin"))
    html = client.get("/admin/scheduler/").get_data(as_text=True)
    assert 'data-job="test.every"' in html and 'data-job="test.daily"' in html
    assert "3 permits scanned" in html and "permit table unavailable" in html
    assert "setiap hari pukul 06:00 WIB" in html
    only = client.get("/admin/scheduler/?job=test.daily").get_data(as_text=True)
    assert "3 permits scanned" not in only.split('id="runs"')[1]


def test_run_history_is_purged_after_30_days(app_ctx):
    from intranet.models import utcnow
    from intranet.notify.jobs import purge_run_history

    now = utcnow()
    old = ScheduledRun.create(job="x", slot=now - dt.timedelta(days=31), status="ok")
    recent = ScheduledRun.create(job="x", slot=now - dt.timedelta(days=2), status="ok")
    assert purge_run_history() == {"deleted": 1, "days": 30}
    assert ScheduledRun.get_or_none(ScheduledRun.id == old.id) is None
    assert ScheduledRun.get_or_none(ScheduledRun.id == recent.id) is not None
