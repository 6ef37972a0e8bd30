"""Simulated counter days for demo data and benchmarks.

``simulate_day`` plays one working day of a single queue served by several counters and returns
tickets and service events that obey the console's state machine (open, call, [recall], start,
finish, close; no-shows finish from "calling"). ``bulk_insert`` writes plain tuples quickly:
``executemany`` on SQLite, ``COPY`` on PostgreSQL.
"""

import csv
import datetime as dt
import heapq
import io

from ..extensions import db, is_postgres
from .clock import WIB_OFFSET
from .labels import SERVICES
from .models import CALL, CLOSE, DONE, FINISH, NO_SHOW, OPEN, RECALL, REFERRED, SERVED, START

# Share of tickets per service (the rest of DESIGN's counters' work is new passports).
SERVICE_MIX = [
    ("paspor_baru", 0.45),
    ("penggantian", 0.25),
    ("hilang_rusak", 0.08),
    ("pengambilan", 0.14),
    ("prioritas", 0.08),
]

TICKET_COLUMNS = (
    "id",
    "number",
    "service",
    "issue_date",
    "issued_at",
    "status",
    "priority",
    "counter_id",
    "officer_id",
    "called_at",
    "started_at",
    "finished_at",
    "outcome",
)
EVENT_COLUMNS = ("at", "kind", "counter_id", "officer_id", "ticket_id", "outcome")


def _wib(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute)) - WIB_OFFSET


def _service(rng):
    x = rng.random()
    for key, share in SERVICE_MIX:
        x -= share
        if x <= 0:
            return key
    return SERVICE_MIX[0][0]


def simulate_day(day, staffing, rng, first_ticket_id, tickets_per_counter=55):
    """One whole WIB working day. ``staffing``: [(counter_id, officer_id)]. Returns (tickets,
    events) as tuples in TICKET_COLUMNS / EVENT_COLUMNS order, events sorted by time; every
    counter is closed at the end of the day."""
    second = dt.timedelta(seconds=1)
    n_tickets = max(1, int(len(staffing) * tickets_per_counter * rng.uniform(0.8, 1.15)))
    start, last_issue = _wib(day, 7, 45), _wib(day, 14, 30)
    span = (last_issue - start).total_seconds()
    times = sorted(start + second * int(rng.random() * span) for _ in range(n_tickets))
    seq = {}
    tickets = []  # mutable rows, turned into tuples at the end
    for i, issued in enumerate(times):
        service = _service(rng)
        prefix, _label, priority = SERVICES[service]
        seq[prefix] = seq.get(prefix, 0) + 1
        tickets.append(
            [
                first_ticket_id + i,
                f"{prefix}{seq[prefix]:03d}",
                service,
                day,
                issued,
                "waiting",
                priority,
                None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    events = []
    close_at = _wib(day, 16, 0)
    counters = []
    for counter_id, officer_id in staffing:
        opened = _wib(day, 7, 55) + second * rng.randint(0, 600)
        events.append((opened, OPEN, counter_id, officer_id, None, None))
        counters.append((opened, counter_id, officer_id))
    heapq.heapify(counters)
    waiting = []  # heap of (not priority, issued, index) among issued tickets
    next_issue = 0
    while counters:
        free_at, counter_id, officer_id = heapq.heappop(counters)
        while next_issue < len(tickets) and tickets[next_issue][4] <= free_at:
            t = tickets[next_issue]
            heapq.heappush(waiting, (not t[6], t[4], next_issue))
            next_issue += 1
        if not waiting:
            if next_issue >= len(tickets) or tickets[next_issue][4] >= close_at:
                end = max(free_at, _wib(day, 15, 0)) + second * rng.randint(0, 900)
                events.append((end, CLOSE, counter_id, officer_id, None, None))
                continue
            # idle until the next ticket arrives, then react
            nxt = tickets[next_issue][4]
            heapq.heappush(counters, (nxt + second * rng.randint(3, 40), counter_id, officer_id))
            continue
        _, _, idx = heapq.heappop(waiting)
        t = tickets[idx]
        call = free_at + second * rng.randint(2, 25)
        t[5], t[7], t[8], t[9] = "called", counter_id, officer_id, call
        events.append((call, CALL, counter_id, officer_id, t[0], None))
        now = call
        if rng.random() < 0.07:  # no-show, usually after a recall
            if rng.random() < 0.7:
                now += second * rng.randint(40, 90)
                events.append((now, RECALL, counter_id, officer_id, t[0], None))
            now += second * rng.randint(60, 150)
            outcome = NO_SHOW
        else:
            now += second * rng.randint(15, 100)
            t[5], t[10] = "serving", now
            events.append((now, START, counter_id, officer_id, t[0], None))
            if rng.random() > 0.05:
                interview = max(90, int(rng.gauss(420, 150)))
            else:  # a difficult case
                interview = rng.randint(900, 1800)
            now += second * interview
            outcome = REFERRED if rng.random() < 0.09 else SERVED
        t[5], t[11], t[12] = DONE, now, outcome
        events.append((now, FINISH, counter_id, officer_id, t[0], outcome))
        # an occasional longer pause (away from the counter) between tickets
        pause = rng.randint(5, 60) if rng.random() > 0.04 else rng.randint(300, 1200)
        heapq.heappush(counters, (now + second * pause, counter_id, officer_id))
    events.sort(key=lambda e: e[0])
    return [tuple(t) for t in tickets], events


# ----- fast inserts ---------------------------------------------------------------------------


def _csv_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def bulk_insert(table, columns, rows, chunk=50_000):
    """Insert plain tuples, ``chunk`` rows per transaction. Returns the number written."""
    total = 0
    buffer = []

    def flush():
        nonlocal total
        if not buffer:
            return
        if is_postgres():
            out = io.StringIO()
            writer = csv.writer(out)
            for row in buffer:
                writer.writerow(["\\N" if v is None else _csv_value(v) for v in row])
            out.seek(0)
            with db.atomic():
                cursor = db.cursor()
                cursor.copy_expert(
                    f'COPY "{table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT csv, '
                    f"NULL '\\N')",
                    out,
                )
        else:
            marks = ", ".join("?" for _ in columns)
            with db.atomic():
                db.connection().executemany(
                    f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',
                    [tuple(_sqlite_value(v) for v in row) for row in buffer],
                )
        total += len(buffer)
        buffer.clear()

    for row in rows:
        buffer.append(row)
        if len(buffer) >= chunk:
            flush()
    flush()
    return total


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def reset_sequence(table):
    """After rows were written with explicit ids, move PostgreSQL's id sequence past them."""
    if is_postgres():
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )
