"""Page benchmark (DESIGN §7): list pages with large tables, signed in, under gunicorn with 2 sync
workers, against a bare Flask "hello" app under the same settings, in the same run.

    .venv/bin/python -m bench.pages [--quick] [--only cempaka,owl] [--duration 10]

Each feature contributes bench/pagesets/<feature>.py (see its docstring). The runner builds a fresh
database (SQLite under a temp dir, or --database-url for PostgreSQL: it is wiped), ~10,000 staff
(--quick: 1,000) and calls every page set's populate(size); sizes default to what the issues name
(1,000,000 rows; 5,000,000 service events for anggrek) and --quick divides them by 10.
Prints requests/s for each page and for hello, the ratio (target >= 0.30) and the web workers'
peak RSS (target <= 150 MB).
"""

import argparse
import datetime as dt
import http.client
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from types import SimpleNamespace

from bench.common import (
    ROOT,
    bench_environment,
    children,
    free_port,
    result,
    rss_mb,
    start_gunicorn,
    wait_http,
)

FULL_SIZES = {"anggrek": 5_000_000}
DEFAULT_SIZE = 1_000_000
PASSWORD = "Bench-Password-2026"


def build_people(staff):
    """~`staff` users with valid NIPs, one account per role; the atasan has 20 direct reports."""
    from intranet.auth.passwords import hash_password
    from intranet.extensions import transaction
    from intranet.people.models import ROLES, Unit, User, UserRole

    pw = hash_password(PASSWORD)
    with transaction():
        units = [Unit.create(code=f"U{i}", name=f"Unit {i}") for i in range(6)]
        accounts = {}
        for i, role in enumerate(ROLES):
            u = User.create(
                nip=f"19800101201001{1}{i + 1:03d}",
                name=f"Bench {role}",
                email=f"{role}@bench.example",
                password_hash=pw,
                unit=units[i % 6],
            )
            UserRole.insert_many([{"user": u.id, "role": r} for r in {role, "pegawai"}]).execute()
            accounts[role] = u
        rows = []
        base = dt.date(1970, 1, 1)
        for n in range(staff - len(ROLES)):
            birth = base + dt.timedelta(days=n % 9000)
            rows.append(
                {
                    "nip": f"{birth:%Y%m%d}2005{(n // 9000) % 12 + 1:02d}"
                    f"{n % 2 + 1}{n % 999 + 1:03d}",
                    "name": f"Pegawai {n}",
                    "email": f"p{n}@bench.example",
                    "password_hash": pw,
                    "unit": units[n % 6].id,
                    "is_active": True,
                    "supervisor": accounts["atasan"].id if n < 20 else None,
                }
            )
        for i in range(0, len(rows), 2000):
            User.insert_many(rows[i : i + 2000]).execute()
        ids = [u.id for u in User.select(User.id)]
        UserRole.insert_many(
            [{"user": i, "role": "pegawai"} for i in ids if i > accounts[ROLES[-1]].id]
        ).execute()
        reports = [u.id for u in User.select(User.id).where(User.supervisor == accounts["atasan"])]
        accounts["pegawai"].supervisor = accounts["atasan"]
        accounts["pegawai"].save()
    return SimpleNamespace(
        accounts=accounts,
        staff_ids=ids,
        unit_ids=[u.id for u in units],
        reports=reports + [accounts["pegawai"].id],
    )


