"""CPU per request of every list page, in-process: the figure to work on a page with.

    .venv/bin/python -m bench.cpu [--only owl,jali] [--size 20000] [-n 300] [--profile NAME]

Builds the same data as ``bench.pages`` (smaller by default), signs in with Flask test clients
and prints milliseconds of CPU per request for each page, beside three floors measured in the
same process: ``floor_signed_in`` (a signed-in view returning text), ``floor_layout`` (a
signed-in page of the shared layout with no content) and ``floor_hello`` (the bare "hello" app).
CPU time does not depend on what else the machine runs, unlike requests/s, so use this to compare
before and after a change; ``bench.pages`` gives the ratio that counts (DESIGN §7).
``--profile NAME`` prints a cProfile of that page (cumulative, then own time).
"""

import argparse
import cProfile
import importlib
import os
import pkgutil
import pstats
import re
import shutil
import sys
import time

from bench.common import ROOT, bench_environment


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="", help="comma-separated page sets")
    parser.add_argument("--size", type=int, default=20_000, help="rows per page set")
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("-n", type=int, default=300, help="requests per page")
    parser.add_argument("--profile", default="", help="page name to profile")
    args = parser.parse_args(argv)

    tmp, _env, redis_server = bench_environment(
        "bench-cpu-", None, LOGIN_MAX_FAILURES_PER_IP="100000"
    )
    from flask.templating import _render

    from bench.hello import app as hello_app
    from bench.pages import PASSWORD, build_people
    from intranet import create_app
    from intranet.cli import upgrade
    from intranet.extensions import db
    from intranet.policy import SIGNED_IN, roles

    app = create_app("development")
    empty = app.jinja_env.from_string("{% extends 'base.html' %}{% block content %}{% endblock %}")
    app.add_url_rule("/bench-cpu/text", "bench_text", roles(SIGNED_IN)(lambda: "text"))
    app.add_url_rule(
        "/bench-cpu/layout", "bench_layout", roles(SIGNED_IN)(lambda: _render(app, empty, {}))
    )

    names = [m.name for m in pkgutil.iter_modules([os.path.join(ROOT, "bench", "pagesets")])]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    pages = []
    try:
        with app.app_context():
            upgrade()
            with db.connection_context():
                people = build_people(args.staff)
                for name in names:
                    module = importlib.import_module(f"bench.pagesets.{name}")
                    pages.extend(module.populate(args.size, people))
                db.execute_sql("ANALYZE")
            role = pages[0][2] if pages else "pegawai"
            pages += [
                ("floor_signed_in", "/bench-cpu/text", role),
                ("floor_layout", "/bench-cpu/layout", role),
            ]
            logins = {role: people.accounts[role].email for _, _, role in pages}

        clients = {}
        for role, login in logins.items():
            client = app.test_client()
            html = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
            response = client.post(
                "/login", data={"csrf_token": token, "login": login, "password": PASSWORD}
            )
            assert response.status_code in (302, 303), (login, response.status_code)
            clients[role] = client

        def cpu_ms(client, path):
            for _ in range(20):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            started = time.process_time()
            for _ in range(args.n):
                client.get(path)
            return (time.process_time() - started) / args.n * 1000

        for name, path, role in pages:
            print(f"{name:32s} {cpu_ms(clients[role], path):6.2f} ms CPU/request  {path}")
        print(f"{'floor_hello':32s} {cpu_ms(hello_app.test_client(), '/'):6.2f} ms CPU/request")

        if args.profile:
            name, path, role = next(p for p in pages if p[0] == args.profile)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                clients[role].get(path)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(50)
            stats.sort_stats("tottime").print_stats(30)
    finally:
        if redis_server is not None:
            redis_server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
