"""No argument a user can type makes a page answer 500: every GET route, as a role it admits,
with each integer (and date) argument it reads set to values beyond any 64-bit integer, and
20-digit ids in its integer path segments (404).

SQLite refuses integers beyond 64 bits (OverflowError), PostgreSQL beyond its column's type
(DataError): a value the intranet could never have written is "not found", never a traceback.
Every page reads its arguments through ``intranet.core.args``; ``ARGUMENTS`` lists what each
route reads, and ``test_the_table_covers_every_route_that_reads_a_number`` keeps it current.
"""

import ast
import pathlib
import re

import pytest

from intranet.policy import PUBLIC, SIGNED_IN, policy_for

HUGE = "99999999999999999999"  # 20 digits: beyond a signed (and unsigned) 64-bit integer
INTEGERS = (HUGE, "-" + HUGE, "9223372036854775808", "2147483648", "0", "-1", "²", "1e3", " 7 ")
DATES = ("9999-12-31", "0001-01-01", HUGE + "-01-01", "2026-02-30")
MONTHS = (HUGE + "-01", "9999-12", "0001-01", "2026-" + HUGE, "0-0")

# endpoint -> {argument: kind}; kinds: int, ints (a repeated argument), date, month, cursor, object
ARGUMENTS = {
    "anggrek.list_tickets": {"day": "date"},
    "anggrek.show_metrics": {"date": "date"},
    "anggrek.show_officer_metrics": {"date": "date"},
    "anggrek.export_metrics": {"date": "date"},
    "anggrek.show_satisfaction": {"date": "date"},
    "anggrek.new_flag": {"officer": "int", "day": "date"},
    "anggrek.flag_events": {"officer": "int", "events": "ints", "day": "date"},
    "audit.list_entries": {"before": "int", "from": "date", "to": "date", "object": "object"},
    "cempaka.my_submissions": {"page": "int"},
    "cempaka.review_queue": {
        "employee": "int",
        "flag": "int",
        "page": "int",
        "from": "date",
        "to": "date",
    },
    "cempaka.recap": {"unit": "int", "page": "int", "month": "month"},
    "cempaka.export_recap": {"unit": "int", "month": "month"},
    "emak.list_runs": {"page": "int"},
    "emak.show_run": {"page": "int"},
    "emak.edit_lines": {"employee": "int"},
    "emak.preview_run": {"employee": "int"},
    "emak.show_deliveries": {"page": "int"},
    "emak.my_notices": {"page": "int"},
    "jali.register_visit": {"visitor": "int"},
    "jali.search_hosts": {"host_id": "int"},
    "jali.list_visits": {"page": "int", "date": "date"},
    "jali.show_reports": {"start": "date", "end": "date"},
    "jali.export_report": {"start": "date", "end": "date"},
    "notify.outbox": {"before": "int"},
    "notify.scheduler_runs": {"before": "int"},
    "owl.list_permits": {"after": "cursor"},
    "owl.list_foreigners": {"before": "int"},
    "owl.list_applications": {"before": "int"},
    "owl.list_overstays": {"page": "int"},
    "owl.compliance": {"months": "int"},
    "owl.export_compliance": {"months": "int"},
    "people.list_users": {"page": "int"},
    "wbbm.dashboard": {"date": "date", "unit": "int"},
    "wbbm.evidence": {"date": "date", "unit": "int"},
    "wbbm.evidence_xlsx": {"date": "date", "unit": "int"},
}

# Arguments that are not numbers or dates (text, choices), for the coverage check below.
TEXT_ARGUMENTS = {
    "action", "actor", "application", "category", "code", "dataset", "fmt", "format", "host_q",
    "id_number", "job", "kind", "lang", "nationality", "next", "passport", "period", "q", "role",
    "scope", "show", "state", "status", "t", "type",
}  # fmt: skip


def _values(kind):
    if kind == "date":
        return DATES
    if kind == "month":
        return MONTHS
    if kind == "cursor":
        return (f"2026-01-01_{HUGE}", f"9999-12-31_{HUGE}", f"{HUGE}_1", "2026-01-01_-1")
    if kind == "object":
        return (f"User:{HUGE}", f"Permit:-{HUGE}", "User:²")
    return INTEGERS


@pytest.fixture
def demo(app_ctx):
    from intranet.demo import load_demo
    from intranet.people.models import User

    load_demo(staff=30)
    return {
        key: User.get(User.email == f"{key}@kanim-jakpus.example")
        for key in (
            "admin",
            "kepala",
            "atasan",
            "pegawai",
            "loket",
            "keuangan",
            "resepsionis",
            "izin_tinggal",
            "inteldakim",
        )
    }


def _real_ids(demo):
    """A real id for each integer path argument, so a route's query arguments are reached."""
    from intranet.emak.models import PayRun

    run = PayRun.select().order_by((PayRun.status == "draft").desc(), PayRun.id).first()
    return {"run_id": run.id, "officer_id": demo["loket"].id, "fmt": "csv"}


