"""Mail benchmark (DESIGN §7): the outbox against a bare smtplib loop, in the same run.

    .venv/bin/python -m bench.mail [--quick] [--messages N] [--database-url URL]

1. Starts a local aiosmtpd sink in a process of its own (it counts messages and unique
   Message-IDs, and notes when it accepted the last one).
2. Bare ceiling: one smtplib connection sends N copies of a pre-rendered message (different
   recipients) to the sink, nothing else; once before and once after the outbox run (the mean
   is the ceiling, so a machine busy with other work weighs on both sides alike).
3. Outbox: with a real ``python worker.py`` already running (as in production), writes N rows with
   ``queue_email`` in one transaction (as a pay run's "send" does) and measures from the first
   write to the last message the sink accepted. The worker's processes (main, work horses) are
   sampled for RSS meanwhile.

Prints msgs/s of both, the ratio (target >= 0.80) and the worker's peak RSS (target <= 200 MB) as
``RESULT`` lines. ``--quick`` sends 1,000 messages (well under a minute).
"""

import argparse
import os
import shutil
import smtplib
import subprocess
import sys
import threading
import time

from bench.common import ROOT, bench_environment, children, free_port, result, rss_mb

TEMPLATE = "notify/email/test_message"


# ----- the sink (runs in its own process: python -m bench.mail --sink PORT) -----------------------


def run_sink(port):
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Counter:
        def __init__(self):
            self.lock = threading.Lock()
            self.reset(0)

        def reset(self, expected):
            with self.lock:
                self.expected = expected
                self.count = 0
                self.ids = set()
                self.last = 0.0
                self.first = 0.0
                self.done = threading.Event()

        async def handle_DATA(self, server, session, envelope):
            data = envelope.original_content or b""
            start = data.find(b"Message-ID:")
            if start < 0:
                start = data.find(b"Message-Id:")
            message_id = data[start : data.find(b"\r\n", start)] if start >= 0 else b""
            now = time.time()
            with self.lock:
                self.count += 1
                self.ids.add(message_id or str(self.count).encode())
                self.first = self.first or now
                self.last = now
                if self.expected and self.count >= self.expected:
                    self.done.set()
            return "250 OK"

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command:
            continue
        if command[0] == "expect":
            counter.reset(int(command[1]))
            print("ok", flush=True)
        elif command[0] == "wait":
            finished = counter.done.wait(float(command[1]))
            with counter.lock:
                print(
                    f"{'done' if finished else 'timeout'} {counter.count} {len(counter.ids)} "
                    f"{counter.first:.6f} {counter.last:.6f}",
                    flush=True,
                )
        elif command[0] == "quit":
            break
    controller.stop()


