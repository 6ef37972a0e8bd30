"""Outbox fixtures: real ``python worker.py`` processes against the test's database, Redis and
SMTP sink."""

import logging
import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def quiet_smtp_log():
    """aiosmtpd logs every SMTP command at INFO; with hundreds of messages per test that logging
    (captured by pytest) costs more than the SMTP server itself."""
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


class WorkerProcess:
    def __init__(self, proc, log_path):
        self.proc = proc
        self.log_path = log_path

    def kill(self):
        """SIGKILL the worker and its work horse, as a crash would. RQ's horse leaves the
        worker's process group (os.setpgrp), so its pid is found among the descendants."""
        import psutil

        if self.proc.poll() is None:
            try:
                descendants = psutil.Process(self.proc.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                descendants = []
            os.killpg(self.proc.pid, signal.SIGKILL)
            for child in descendants:
                try:
                    child.kill()
                except psutil.NoSuchProcess:
                    pass
        self.proc.wait(10)

    def stop(self, timeout=15):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return fh.read()


@pytest.fixture
def start_worker(app, tmp_path):
    """Start a real ``python worker.py`` (RQ worker with scheduler, forking work horses) with
    the app's settings; extra args go to worker.py. Every worker is stopped at teardown."""
    started = []

    def start(*args, env=None):
        cfg = app.config
        environment = dict(os.environ)
        environment.update(
            APP_ENV="test",
            DATABASE_URL=cfg["DATABASE_URL"],
            REDIS_URL=cfg["REDIS_URL"],
            MAIL_SERVER=str(cfg["MAIL_SERVER"]),
            MAIL_PORT=str(cfg["MAIL_PORT"]),
            RQ_QUEUE=cfg["RQ_QUEUE"],
            INSTANCE_DIR=str(tmp_path / "instance"),
            PYTHONUNBUFFERED="1",
        )
        environment.update(env or {})
        log_path = tmp_path / f"worker-{len(started) + 1}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, os.path.join(ROOT, "worker.py"), *args],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(proc, log_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()  # the tests are done with it: no need to wait for a warm shutdown


def wait_until(predicate, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
