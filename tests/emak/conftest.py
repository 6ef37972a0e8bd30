"""Fixtures for Si Emak: a finance officer, staff with NIPs, runs with lines, upload files."""

import csv
import datetime as dt
import io

import pytest


@pytest.fixture
def finance(make_user):
    return make_user("keuangan", name="Bendahara Uji", email="keuangan@kanim.example")


@pytest.fixture
def staff(make_user):
    """Three employees: Indonesian, English-speaking, and one more."""
    return [
        make_user(name="Siti Rahmawati", email="siti@kanim.example", language="id"),
        make_user(name="Budi Santoso", email="budi@kanim.example", language="en"),
        make_user(name="Dewi Lestari", email="dewi@kanim.example", language="id"),
    ]


@pytest.fixture
def make_run(finance):
    from intranet.emak import runs
    from intranet.emak.lines import save_employee_lines

    def factory(
        lines=None, *, period=dt.date(2026, 11, 1), kind="gaji", finalise=False, send_after=None
    ):
        run = runs.create_run(
            period=period,
            kind=kind,
            pay_date=dt.date(2026, 11, 25),
            actor=finance,
            send_after=send_after,
        )
        by_employee = {}
        for employee, code, amount in lines or []:
            by_employee.setdefault(employee.id, []).append((code, amount))
        for employee_id, employee_lines in by_employee.items():
            save_employee_lines(run.id, employee_id, employee_lines, actor=finance)
        if finalise:
            runs.finalise_run(run.id, actor=finance)
        return run.__class__.get_by_id(run.id)

    return factory


def salary(employee, base=4_575_200, family=457_520, iwp=503_272, bpjs=50_327):
    return [
        (employee, "gaji_pokok", base),
        (employee, "tunjangan_keluarga", family),
        (employee, "tunjangan_umum", 185_000),
        (employee, "iwp", iwp),
        (employee, "bpjs_kesehatan", bpjs),
    ]


def net_of(base=4_575_200, family=457_520, iwp=503_272, bpjs=50_327):
    return base + family + 185_000 - iwp - bpjs


def make_csv(rows, delimiter=";", header=("NIP", "Komponen", "Jumlah")):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def make_xlsx(rows, header=("NIP", "Komponen", "Jumlah"), nip_as_text=True):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Gaji"
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if nip_as_text:
        for cell in ws["A"]:
            cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def finance_client(client, login_as, finance):
    login_as(finance)
    return client


def post(client, path, data=None, **kw):
    """A CSRF-carrying POST by a signed-in client."""
    return client.post_form(path, data, token_from="/home", **kw)


class RefusingSink:
    """A second real SMTP server (aiosmtpd) that refuses some recipients with 550 and is slow on
    request: a mail server the office does not control, behaving badly."""

    def __init__(self, delay=0.0):
        import threading

        from aiosmtpd.controller import Controller

        from tests.conftest import free_port

        self.refuse = set()
        self.delay = delay
        self.accepted = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        import email
        import email.policy

        if self.delay:
            await asyncio.sleep(self.delay)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        msg.envelope_to = list(envelope.rcpt_tos)
        with self.lock:
            self.accepted.append(msg)
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for m in self.accepted if address in m.envelope_to]


@pytest.fixture
def refusing_sink(app_config):
    """The app sends to this server instead of ``mail_sink`` (list it before fixtures that build
    the app)."""
    sink = RefusingSink()
    sink.controller.start()
    app_config["MAIL_PORT"] = sink.port
    yield sink
    sink.controller.stop()


# The outbox's helpers for a real ``python worker.py`` process (tests/notify/conftest.py).
from tests.notify.conftest import start_worker, wait_until  # noqa: E402, F401


@pytest.fixture
def slow_sink(app_config):
    """A real SMTP server that takes 30 ms per message, so a worker can be killed mid-run."""
    sink = RefusingSink(delay=0.03)
    sink.controller.start()
    app_config["MAIL_PORT"] = sink.port
    yield sink
    sink.controller.stop()
