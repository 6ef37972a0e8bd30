"""The outbox counts the admin page shows are exact: the trigger-kept ``outbox_count`` table
follows every way a row is written, changed or removed, and folding it up changes no figure."""

import datetime as dt

from peewee import fn

from intranet.extensions import db, transaction
from intranet.notify import admin, reconcile
from intranet.notify import counts as svc
from intranet.notify.models import DEAD, FAILED, QUEUED, SENDING, SENT, OutboxCount, OutboxMessage
from intranet.notify.services import queue_email

TEMPLATE = "notify/email/test_message"


def _queue(key, kind="notify.test", to="warga@example.com"):
    context = {"requested_by": "Uji", "requested_at": dt.datetime(2026, 11, 27, 1, 0)}
    return queue_email(key, to, TEMPLATE, context, kind=kind)


def _truth():
    result = {}
    query = OutboxMessage.select(
        OutboxMessage.kind, OutboxMessage.status, fn.COUNT(OutboxMessage.id)
    ).group_by(OutboxMessage.kind, OutboxMessage.status)
    for kind, status, n in query.tuples():
        result.setdefault(kind, {})[status] = n
    return dict(sorted(result.items()))


def _status_truth():
    return dict(
        OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
        .group_by(OutboxMessage.status)
        .tuples()
    )


def _check():
    assert svc.counts_by_kind() == _truth()
    assert svc.counts_by_status() == _status_truth()


def test_counts_follow_every_kind_of_change(app_ctx):
    assert svc.counts_by_kind() == {}
    with transaction():
        rows = [_queue(f"c:{i}", kind="emak.pay_notice") for i in range(5)]
        rows += [_queue(f"o:{i}", kind="owl.permit_warning") for i in range(3)]
    _queue("c:0", kind="emak.pay_notice")  # the same key again: no new row, no new count
    _check()
    assert svc.counts_by_kind()["emak.pay_notice"] == {QUEUED: 5}

    # The workers' conditional updates, one row and many rows at a time.
    OutboxMessage.update(status=SENDING).where(OutboxMessage.kind == "emak.pay_notice").execute()
    _check()
    OutboxMessage.update(status=SENT).where(
        OutboxMessage.id.in_([rows[0].id, rows[1].id])
    ).execute()
    OutboxMessage.update(status=FAILED).where(OutboxMessage.id == rows[2].id).execute()
    OutboxMessage.update(status=DEAD).where(
        OutboxMessage.id.in_([rows[3].id, rows[5].id])
    ).execute()
    _check()
    # An update that leaves kind and status alone counts nothing.
    OutboxMessage.update(attempts=OutboxMessage.attempts + 1).execute()
    _check()
    # Hand-written SQL, as sending.py writes its results.
    p = db.obj.param
    db.execute_sql(
        f'UPDATE "outbox_message" SET "status" = {p} WHERE "id" = {p}', (SENT, rows[4].id)
    )
    _check()
    # Retrying dead rows (admin action) and a changed kind.
    assert admin.retry_dead("emak.pay_notice") == 1
    OutboxMessage.update(kind="owl.other").where(OutboxMessage.id == rows[6].id).execute()
    _check()
    # Rows removed.
    OutboxMessage.delete().where(OutboxMessage.id.in_([rows[0].id, rows[7].id])).execute()
    _check()
    assert sum(svc.counts_by_status().values()) == OutboxMessage.select().count() == 6


def test_a_rolled_back_change_counts_nothing(app_ctx):
    row = _queue("rb:1")
    try:
        with transaction():
            OutboxMessage.update(status=DEAD).where(OutboxMessage.id == row.id).execute()
            _queue("rb:2")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    _check()
    assert svc.counts_by_status() == {QUEUED: 1}


def test_compaction_folds_rows_and_changes_no_figure(app_ctx):
    with transaction():
        rows = [_queue(f"f:{i}", kind=f"kind.{i % 3}") for i in range(30)]
    OutboxMessage.update(status=SENT).where(
        OutboxMessage.id.in_([r.id for r in rows[:20]])
    ).execute()
    OutboxMessage.update(status=DEAD).where(OutboxMessage.id == rows[25].id).execute()
    before = svc.counts_by_kind()
    assert OutboxCount.select().count() > 30
    folded = svc.compact_counts()
    assert folded > 30
    assert svc.counts_by_kind() == before == _truth()
    # One row per (kind, status) that has messages; zero sums leave no row.
    pairs = [(c.kind, c.status) for c in OutboxCount.select()]
    assert len(pairs) == len(set(pairs)) == sum(len(v) for v in before.values())
    assert svc.compact_counts() == len(pairs)  # a second fold changes nothing
    assert svc.counts_by_kind() == before


def test_a_read_folds_up_a_grown_table(app_ctx, monkeypatch):
    monkeypatch.setattr(svc, "COMPACT_AFTER", 10)
    with transaction():
        for i in range(12):
            _queue(f"g:{i}")
    assert OutboxCount.select().count() == 12
    assert svc.counts_by_kind() == {"notify.test": {QUEUED: 12}}
    assert OutboxCount.select().count() == 1
    _check()


def test_the_reconciler_folds_the_counts(app_ctx):
    for i in range(4):
        _queue(f"r:{i}")
    reconcile.reconcile()
    assert OutboxCount.select().count() == 1
    _check()


def test_the_page_shows_a_change_at_once(app_ctx, make_user, login_as, client):
    login_as(make_user("admin"))
    row = _queue("page:1", kind="emak.pay_notice")
    html = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'id="dead-alert"' not in html
    assert f'data-status="{QUEUED}"' in html
    OutboxMessage.update(status=DEAD, last_error="550 No such user").where(
        OutboxMessage.id == row.id
    ).execute()
    html = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'id="dead-alert"' in html
    assert '<input type="hidden" name="kind" value="emak.pay_notice">' in html  # retry all dead
    assert f'<tr data-id="{row.id}">' in html and 'data-status="dead"' in html
    assert "550 No such user" in html
    counts = html[html.index('id="status-counts"') : html.index('id="kind-counts"')]
    dead_card = counts[counts.index('data-count-status="dead"') :]
    assert ">1</div>" in dead_card[: dead_card.index("</a>")]
    admin.retry_message(row.id)
    html = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'id="dead-alert"' not in html
    assert f'<tr data-id="{row.id}">' in html and "550 No such user" not in html


def test_each_newer_dead_row_alerts_until_the_outbox_is_opened(
    app_ctx, make_user, login_as, client
):
    """Reloading the outbox skips the Redis check while its newest dead row is unchanged; a
    newer dead row is checked (and marked seen) again."""
    login_as(make_user("admin"))
    html_headers = {"Accept": "text/html"}
    for i in range(2):
        row = _queue(f"alert:{i}")
        OutboxMessage.update(status=DEAD).where(OutboxMessage.id == row.id).execute()
        page = client.get("/home", headers=html_headers).get_data(as_text=True)
        assert 'class="alert-link" href="/admin/outbox/?status=dead"' in page  # the flash
        client.get("/admin/outbox/", headers=html_headers)
        client.get("/admin/outbox/", headers=html_headers)
        page = client.get("/home", headers=html_headers).get_data(as_text=True)
        assert 'class="alert-link" href="/admin/outbox/?status=dead"' not in page
