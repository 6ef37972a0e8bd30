"""Command line: flask --app intranet db|users|audit|demo ..."""

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")

db_cli = AppGroup("db", help="Database schema migrations.")
users_cli = AppGroup("users", help="Manage user accounts.")
audit_cli = AppGroup("audit", help="The hash-chained audit log.")
demo_cli = AppGroup("demo", help="Demo data.")


def migration_runner():
    from playhouse.migrations import Runner

    return Runner(db.obj, directory=MIGRATIONS_DIR)


def upgrade():
    with db.connection_context():
        return migration_runner().up()


@db_cli.command("upgrade")
def db_upgrade():
    """Apply pending migrations."""
    applied = upgrade()
    click.echo("applied: " + ", ".join(applied) if applied else "database is up to date")


@db_cli.command("status")
def db_status():
    """List migrations; exit 1 when some are pending."""
    with db.connection_context():
        rows = migration_runner().status()
    pending = False
    for m in rows:
        click.echo(f"[{'x' if m.applied else ' '}] {m.name}")
        pending = pending or not m.applied
    sys.exit(1 if pending else 0)


@users_cli.command("create")
@click.option("--nip", required=True)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, default=["pegawai"], show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--unit", "unit_code", default=None, help="Unit code, e.g. TIK")
def users_create(nip, name, email, roles, password, unit_code):
    """Create a user (e.g. the first admin)."""
    from .auth.accounts import create_user
    from .auth.passwords import password_problem
    from .people.models import ROLES, Unit, User
    from .people.nip import NipError, validate_nip

    try:
        nip = validate_nip(nip)
    except NipError as exc:
        raise click.BadParameter(str(exc), param_hint="--nip") from None
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise click.BadParameter(f"unknown role(s) {unknown}; choose from {', '.join(ROLES)}")
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(str(problem), param_hint="--password")
    with db.connection_context():
        if User.select().where((User.nip == nip) | (User.email == email)).exists():
            raise click.ClickException("a user with this NIP or e-mail already exists")
        unit = Unit.get_or_none(Unit.code == unit_code) if unit_code else None
        if unit_code and unit is None:
            raise click.BadParameter(f"no unit with code {unit_code}", param_hint="--unit")
        roles = set(roles) | {"pegawai"}
        user = create_user(
            nip=nip, name=name, email=email, password=password, roles=roles, unit=unit
        )
    click.echo(f"created user {user.id}: {user.name} ({user.nip}) roles {sorted(roles)}")


@users_cli.command("deactivate")
@click.option("--nip", required=True)
def users_deactivate(nip):
    """Deactivate a user and end all their sessions."""
    from .auth.accounts import deactivate_user
    from .people.models import User
    from .people.nip import normalize_nip

    with db.connection_context():
        user = User.get_or_none(User.nip == normalize_nip(nip))
        if user is None:
            raise click.ClickException("no user with this NIP")
        deactivate_user(user)
    click.echo(f"deactivated {user.name} ({user.nip}); all sessions ended")


@audit_cli.command("verify")
def audit_verify():
    """Check the hash chain; name the first entry where it breaks."""
    from .audit.services import verify_chain

    with db.connection_context():
        ok, checked, bad_id, reason = verify_chain()
    if ok:
        click.echo(f"audit chain OK: {checked} entries verified")
        return
    where = f"entry #{bad_id}" if bad_id is not None else "the end of the chain"
    click.echo(f"audit chain BROKEN at {where}: {reason} ({checked} entries before it verified)")
    sys.exit(1)


@demo_cli.command("load")
@click.option("--staff", default=150, show_default=True)
@click.option("--accounts-file", default=None)
def demo_load(staff, accounts_file):
    """Load demo data once (units, staff, one account per role)."""
    from .demo import load_demo

    accounts_file = accounts_file or os.path.join(current_app.instance_path, "demo_accounts.txt")
    with db.connection_context():
        created = load_demo(staff=staff, accounts_file=accounts_file)
    if created:
        click.echo(f"demo data loaded; accounts written to {accounts_file}")
    else:
        click.echo("demo data already present")


i18n_cli = AppGroup("i18n", help="Translation catalogs (one per feature).")


def _load_catalog(tdir):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = os.path.join(tdir, "id", "LC_MESSAGES", "messages.po")
    if os.path.exists(path):
        with open(path, "rb") as fh:
            return path, read_po(fh, locale="id")
    return path, Catalog(locale="id", project="intranet", charset="utf-8")


@i18n_cli.command("extract")
def i18n_extract():
    """Add new message ids to every catalog (untranslated) and drop ids no longer used."""
    from babel.messages.pofile import write_po

    from .i18n import catalogs, extract_messages

    for tdir, files in catalogs():
        path, catalog = _load_catalog(tdir)
        ids = extract_messages(files)
        for message, (fname, lineno) in ids.items():
            key = message[0] if isinstance(message, tuple) else message
            if key not in catalog:
                catalog.add(
                    message,
                    string=("", "") if isinstance(message, tuple) else "",
                    locations=[(fname, lineno)],
                )
        wanted = {m[0] if isinstance(m, tuple) else m for m in ids}
        for msg in list(catalog):
            key = msg.id[0] if isinstance(msg.id, tuple) else msg.id
            if key and key not in wanted:
                del catalog[key]
        catalog.fuzzy = False
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
        click.echo(f"{os.path.relpath(path)}: {len(catalog)} messages")


def missing_translations():
    """[(catalog path, msgid, where)] for every id without an Indonesian translation."""
    from .i18n import catalogs, extract_messages

    problems = []
    for tdir, files in catalogs():
        path, catalog = _load_catalog(tdir)
        for message, where in extract_messages(files).items():
            key = message[0] if isinstance(message, tuple) else message
            entry = catalog.get(key)
            strings = entry.string if entry is not None else ""
            strings = strings if isinstance(strings, tuple) else (strings,)
            if entry is None or not all(strings):
                problems.append((os.path.relpath(path), key, f"{where[0]}:{where[1]}"))
    return problems


@i18n_cli.command("check")
def i18n_check():
    """Exit 1 when a user-facing string has no Indonesian translation."""
    problems = missing_translations()
    for path, key, where in problems:
        click.echo(f"{path}: untranslated {key!r} ({where})")
    if problems:
        sys.exit(1)
    click.echo("every message is translated")


def register_cli(app):
    from .wbbm.cli import wbbm_cli

    for group in (db_cli, users_cli, audit_cli, demo_cli, i18n_cli, wbbm_cli):
        app.cli.add_command(group)
