"""Pay-run benchmark (DESIGN §7, issue 5): a pay run of 10,000 notices, from the send click to the
last message accepted by a local SMTP sink, against a bare smtplib loop over one connection to
the same sink, in the same run.

    .venv/bin/python -m bench.payrun [--quick] [--employees N] [--workers 2]
                                     [--database-url postgresql://...]  (wiped!)

1. Baseline: one smtplib connection sends copies of a rendered pay notice (same size as the
   real ones) to a fresh sink process; msgs/s from the first send to the sink's last acceptance.
   It runs in two halves of N/2 messages, one just before the pay run and one just after, and
   counts as N messages over the two halves' time: a machine whose speed drifts (shared hosts
   do, by a factor of two within a minute) then gives the ceiling and the pay run the same
   conditions, on average, instead of whatever the minute before the pay run happened to be.
2. Pay run: N employees, a final run with five components each; ``python worker.py`` processes
   wait idle; the clock starts when ``emak.sending.send_run`` is called (what the send button
   does) and stops when a fresh sink process has accepted the N-th message.

Prints ``RESULT payrun_mail_ratio <v> target >= 0.80`` and the workers' peak RSS
(``RESULT payrun_worker_rss_mb <v> target <= 200``). The sink runs in its own process, so it
costs the same in both measurements.
"""

import argparse
import datetime as dt
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import threading
import time

from bench.common import ROOT, bench_environment, children, free_port, result, rss_mb

PASSWORD_HASH = "x"  # nobody signs in during this benchmark


# ----- the SMTP sink (a separate process) --------------------------------------------------------


def sink_main(port, expect):
    """Accept mail on ``port``; print READY, then DONE <unix time> at the ``expect``-th message."""
    import asyncio

    from aiosmtpd.controller import Controller

    state = {"count": 0}
    done = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            state["count"] += 1
            if state["count"] == expect:
                print(f"DONE {time.time():.6f}", flush=True)
                done.set()
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    time.sleep(0.2)
    controller.stop()
    del asyncio


