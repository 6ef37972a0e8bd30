"""The admin's outbox page over a million outbox rows (most sent, some failed, dead, queued)."""

import datetime as dt
import random

DEFAULT_SIZE = 1_000_000
KINDS = [
    "emak.pay_notice",
    "owl.permit_warning",
    "cempaka.review_outcome",
    "anggrek.flag_raised",
    "jali.guest_arrived",
    "owl.completion_notice",
]


def populate(size, people):
    from intranet.extensions import db, transaction
    from intranet.notify.counts import compact_counts
    from intranet.notify.outbox import _INSERT_COLUMNS as COLUMNS

    rng = random.Random(3)
    start = dt.datetime(2026, 1, 1)
    sql = 'INSERT INTO "outbox_message" ({}) VALUES ({})'.format(
        ", ".join(f'"{c}"' for c in COLUMNS), ", ".join([db.obj.param] * len(COLUMNS))
    )
    chunk = []
    for i in range(size):
        roll = rng.random()
        status = (
            "sent"
            if roll < 0.97
            else "failed"
            if roll < 0.98
            else "dead"
            if roll < 0.99
            else "queued"
        )
        at = start + dt.timedelta(seconds=i * 25)
        sent = status == "sent"
        chunk.append(
            (
                f"bench:{i}",
                KINDS[i % len(KINDS)],
                f"p{i % 10000}@bench.local",
                "",
                "id",
                "notify/email/test_message",
                '{"requested_by": "Bench", "requested_at": null}',
                "User",
                str(i % 10000),
                status,
                1 if sent else (8 if status == "dead" else 2),
                "" if sent else "ConnectionRefusedError: [Errno 111] Connection refused",
                "",
                at,
                at if sent else None,
                f"<outbox.{i}@bench.local>" if sent else "",
                "Pesan uji dari Kantor Imigrasi" if sent else "",
                "",
                None,
                "",
                None,
                at,
                at,
            )
        )
        if len(chunk) == 5000:
            with transaction():
                db.obj.cursor().executemany(sql, chunk)
            chunk = []
    if chunk:
        with transaction():
            db.obj.cursor().executemany(sql, chunk)
    # The triggers counted every row; fold the counts up as the minutely reconciler would.
    compact_counts()
    return [
        ("notify_outbox", "/admin/outbox/", "admin"),
        ("notify_outbox_dead", "/admin/outbox/?status=dead", "admin"),
    ]
