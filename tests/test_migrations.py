"""The migrated schema matches the models exactly (no forgotten migration)."""

from playhouse.schema_diff import diff_models

from intranet.extensions import db
from intranet.models import all_models


def test_migrations_match_models(app_ctx):
    diff = diff_models(db.obj, all_models())
    assert not diff, f"schema differs from models; write a migration:\n{diff}"


def test_upgrade_is_idempotent(app_ctx):
    from intranet.cli import upgrade

    assert upgrade() == []
