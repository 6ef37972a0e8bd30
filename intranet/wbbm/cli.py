"""``flask --app intranet wbbm rollup --from YYYY-MM-DD --to YYYY-MM-DD``: recompute the
roll-ups of a range of days (every service, or one with ``--service``)."""

import datetime as dt

import click
from flask.cli import AppGroup

from ..extensions import db

wbbm_cli = AppGroup("wbbm", help="The head's dashboard: roll-ups of the services' figures.")


def _date(_ctx, _param, value):
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise click.BadParameter("give a date as YYYY-MM-DD") from exc


@wbbm_cli.command("rollup")
@click.option("--from", "first", required=True, callback=_date, help="first day (WIB)")
@click.option("--to", "last", required=True, callback=_date, help="last day (WIB), included")
@click.option("--service", type=click.Choice(["cempaka", "anggrek", "emak", "jali", "owl"]))
def rollup_command(first, last, service):
    """Recompute the daily roll-ups of the days FROM..TO (each day in one transaction)."""
    from .rollup import rebuild
    from .sources import SERVICES

    if last < first:
        raise click.BadParameter("--to is before --from")
    with db.connection_context():
        done = rebuild(first, last, services=(service,) if service else SERVICES)
    for name, days in done.items():
        click.echo(f"{name}: {days} days rolled up")
