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


def test_registered_wfh_coordinates_keep_full_precision(app_ctx, make_user):
    """0008: on PostgreSQL the columns were single precision and lost about a metre."""
    from intranet.people.models import User

    user = make_user(wfh_lat=-6.17539245, wfh_lon=106.82715281)
    again = User.get_by_id(user.id)
    assert (again.wfh_lat, again.wfh_lon) == (-6.17539245, 106.82715281)
