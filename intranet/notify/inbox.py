"""Beranda for admins: the outbox's dead letters, which no job will send again by itself."""

from flask import url_for
from flask_babel import gettext as _

from ..core.inbox import Item
from .counts import counts_by_status
from .models import DEAD, FAILED


def items(user):
    if not user.has_role("admin"):
        return []
    by_status = counts_by_status()
    failed = by_status.get(FAILED, 0)
    return [
        Item(
            group="admin",
            key="notify.dead",
            label=_("E-mails given up on (dead letters)"),
            count=by_status.get(DEAD, 0),
            href=url_for("notify.outbox", status=DEAD),
            detail=_("%(count)s more failed and will be tried again.", count=failed)
            if failed
            else "",
            urgent=bool(by_status.get(DEAD, 0)),
        )
    ]
