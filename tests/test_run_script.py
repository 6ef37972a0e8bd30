"""`./run` on this checkout: serves the sign-in page, prints the demo accounts, and Ctrl-C stops
everything it started (embedded Redis, mail catcher, worker, web)."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.slow


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def _using(path):
    """Processes whose command line names the instance directory (Redis, mail catcher)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if path.encode() in fh.read():
                        found.append(int(pid))
            except OSError:
                continue
    return found


def test_run_serves_sign_in_and_stops_everything(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "APP_ENV", "MAIL_PORT")
    }
    env.update(PORT=str(port), INSTANCE_DIR=str(tmp_path / "instance"), WEB_WORKERS="1")
    proc = subprocess.Popen(
        [os.path.join(ROOT, "run")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("./run exited early:\n" + proc.stdout.read()[-3000:])
                time.sleep(0.5)
        assert body is not None, "sign-in page never came up"
        assert 'id="login-form"' in body
        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
        assert b'"redis":"ok"' in health.replace(b" ", b"")
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
        output.append(out)
    text = "".join(output)
    for role in (
        "admin",
        "kepala",
        "atasan",
        "pegawai",
        "loket",
        "keuangan",
        "resepsionis",
        "izin_tinggal",
        "inteldakim",
    ):
        assert f"{role}@kanim-jakpus.example" in text, text[-2000:]
    assert "password" in text
    instance = str(tmp_path / "instance")
    deadline = time.monotonic() + 15
    while (_group_alive(proc.pid) or _using(instance)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(proc.pid), "./run left processes behind"
    assert not _using(instance), f"processes still using {instance}: {_using(instance)}"
    assert "Traceback" not in text, text[-3000:]
