"""Service disruption notices: published and resolved (each e-mailed to the foreigners with an
open application), and the ones the public page shows."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from peewee import SQL, Value, fn

from ...audit.services import record
from ...extensions import transaction
from ...models import utcnow
from .. import notifications
from ..models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    Disruption,
    DisruptionRecipient,
    Foreigner,
)
from .common import OwlError


def create_disruption(
    *, title_en, title_id, message_en, message_id, starts_at, expected_end_at, actor=None
):
    """Publish a notice and e-mail every foreigner with an open application (once each)."""
    if expected_end_at <= starts_at:
        raise OwlError(_l("The expected end must be after the start."))
    with transaction():
        disruption = Disruption.create(
            title_en=title_en.strip(),
            title_id=title_id.strip(),
            message_en=message_en.strip(),
            message_id=message_id.strip(),
            starts_at=starts_at,
            expected_end_at=expected_end_at,
            created_by=actor,
        )
        recipients = Foreigner.select(Value(disruption.id), Foreigner.id).where(
            (Foreigner.email != "")
            & fn.EXISTS(
                Application.select(SQL("1")).where(
                    (Application.foreigner == Foreigner.id)
                    & Application.status.in_(OPEN_APPLICATION_STATUSES)
                )
            )
        )
        DisruptionRecipient.insert_from(
            recipients, fields=[DisruptionRecipient.disruption, DisruptionRecipient.foreigner]
        ).on_conflict_ignore().execute()
        count = notifications.queue_disruption(disruption, resolved=False)
        disruption.notified = count
        disruption.save()
        record("owl.disruption.created", disruption, actor=actor, detail={"notified": count})
    return disruption


def resolve_disruption(disruption, *, resolution_en, resolution_id, actor=None):
    with transaction():
        if disruption.resolved_at is not None:
            raise OwlError(_l("This notice has already been resolved."))
        disruption.resolved_at = utcnow()
        disruption.resolution_en = (resolution_en or "").strip()
        disruption.resolution_id = (resolution_id or "").strip()
        disruption.save()
        count = notifications.queue_disruption(disruption, resolved=True)
        record("owl.disruption.resolved", disruption, actor=actor, detail={"notified": count})
    return disruption


def current_disruptions(now=None):
    """Notices to show on the public page: unresolved ones that started or start within a day."""
    now = now or utcnow()
    return list(
        Disruption.select()
        .where(
            Disruption.resolved_at.is_null() & (Disruption.starts_at <= now + dt.timedelta(days=1))
        )
        .order_by(Disruption.starts_at)
    )
