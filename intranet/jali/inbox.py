"""Beranda for the front desk: the visitors registered today who have not been checked out (the
closing-time sweep checks them out at the closing time, but someone should see them go)."""

from flask import url_for
from flask_babel import gettext as _
from peewee import fn

from ..core.inbox import Item
from ..models import utcnow
from .models import Visit
from .services import wib_to_utc, wib_today
from .settings import closing_time


def items(user):
    if not user.has_role("resepsionis"):
        return []
    today = wib_today()
    inside = (
        Visit.select(fn.COUNT(Visit.id))
        .where(Visit.visit_date == today, Visit.checked_out_at.is_null())
        .scalar()
    )
    hour, minute = closing_time()
    closes = f"{hour:02d}:{minute:02d}"
    return [
        Item(
            group="jali",
            key="jali.inside",
            label=_("Visitors still inside"),
            count=inside or 0,
            href=url_for("jali.list_visits", date=today.isoformat(), status="inside"),
            detail=_("The office closes at %(time)s.", time=closes),
            urgent=bool(inside) and utcnow() >= wib_to_utc(today, hour, minute),
        )
    ]
