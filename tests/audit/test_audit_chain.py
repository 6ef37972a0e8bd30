"""The audit chain: append-only, hash-linked; `audit verify` names the first tampered row."""

import threading

from click.testing import CliRunner

from intranet.audit.models import AuditEntry
from intranet.audit.services import record, verify_chain
from intranet.cli import audit_verify


def _entries(n):
    for i in range(n):
        record("test.event", object_type="Thing", object_id=i, detail={"i": i})


def test_chain_verifies(app_ctx):
    _entries(5)
    ok, checked, bad, _ = verify_chain()
    assert ok and checked == 5 and bad is None
    rows = list(AuditEntry.select().order_by(AuditEntry.id))
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


def test_editing_a_row_is_named_by_verify(app_ctx):
    _entries(6)
    target = AuditEntry.select().order_by(AuditEntry.id).offset(3).first()
    # "By hand": straight SQL, as someone with database access would.
    AuditEntry.update(detail='{"i":999}').where(AuditEntry.id == target.id).execute()
    ok, checked, bad, reason = verify_chain()
    assert not ok and bad == target.id and checked == 3
    assert "edited" in reason
    result = CliRunner().invoke(
        audit_verify, [], obj=None, standalone_mode=False, catch_exceptions=True
    )
    assert f"entry #{target.id}" in result.output


def test_deleting_a_row_is_detected(app_ctx):
    _entries(4)
    victim = AuditEntry.select().order_by(AuditEntry.id).offset(1).first()
    AuditEntry.delete().where(AuditEntry.id == victim.id).execute()
    ok, _, bad, reason = verify_chain()
    assert not ok and bad == victim.id + 1 and "link" in reason


def test_cli_reports_ok(app):
    with app.app_context():
        from intranet.extensions import db

        with db.connection_context():
            _entries(2)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: 2 entries" in result.output


def test_concurrent_appends_never_fork_the_chain(app):
    from intranet.extensions import db

    errors = []

    def worker(n):
        try:
            with app.app_context(), db.connection_context():
                for i in range(10):
                    record("test.concurrent", object_type="T", object_id=f"{n}-{i}")
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context(), db.connection_context():
        ok, checked, _, _ = verify_chain()
    assert ok and checked == 40


def test_admin_browses_audit_with_filters(client, make_user, login_as):
    admin = make_user("admin")
    login_as(admin)
    with client.application.app_context():
        record("user.created", object_type="User", object_id=7, actor=admin)
        record("auth.sign_in", object_type="User", object_id=7, actor=admin)
    page = client.get("/admin/audit/?action=user.").get_data(as_text=True)
    assert "user.created" in page and "auth.sign_in</code>" not in page
    assert client.get("/admin/audit/?object=User:7&from=2020-01-01").status_code == 200