def sign_in(base, login):
    """Real sign-in over HTTP; returns the session cookie header."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", "/login")
    r = conn.getresponse()
    html = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": PASSWORD})
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request(
        "POST",
        "/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    r = conn.getresponse()
    r.read()
    if r.status not in (302, 303):
        raise RuntimeError(f"sign-in as {login} failed: {r.status}")
    return r.getheader("Set-Cookie").split(";")[0]


def load_wrk(url, cookie, duration, connections):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return rps


def load_python(url, cookie, duration, connections):
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [0] * connections
    errors = []
    stop = time.monotonic() + duration

    def run(i):
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            r = conn.getresponse()
            r.read()
            conn.close()
            if r.status != 200:
                errors.append(r.status)
                return
            counts[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{url}: status {errors[0]}")
    return sum(counts) / (time.monotonic() - started)


def measure(url, cookie, duration, connections, sampler):
    load = load_wrk if shutil.which("wrk") else load_python
    load(url, cookie, 1, connections)  # warm-up
    sampler.active = True
    try:
        return load(url, cookie, duration, connections)
    finally:
        sampler.active = False


class RssSampler(threading.Thread):
    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master = master_pid
        self.peak = 0.0
        self.active = False
        self.done = False

    def run(self):
        while not self.done:
            if self.active:
                for pid in children(self.master):
                    self.peak = max(self.peak, rss_mb(pid))
            time.sleep(0.1)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="sizes / 10, shorter loads")
    parser.add_argument("--only", default="", help="comma-separated page sets")
    parser.add_argument("--size", type=int, default=None, help="rows per page set (override)")
    parser.add_argument("--staff", type=int, default=None)
    parser.add_argument("--duration", type=int, default=None, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (will be wiped)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    duration = args.duration or (5 if args.quick else 15)
    staff = args.staff or (1_000 if args.quick else 10_000)

    tmp, env, redis_server = bench_environment(
        "bench-pages-", args.database_url, LOGIN_MAX_FAILURES_PER_IP="100000"
    )

    from intranet import create_app
    from intranet.cli import upgrade
    from intranet.extensions import db

    app = create_app("development")
    names = [m.name for m in pkgutil.iter_modules([os.path.join(ROOT, "bench", "pagesets")])]
    if args.only:
        wanted = set(args.only.split(","))
        names = [n for n in names if n in wanted or n == "people" and "people" in wanted]
    pages = []
    with app.app_context():
        if args.database_url:
            with db.connection_context():
                db.execute_sql("DROP SCHEMA public CASCADE")
                db.execute_sql("CREATE SCHEMA public")
        upgrade()
        with db.connection_context():
            t0 = time.monotonic()
            people = build_people(staff)
            print(f"# staff: {len(people.staff_ids)} in {time.monotonic() - t0:.1f}s", flush=True)
            for name in names:
                module = importlib.import_module(f"bench.pagesets.{name}")
                size = args.size or FULL_SIZES.get(name, DEFAULT_SIZE)
                if args.quick and not args.size:
                    size //= 10
                t0 = time.monotonic()
                produced = module.populate(size, people)
                print(
                    f"# {name}: populated {size} rows in {time.monotonic() - t0:.1f}s", flush=True
                )
                pages.extend(produced)
            if db.obj.__class__.__name__.startswith("Sqlite"):
                db.execute_sql("ANALYZE")
                db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                db.execute_sql("ANALYZE")
        logins = {role: people.accounts[role].email for _, _, role in pages}

    app_port, hello_port = free_port(), free_port()
    web = start_gunicorn("intranet.wsgi:app", app_port, env)
    hello = start_gunicorn("bench.hello:app", hello_port, env)
    sampler = RssSampler(web.pid)
    sampler.start()
    ok = True
    try:
        wait_http(f"http://127.0.0.1:{app_port}/login")
        wait_http(f"http://127.0.0.1:{hello_port}/")
        cookies = {
            role: sign_in(f"http://127.0.0.1:{app_port}", login) for role, login in logins.items()
        }
        hello_rps = measure(
            f"http://127.0.0.1:{hello_port}/",
            None,
            duration,
            args.connections,
            RssSampler(hello.pid),
        )
        print(f"# hello: {hello_rps:.1f} req/s", flush=True)
        result("pages_hello_rps", hello_rps, ">=", 0)
        for name, path, role in pages:
            rps = measure(
                f"http://127.0.0.1:{app_port}{path}",
                cookies[role],
                duration,
                args.connections,
                sampler,
            )
            print(f"# {name}: {rps:.1f} req/s ({path} as {role})", flush=True)
            ok &= result(f"{name}_ratio", rps / hello_rps, ">=", 0.30)
        ok &= result("web_worker_rss_mb", sampler.peak, "<=", 150)
    finally:
        sampler.done = True
        for proc in (web, hello):
            proc.terminate()
            proc.wait(10)
        if redis_server is not None:
            redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