class Sink:
    def __init__(self, port, env):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.mail", "--sink", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "ready"

    def command(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().split()

    def expect(self, n):
        self.command(f"expect {n}")

    def wait(self, timeout):
        state, count, unique, first, last = self.command(f"wait {timeout}")
        return state == "done", int(count), int(unique), float(first), float(last)

    def close(self):
        try:
            self.command("quit")
        except (BrokenPipeError, ValueError):
            pass
        self.proc.wait(10)


# ----- the measurements --------------------------------------------------------------------


def sample_context():
    import datetime as dt

    return {"requested_by": "Bendahara Pengeluaran", "requested_at": dt.datetime(2026, 11, 27, 3)}


def bare_loop(port, n):
    """The ceiling: one connection, a pre-rendered message of the same template and size."""
    from intranet.notify.rendering import build_message, render_email

    class Row:
        id = 1
        key = "bench:bare"
        to_address = "pegawai@bench.local"
        cc_list = []
        language = "id"

    subject, text, html = render_email(TEMPLATE, sample_context(), "id")
    sender, _recipients, data, _mid = build_message(Row, subject, text, html)
    size = len(data)
    smtp = smtplib.SMTP("127.0.0.1", port)
    start = time.perf_counter()
    for i in range(n):
        smtp.sendmail(sender, [f"p{i}@bench.local"], data)
    elapsed = time.perf_counter() - start
    smtp.quit()
    return n / elapsed, size


def run_bare(sink, port, n):
    sink.expect(n)
    rate, size = bare_loop(port, n)
    done, count, _unique, _first, _last = sink.wait(120)
    assert done and count == n, f"bare loop: the sink got {count} of {n}"
    print(f"# bare smtplib: {n} messages of {size} bytes, {rate:.0f} msgs/s", flush=True)
    return rate


class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.peak_total = 0.0
        self.stopped = threading.Event()

    def pids(self):
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children(pid))
        return found

    def run(self):
        while not self.stopped.is_set():
            sizes = [rss_mb(pid) for pid in self.pids()]
            if sizes:
                self.peak = max(self.peak, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
            time.sleep(0.05)


def wait_for_worker(timeout=60):
    from rq import Worker

    from intranet.extensions import get_redis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Worker.all(connection=get_redis()):
            return True
        time.sleep(0.1)
    raise RuntimeError("the worker did not start")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 messages")
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (will be wiped)")
    parser.add_argument("--sink", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink:
        run_sink(args.sink)
        return 0
    n = args.messages or (1_000 if args.quick else 10_000)

    port = free_port()
    tmp, env, redis_server = bench_environment(
        "bench-mail-",
        args.database_url,
        MAIL_PORT=str(port),
        RQ_QUEUE="bench-mail",
        PYTHONPATH=ROOT,
    )

    from intranet import create_app
    from intranet.cli import upgrade
    from intranet.extensions import db, get_redis, transaction

    app = create_app("development")
    sink = Sink(port, env)
    worker = None
    ok = True
    try:
        with app.app_context():
            if args.database_url:
                with db.connection_context():
                    db.execute_sql("DROP SCHEMA public CASCADE")
                    db.execute_sql("CREATE SCHEMA public")
            upgrade()
            get_redis().flushdb()

            # 1. The ceiling (measured again after the outbox run; the mean counts, so a busy
            # machine slows both sides alike).
            bare_rates = [run_bare(sink, port, n)]

            # 2. The outbox, through a running worker.
            worker = subprocess.Popen(
                [sys.executable, os.path.join(ROOT, "worker.py"), "--no-periodic"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=sys.stderr,
                start_new_session=True,
            )
            wait_for_worker()
            time.sleep(1.0)  # let it settle into waiting for jobs
            sampler = RssSampler(worker.pid)
            sampler.start()
            sink.expect(n)
            from intranet.notify.services import queue_email

            context = sample_context()
            with db.connection_context():
                start_wall = time.time()
                start = time.perf_counter()
                with transaction():
                    for i in range(n):
                        queue_email(
                            f"bench:{i}",
                            f"p{i}@bench.local",
                            TEMPLATE,
                            context,
                            kind="bench.notice",
                            object_type="Bench",
                            object_id=i,
                        )
                queued = time.perf_counter() - start
            print(f"# outbox: {n} rows written in {queued:.2f}s", flush=True)
            done, count, unique, _first, last = sink.wait(max(120, n / 20))
            sampler.stopped.set()
            sampler.join(2)
            if not done:
                print(f"# outbox: only {count} of {n} arrived", flush=True)
            outbox_rate = n / (last - start_wall) if done else 0.0
            with db.connection_context():
                from intranet.notify.models import SENT, OutboxMessage

                sent = OutboxMessage.select().where(OutboxMessage.status == SENT).count()
            print(
                f"# outbox: {count} accepted ({unique} unique Message-IDs), {sent} rows sent, "
                f"{outbox_rate:.0f} msgs/s; worker processes' peak RSS {sampler.peak:.0f} MB "
                f"each, {sampler.peak_total:.0f} MB together",
                flush=True,
            )
            ok &= done and unique == n and sent == n
            bare_rates.append(run_bare(sink, port, n))
            bare_rate = sum(bare_rates) / len(bare_rates)
            result("mail_bare_msgs_per_s", bare_rate, ">=", 0)
            result("mail_outbox_msgs_per_s", outbox_rate, ">=", 0)
            ok &= result("mail_ratio", outbox_rate / bare_rate, ">=", 0.80)
            ok &= result("mail_worker_rss_mb", sampler.peak, "<=", 200)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, 15)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, 9)
        sink.close()
        if redis_server is not None:
            redis_server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
