"""The periodic-job runner: slots, one run per slot however many schedulers, recorded runs."""

import datetime as dt
import threading

import intranet.notify.jobs  # noqa: F401 - registers notify.reconcile before any patching
from intranet.extensions import db, get_redis
from intranet.jobs import scheduler
from intranet.jobs.models import ScheduledRun
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
    from intranet.jobs.scheduler import run_periodic

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
    from intranet.jobs.scheduler import purge_run_history
    from intranet.models import utcnow

    now = utcnow()
    old = ScheduledRun.create(job="x", slot=now - dt.timedelta(days=31), status="ok")
    recent = ScheduledRun.create(job="x", slot=now - dt.timedelta(days=2), status="ok")
    assert purge_run_history() == {"deleted": 1, "days": 30}
    assert ScheduledRun.get_or_none(ScheduledRun.id == old.id) is None
    assert ScheduledRun.get_or_none(ScheduledRun.id == recent.id) is not None


# ----- a run acts as of its slot (issue 15 item 2) ----------------------------------------------

SLOTS = []


def stamped_job(as_of=None):
    SLOTS.append(as_of)
    return {"date": "2026-11-26", "queued": 0}


STAMPED = PeriodicJob("test.stamped", f"{__name__}:stamped_job", daily_at="17:30")


def test_a_run_started_late_receives_its_slot_time(app_ctx, run_jobs, monkeypatch):
    import intranet.scheduling as scheduling

    jobs = {STAMPED.name: STAMPED}
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", dict(jobs))
    monkeypatch.setattr(scheduler, "load_job_modules", lambda: dict(jobs))
    SLOTS.clear()
    # The worker was down at 17:30 WIB (10:30 UTC) and starts at 03:36 WIB the next morning.
    late = dt.datetime(2026, 11, 26, 20, 36)
    assert scheduler.tick(late, jobs) == ["test.stamped"]
    run_jobs()  # really runs now (December 2026), long after both
    assert SLOTS == [dt.datetime(2026, 11, 26, 10, 30)]
    # A job that does not declare as_of is called without it (test_each_slot_runs_once...).
    assert not scheduler.takes_as_of(sample_job) and scheduler.takes_as_of(stamped_job)


def test_every_daily_job_acts_as_of_its_slot(app_ctx):
    """A daily job depends on the time by nature (a day to close, a date to scan, an age to
    purge): each declares ``as_of``. The reconcilers repair the present and do not."""
    from intranet.jobs.scheduler import _import
    from intranet.scheduling import load_job_modules

    jobs = load_job_modules()
    daily = sorted(name for name, job in jobs.items() if job.daily_at)
    assert daily == [
        "anggrek.close_day",
        "cempaka.coarsen_locations",
        "cempaka.supervisor_digest",
        "jali.closing_sweep",
        "notify.purge_run_history",
        "owl.overstay",
        "owl.permit_scan",
    ]
    for name in daily:
        assert scheduler.takes_as_of(_import(jobs[name].func_path)), name
    for name in ("notify.reconcile", "emak.complete_runs"):
        assert not scheduler.takes_as_of(_import(jobs[name].func_path)), name


LATE_SLOT = dt.datetime(2026, 11, 26, 10, 30)  # 17:30 WIB, 26 Nov; the test runs later


def _spy(monkeypatch, module, name):
    """Record the calls of a service and call the real one."""
    calls = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_each_time_dependent_job_hands_its_slot_time_to_its_service(app_ctx, monkeypatch):
    from intranet.anggrek import services as anggrek
    from intranet.cempaka import maintenance as cempaka
    from intranet.jali import services as jali
    from intranet.jobs.scheduler import _import
    from intranet.scheduling import load_job_modules

    jobs = load_job_modules()

    def run(name):
        return scheduler.call_job(_import(jobs[name].func_path), LATE_SLOT)

    close_day = _spy(monkeypatch, anggrek, "close_day")
    assert run("anggrek.close_day") == {"counters_closed": 0, "tickets_not_called": 0}
    assert close_day == [((), {"at": LATE_SLOT})]

    sweep = _spy(monkeypatch, jali, "closing_sweep")
    assert run("jali.closing_sweep") == 0
    assert sweep == [((), {"now": LATE_SLOT})]

    digests = _spy(monkeypatch, cempaka, "queue_digests")
    coarsen = _spy(monkeypatch, cempaka, "coarsen_old_locations")
    run("cempaka.supervisor_digest")
    run("cempaka.coarsen_locations")
    assert digests == [((), {"now": LATE_SLOT})] and coarsen == [((), {"now": LATE_SLOT})]

    # Si Owl's scans are the scans of the slot's Jakarta date.
    assert run("owl.permit_scan")["date"] == "2026-11-26"
    assert run("owl.overstay")["date"] == "2026-11-26"
    late_after_midnight = dt.datetime(2026, 11, 26, 17, 30)  # 00:30 WIB, 27 Nov
    job = _import(jobs["owl.permit_scan"].func_path)
    assert scheduler.call_job(job, late_after_midnight)["date"] == "2026-11-27"


def test_run_history_is_purged_as_of_the_slot(app_ctx):
    from intranet.jobs.scheduler import purge_run_history

    old = ScheduledRun.create(job="x", slot=LATE_SLOT - dt.timedelta(days=31), status="ok")
    kept = ScheduledRun.create(job="x", slot=LATE_SLOT - dt.timedelta(days=29), status="ok")
    assert purge_run_history(as_of=LATE_SLOT) == {"deleted": 1, "days": 30}
    assert ScheduledRun.get_or_none(ScheduledRun.id == old.id) is None
    assert ScheduledRun.get_or_none(ScheduledRun.id == kept.id) is not None
    assert purge_run_history(as_of=LATE_SLOT) is None  # nothing to do: no outcome


# ----- the console: one line per job that did something (issue 15 item 15) ------------------


def test_did_something():
    assert not scheduler.did_something(None)
    assert not scheduler.did_something(0)
    assert not scheduler.did_something({"reset": 0, "enqueued": 0})
    assert not scheduler.did_something({"date": "2026-11-26", "queued": 0, "digest": None})
    assert scheduler.did_something(3)
    assert scheduler.did_something({"counters_closed": 1, "tickets_not_called": 0})
    assert scheduler.did_something("1 run(s) older than 30 days deleted")


def test_a_run_logs_one_info_line_when_it_did_something_and_none_otherwise(
    app_ctx, monkeypatch, caplog
):
    import logging

    import intranet.scheduling as scheduling

    jobs = {"test.every": JOBS["test.every"], STAMPED.name: STAMPED}
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", dict(jobs))
    monkeypatch.setattr(scheduler, "load_job_modules", lambda: dict(jobs))
    scheduler.tick(NOW, jobs)
    runs = {r.job: r.id for r in ScheduledRun.select()}
    with caplog.at_level(logging.DEBUG, logger="intranet.jobs.scheduler"):
        scheduler.execute_run(runs["test.stamped"])  # queued 0: nothing done
        nothing = [r for r in caplog.records if r.levelno >= logging.INFO]
        scheduler.execute_run(runs["test.every"])  # "3 permits scanned"
    assert nothing == []
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info == ["test.every: 3 permits scanned"]
