"""Si Cempaka's daily work (run by ``jobs``): the supervisors' digest of deliverables pending for
over a day, and the reduction of old coordinates to a coarse precision (DESIGN §3 privacy).

Both are idempotent: the digest's outbox key holds the WIB date, and coarse rows are left alone.
"""

import datetime as dt
import logging

from peewee import fn

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.models import User
from . import settings as cset
from .location import today_wib
from .models import PENDING, Submission, SubmissionVersion
from .notifications import queue_digest_email

log = logging.getLogger(__name__)


def queue_digests(now=None, max_items=20):
    """Each supervisor with pending deliverables older than a day gets one e-mail per day.
    Idempotent: the outbox key holds the WIB date."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=1)
    day = today_wib(now)
    rows = (
        Submission.select(User.supervisor, fn.COUNT(Submission.id), fn.MIN(Submission.submitted_at))
        .join(User, on=(Submission.employee == User.id))
        .where(
            (Submission.status == PENDING)
            & (Submission.submitted_at < cutoff)
            & User.supervisor.is_null(False)
        )
        .group_by(User.supervisor)
        .tuples()
    )
    queued = 0
    for supervisor_id, count, oldest in list(rows):
        sup = (
            User.select()
            .where((User.id == supervisor_id) & (User.is_active == True))  # noqa: E712
            .first()
        )
        if sup is None:
            continue
        items = list(
            Submission.select(Submission, User.name)
            .join(User, on=(Submission.employee == User.id))
            .where(
                (User.supervisor == supervisor_id)
                & (Submission.status == PENDING)
                & (Submission.submitted_at < cutoff)
            )
            .order_by(Submission.submitted_at)
            .limit(max_items)
        )
        try:
            with transaction():
                queue_digest_email(sup, day, count, oldest, items, now)
            queued += 1
        except Exception:  # one bad address must not stop the others
            log.exception("cempaka digest for supervisor %s not queued", supervisor_id)
    return queued


def _round_expr(field, decimals):
    return fn.ROUND(field.cast("numeric"), decimals)


def coarsen_old_locations(now=None, batch=5000):
    """After the retention period, stored coordinates keep only ``coarse_decimals`` decimals
    (the current versions and the kept ones). Idempotent; returns the rows changed."""
    now = now or utcnow()
    settings = cset.load(fresh=True)
    cutoff = now - dt.timedelta(days=settings.retention_days)
    decimals = int(settings.coarse_decimals)
    changed = 0
    for model in (Submission, SubmissionVersion):
        while True:
            ids = [
                r.id
                for r in model.select(model.id)
                .where((model.coords_coarse == False) & (model.submitted_at < cutoff))  # noqa: E712
                .order_by(model.id)
                .limit(batch)
            ]
            if not ids:
                break
            with transaction():
                model.update(
                    lat=_round_expr(model.lat, decimals),
                    lon=_round_expr(model.lon, decimals),
                    place_lat=_round_expr(model.place_lat, decimals),
                    place_lon=_round_expr(model.place_lon, decimals),
                    coords_coarse=True,
                ).where(model.id.in_(ids)).execute()
            changed += len(ids)
    if changed:
        with transaction():
            record(
                "cempaka.coordinates_coarsened",
                object_type="Submission",
                detail={
                    "rows": changed,
                    "decimals": decimals,
                    "retention_days": settings.retention_days,
                },
            )
    return changed
