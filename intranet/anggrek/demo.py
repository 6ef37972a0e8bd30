"""Demo data for Si Anggrek: the counters of Seksi Lalu Lintas Keimigrasian, two weeks of
simulated service days, a live morning (counters open, tickets waiting and being served),
satisfaction responses and two flag cases."""

import datetime as dt
import random

from ..extensions import transaction
from ..people.directory import users_with_role
from ..people.models import Unit
from . import clock, flags, services, simulate
from .ikm import ELEMENT_KEYS
from .models import (
    DONE,
    NO_SHOW,
    ServiceEvent,
    SurveyResponse,
    Ticket,
)

COUNTERS = 8
HISTORY_DAYS = 14
COMMENTS = [
    "Petugas ramah dan jelas menjelaskan persyaratan.",
    "Antrean cukup lama, mohon tambah loket saat jam sibuk.",
    "Pelayanan cepat, terima kasih.",
    "AC di ruang tunggu kurang dingin.",
    "Sangat membantu untuk lansia.",
    "",
    "",
    "",
]


def _officers(accounts, unit):
    officers = list(users_with_role("loket", unit=unit.id))
    main = accounts.get("loket")
    if main is not None and main not in officers:
        officers.insert(0, main)
    return officers


def _working_days(before, count):
    days = []
    day = before - dt.timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return list(reversed(days))


def load(fake, accounts):
    rng = random.Random(6)
    unit = Unit.get_or_none(Unit.code == "LANTASKIM")
    counters = [
        services.create_counter(code=f"L{i:02d}", name=f"Loket {i}", unit=unit)
        for i in range(1, COUNTERS + 1)
    ]
    officers = _officers(accounts, unit)
    if not officers:
        return
    today = clock.today()

    # Two weeks of finished days, written in bulk (no audit entries for simulated history).
    next_id = 1
    with transaction():
        for day in _working_days(today, HISTORY_DAYS):
            staff = rng.sample(officers, min(len(officers), COUNTERS - rng.randint(0, 2)))
            staffing = list(zip([c.id for c in counters], [o.id for o in staff], strict=False))
            tickets, events = simulate.simulate_day(day, staffing, rng, next_id)
            next_id += len(tickets)
            simulate.bulk_insert("anggrek_ticket", simulate.TICKET_COLUMNS, tickets)
            simulate.bulk_insert("anggrek_service_event", simulate.EVENT_COLUMNS, events)
        simulate.reset_sequence("anggrek_ticket")

    # Satisfaction: about a quarter of the served applicants answered.
    served = list(
        Ticket.select().where(Ticket.status == DONE, Ticket.outcome != NO_SHOW).order_by(Ticket.id)
    )
    unit_of = {u.id: u.unit_id for u in officers}
    rows = []
    for t in served:
        if rng.random() > 0.25:
            continue
        base = rng.choice([4, 4, 3, 3, 3, 2])
        ratings = {k: max(1, min(4, base + rng.choice([-1, 0, 0, 0, 1]))) for k in ELEMENT_KEYS}
        rows.append(
            dict(
                ticket=t.id,
                counter=t.counter_id,
                officer=t.officer_id,
                unit=unit_of.get(t.officer_id),
                submitted_at=t.finished_at + dt.timedelta(minutes=3),
                comment=rng.choice(COMMENTS),
                **ratings,
            )
        )
    with transaction():
        for i in range(0, len(rows), 500):
            SurveyResponse.insert_many(rows[i : i + 500]).execute()

    # This morning, live: through the real console steps. "m minutes ago", but never before
    # today's WIB midnight (loaded at 00:10 the tickets would land on yesterday's finished day);
    # the order of the steps is kept either way.
    now = clock.now()
    midnight = clock.day_bounds(clock.wib_day(now))[0]

    def ago(minutes):
        at = now - dt.timedelta(minutes=minutes)
        return max(at, midnight + dt.timedelta(seconds=60 - minutes))

    with transaction():
        for i in range(14):
            services.issue_ticket(
                rng.choice(["paspor_baru", "penggantian", "pengambilan"]), at=ago(40 - 2 * i)
            )
    for i, counter in enumerate(counters[:4]):
        officer = officers[i % len(officers)]
        if services.staffed_by(officer) is not None:
            continue
        services.open_counter(counter, officer, at=ago(35))
        if i < 3:
            t = services.call_next(counter, officer, at=ago(10 - i))
            if i < 2:
                services.start_interview(counter, officer, t.id, at=ago(8 - i))

    # Two flag cases about the demo counter officer, raised by the section head.
    reporter, head = accounts.get("atasan"), accounts.get("kepala")
    target = accounts.get("loket") or officers[0]
    if reporter is None or reporter.id == target.id:
        return
    evidence = list(
        ServiceEvent.select(ServiceEvent.id)
        .where(ServiceEvent.officer == target.id)
        .order_by(ServiceEvent.at.desc())
        .limit(3)
    )
    flags.create_flag(
        reporter=reporter,
        officer=target,
        category="away",
        description="Loket ditinggalkan sekitar 20 menit saat antrean masih panjang; "
        "pemohon menunggu tanpa penjelasan.",
        event_ids=[e.id for e in evidence],
    )
    resolved = flags.create_flag(
        reporter=reporter,
        officer=target,
        category="rude",
        description="Pemohon lansia mengeluh dibentak saat menanyakan kekurangan berkas.",
    )
    if head is not None:
        resolved = flags.change_status(
            resolved, head, "investigating", note="Meminta keterangan petugas dan saksi."
        )
        flags.change_status(
            resolved,
            head,
            "resolved",
            resolution="not_substantiated",
            note="Rekaman CCTV tidak menunjukkan petugas membentak; "
            "petugas diingatkan untuk menjelaskan dengan sabar.",
        )
