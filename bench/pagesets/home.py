"""Beranda, the work inbox, of every role (DESIGN §7: ≥ 0.30 × hello with a year of data). It
adds no rows of its own: it reads what the other page sets filled (service events, deliverables,
permits, pay runs, visitors, the outbox), so run it with them (the default) for §7's sizes."""

from intranet.people.roles import ROLES


def populate(size, people):
    return [(f"beranda_{role}", "/home", role) for role in ROLES]