class Sink:
    def __init__(self, expect):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.payrun", "--sink", str(self.port), str(expect)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if line != "READY":
            raise RuntimeError(f"sink did not start: {line!r}")

    def wait_done(self, timeout):
        result_box = {}

        def read():
            result_box["line"] = self.proc.stdout.readline().strip()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        line = result_box.get("line", "")
        if not line.startswith("DONE "):
            raise RuntimeError(f"the sink did not receive every message in {timeout}s")
        return float(line.split()[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ----- data ------------------------------------------------------------------------------------


def build_run(employees):
    """N active employees and a final pay run with five components each."""
    from intranet.emak import runs as services  # create_run, finalise_run
    from intranet.emak.models import PayLine
    from intranet.extensions import transaction
    from intranet.people.models import User, UserRole

    with transaction():
        finance = User.create(
            nip="197802082002081898",
            name="Bendahara Bench",
            email="keuangan@bench.example",
            password_hash=PASSWORD_HASH,
        )
        UserRole.insert_many(
            [{"user": finance.id, "role": r} for r in ("pegawai", "keuangan")]
        ).execute()
        rows = []
        base = dt.date(1970, 1, 1)
        for n in range(employees):
            birth = base + dt.timedelta(days=n % 9000)
            rows.append(
                {
                    "nip": f"{birth:%Y%m%d}2005{(n // 9000) % 12 + 1:02d}"
                    f"{n % 2 + 1}{n % 999 + 1:03d}",
                    "name": f"Pegawai Bench {n}",
                    "email": f"pegawai{n}@bench.example",
                    "password_hash": PASSWORD_HASH,
                    "language": "en" if n % 10 == 0 else "id",
                }
            )
        for start in range(0, len(rows), 500):
            User.insert_many(rows[start : start + 500]).execute()
    run = services.create_run(
        period=dt.date(2026, 11, 1),
        kind="gaji",
        pay_date=dt.date(2026, 11, 25),
        actor=finance,
        note="Gaji induk bulan November 2026.",
    )
    ids = [u.id for u in User.select(User.id).where(User.id != finance.id).order_by(User.id)]
    with transaction():
        lines = []
        for i, uid in enumerate(ids):
            gapok = 2_785_700 + (i % 30) * 59_650
            lines += [
                {"run": run.id, "employee": uid, "component": "gaji_pokok", "amount": gapok},
                {
                    "run": run.id,
                    "employee": uid,
                    "component": "tunjangan_keluarga",
                    "amount": gapok * 12 // 100,
                },
                {"run": run.id, "employee": uid, "component": "tunjangan_umum", "amount": 185_000},
                {"run": run.id, "employee": uid, "component": "iwp", "amount": gapok * 112 // 1000},
                {
                    "run": run.id,
                    "employee": uid,
                    "component": "bpjs_kesehatan",
                    "amount": gapok * 112 // 10000,
                },
            ]
        for start in range(0, len(lines), 1000):
            PayLine.insert_many(lines[start : start + 1000]).execute()
    services.finalise_run(run.id, actor=finance)
    return run.id, finance


def sample_message(app, run_id):
    """A rendered notice, as bytes, to send in the baseline loop."""
    from intranet.emak import notices as services  # preview_context, render_notice
    from intranet.emak.models import PayNotice, PayRun
    from intranet.notify.models import OutboxMessage
    from intranet.notify.rendering import build_message

    run = PayRun.get_by_id(run_id)
    notice = PayNotice.select().where(PayNotice.run == run_id).first()
    _employee, context, language = services.preview_context(run, notice.employee_id)
    subject, text, html = services.render_notice(context, language)
    row = OutboxMessage(
        id=1, key="pay:bench", to_address="baseline@bench.example", cc="", language=language
    )
    sender, _rcpts, data, _mid = build_message(row, subject, text, html)
    return sender, data


# ----- measurements ----------------------------------------------------------------------------


def baseline(sender, data, count):
    """Seconds for ``count`` messages over one smtplib connection to a fresh sink."""
    sink = Sink(count)
    try:
        conn = smtplib.SMTP("127.0.0.1", sink.port, timeout=30)
        started = time.time()
        for i in range(count):
            conn.sendmail(sender, [f"baseline{i}@bench.example"], data)
        done = sink.wait_done(120)
        conn.quit()
    finally:
        sink.stop()
    return done - started


class RssSampler(threading.Thread):
    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = 0.0
        self.stopped = False

    def run(self):
        while not self.stopped:
            for pid in self.pids:
                for p in [pid, *children(pid)]:
                    self.peak = max(self.peak, rss_mb(p))
            time.sleep(0.1)


def cpu_seconds(pid):
    """User + system CPU of a process and its reaped children (RQ's work horses)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds():
    """CPU of the local PostgreSQL server's processes, with the backends that have exited (the
    postmaster's reaped children). With SQLite the database works inside the workers; with
    PostgreSQL on the same machine, this is the rest of what a message costs its cores."""
    import psutil

    return sum(
        cpu_seconds(proc.pid)
        for proc in psutil.process_iter(["name"])
        if proc.info["name"] in ("postgres", "postmaster")
    )


def start_workers(count, env, tmp):
    workers = []
    for i in range(count):
        log = open(os.path.join(tmp, f"worker-{i}.log"), "wb")
        workers.append(
            subprocess.Popen(
                [sys.executable, os.path.join(ROOT, "worker.py")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def stop_workers(workers):
    import psutil

    for w in workers:
        try:
            procs = [psutil.Process(w.pid), *psutil.Process(w.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in procs:
            try:
                p.terminate()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(procs, timeout=10)


def payrun(app, run_id, finance, count, workers, env, tmp, postgres=False):
    from intranet.emak import sending as services  # send_run

    sink = Sink(count)
    env = dict(env, MAIL_PORT=str(sink.port))
    procs = start_workers(workers, env, tmp)
    sampler = RssSampler([p.pid for p in procs])
    try:
        time.sleep(3)  # the workers are up and idle, as they are in the office
        sampler.start()
        app.config["MAIL_PORT"] = sink.port
        cpu_before = [cpu_seconds(p.pid) for p in procs] + [cpu_seconds(sink.proc.pid)]
        database_before = database_cpu_seconds() if postgres else 0.0
        with app.test_request_context("/pay/runs/1/send", method="POST"):
            started = time.time()
            services.send_run(run_id, actor=finance)  # the send click
            queued = time.time()
        done = sink.wait_done(600)
        cpu_after = [cpu_seconds(p.pid) for p in procs] + [cpu_seconds(sink.proc.pid)]
        used = [b - a for a, b in zip(cpu_before, cpu_after, strict=True)]
        database = database_cpu_seconds() - database_before if postgres else 0.0
        print(
            f"# CPU per message: workers {sum(used[:-1]) / count * 1000:.2f} ms, "
            f"sink {used[-1] / count * 1000:.2f} ms"
            + (f", PostgreSQL {database / count * 1000:.2f} ms" if postgres else ""),
            flush=True,
        )
    finally:
        sampler.stopped = True
        stop_workers(procs)
        sink.stop()
    return count / (done - started), queued - started, done - started, sampler.peak


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 employees")
    parser.add_argument("--employees", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2, help="python worker.py processes")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (will be wiped)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    parser.add_argument("--sink", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink:
        sink_main(*args.sink)
        return 0
    employees = args.employees or (1_000 if args.quick else 10_000)

    tmp, env, redis_server = bench_environment(
        "bench-payrun-", args.database_url, RQ_QUEUE="bench-payrun"
    )

    from intranet import create_app
    from intranet.cli import upgrade
    from intranet.extensions import db, get_redis

    app = create_app("development")
    ok = True
    try:
        with app.app_context():
            if args.database_url:
                with db.connection_context():
                    db.execute_sql("DROP SCHEMA public CASCADE")
                    db.execute_sql("CREATE SCHEMA public")
            upgrade()
            get_redis().flushdb()
            db.connect(reuse_if_open=True)
            t0 = time.monotonic()
            run_id, finance = build_run(employees)
            print(
                f"# {employees} employees, final run built in {time.monotonic() - t0:.1f}s",
                flush=True,
            )
            sender, data = sample_message(app, run_id)
            db.close()
        before = employees // 2
        after = employees - before
        first = baseline(sender, data, before)
        with app.app_context():
            db.connect(reuse_if_open=True)
            rate, queued, total, rss = payrun(
                app, run_id, finance, employees, args.workers, env, tmp, bool(args.database_url)
            )
            db.close()
        second = baseline(sender, data, after)
        base = employees / (first + second)
        print(
            f"# bare smtplib loop: {base:.0f} msgs/s ({before / first:.0f} before the pay run, "
            f"{after / second:.0f} after; {len(data)} bytes per message)",
            flush=True,
        )
        print(
            f"# pay run: send_run committed {employees} outbox rows in {queued:.2f}s; "
            f"last message accepted after {total:.2f}s: {rate:.0f} msgs/s "
            f"({args.workers} workers)",
            flush=True,
        )
        ok &= result("payrun_mail_ratio", rate / base, ">=", 0.80)
        ok &= result("payrun_worker_rss_mb", rss, "<=", 200)
    finally:
        if redis_server is not None:
            redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
