"""Beranda for finance: pay runs still in draft, and per run being sent or sent, the notices that
failed or were given up on."""

from flask import url_for
from flask_babel import gettext as _
from peewee import fn

from ..core.inbox import Item
from .models import DRAFT, SENDING, SENT, PayRun
from .queries import UNDELIVERED, undelivered_counts
from .templating import pay_kind_filter, pay_period_filter

RECENT_RUNS = 12  # the sent runs whose failures Beranda still lists


def items(user):
    if not user.has_role("keuangan"):
        return []
    drafts = PayRun.select(fn.COUNT(PayRun.id)).where(PayRun.status == DRAFT).scalar() or 0
    found = [
        Item(
            group="emak",
            key="emak.drafts",
            label=_("Pay runs in draft"),
            count=drafts,
            href=url_for("emak.list_runs", status=DRAFT),
        )
    ]
    runs = list(
        PayRun.select(PayRun.id, PayRun.kind, PayRun.kind_label, PayRun.period)
        .where(PayRun.status.in_((SENDING, SENT)))
        .order_by(PayRun.period.desc(), PayRun.id.desc())
        .limit(RECENT_RUNS)
    )
    counts = undelivered_counts([r.id for r in runs])
    for run in runs:
        undelivered = counts.get(run.id, 0)
        if undelivered:
            found.append(
                Item(
                    group="emak",
                    key=f"emak.undelivered.{run.id}",
                    label=_(
                        "Pay notices not delivered: %(kind)s %(period)s",
                        kind=pay_kind_filter(run.kind, run.kind_label),
                        period=pay_period_filter(run.period),
                    ),
                    count=undelivered,
                    href=url_for("emak.show_deliveries", run_id=run.id, status=UNDELIVERED),
                    urgent=True,
                )
            )
    if len(found) == 1:
        found.append(
            Item(
                group="emak",
                key="emak.undelivered",
                label=_("Pay notices not delivered"),
                count=0,
                href=url_for("emak.list_runs", status=SENT),
            )
        )
    return found