def _user_for(policy, demo):
    if PUBLIC in policy:
        return None
    if SIGNED_IN in policy:
        return demo["pegawai"]
    for role in ("admin", "keuangan", "atasan", "kepala", "loket", "resepsionis", "izin_tinggal"):
        if role in policy:
            return demo[role]
    return demo[sorted(policy)[0]]


def _path(rule, values):
    path = rule.rule
    for name, converter in rule._converters.items():
        value = values.get(name, "x")
        path = re.sub(rf"<(\w+(\([^)]*\))?:)?{name}>", str(value), path)
        del converter
    return path


def _int_path_args(rule):
    from werkzeug.routing import IntegerConverter

    return [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]


def test_every_get_route_survives_huge_numbers(app, demo, login_as):
    clients = {}

    def client_for(user):
        key = user.id if user else None
        if key not in clients:
            c = app.test_client()
            if user is not None:
                login_as(user, c)
            clients[key] = c
        return clients[key]

    real = _real_ids(demo)
    failures = []
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        policy = policy_for(rule.endpoint, app)
        client = client_for(_user_for(policy, demo))
        # 20-digit values in every integer path segment: not found
        for name in _int_path_args(rule):
            values = {n: real.get(n, 1) for n in _int_path_args(rule)} | {name: HUGE}
            url = _path(rule, values)
            status = client.get(url).status_code
            checked += 1
            if status != 404:
                failures.append(f"{url}: {status}")
        # every number the route reads from its query string
        arguments = ARGUMENTS.get(rule.endpoint, {})
        if not arguments:
            continue
        if any(n not in real for n in rule.arguments):
            failures.append(f"{rule.rule}: no real id for its path in _real_ids")
            continue
        url = _path(rule, real)
        for name, kind in arguments.items():
            for value in _values(kind):
                response = client.get(url, query_string={name: value})
                checked += 1
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}={value!r}: {response.status_code}")
                elif response.status_code != 200 and not (
                    kind in ("int", "ints") and response.status_code == 404 and name != "page"
                ):
                    failures.append(f"{url}?{name}={value!r}: {response.status_code}")
    assert checked > 300
    assert failures == [], "\n".join(failures)


def test_the_nip_check_survives_a_huge_user_id(client, make_user, login_as):
    login_as(make_user("admin"))
    for value in (HUGE, "²", "-1"):
        response = client.post_form(
            f"/admin/users/validate/nip?user_id={value}", {"nip": "123"}, token_from="/home"
        )
        assert response.status_code == 200, value
        assert 'id="fb-nip"' in response.get_data(as_text=True)


def test_the_table_covers_every_route_that_reads_a_number():
    """Every query argument a view reads (directly, or through a helper of its module) is in
    ARGUMENTS or known to be text: a new integer argument cannot slip past the walk above."""
    root = pathlib.Path(__file__).resolve().parent.parent / "intranet"
    readers = {"int_arg", "page_arg", "int_list_arg", "date_arg", "month_arg", "date_id_cursor_arg"}
    found = {}
    # A feature's views: views.py, or the modules of its views/ package (and an api.py beside
    # them); a helper function of any of them is followed.
    sources = {}
    for path in sorted(
        [*root.glob("*/views.py"), *root.glob("*/views/*.py"), *root.glob("*/api.py")]
    ):
        feature = path.relative_to(root).parts[0]
        sources.setdefault(feature, []).append(ast.parse(path.read_text()))
    for module, trees in sources.items():
        functions = {
            n.name: n for tree in trees for n in tree.body if isinstance(n, ast.FunctionDef)
        }

        def names_read(function, seen, functions=functions):
            names = set()
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                call = node.func
                first = node.args[0] if node.args else None
                constant = first.value if isinstance(first, ast.Constant) else None
                if isinstance(call, ast.Attribute) and ast.unparse(call.value) == "request.args":
                    names.add(constant)
                elif isinstance(call, ast.Name) and call.id in readers:
                    names.add("page" if call.id == "page_arg" and first is None else constant)
                elif isinstance(call, ast.Name) and call.id in functions and call.id not in seen:
                    seen.add(call.id)
                    names |= names_read(functions[call.id], seen)
            return names

        for name, function in functions.items():
            routes = [
                d
                for d in function.decorator_list
                if isinstance(d, ast.Call) and getattr(d.func, "attr", "") in ("get", "route")
            ]
            if routes:
                found[f"{module}.{name}"] = names_read(function, {name}) - {None}
    missing = {
        endpoint: sorted(names - set(ARGUMENTS.get(endpoint, {})) - TEXT_ARGUMENTS)
        for endpoint, names in found.items()
        if names - set(ARGUMENTS.get(endpoint, {})) - TEXT_ARGUMENTS
    }
    assert missing == {}
