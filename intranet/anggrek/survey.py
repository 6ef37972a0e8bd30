"""The public satisfaction survey: one response per ticket, rate-limited per IP address."""

import datetime as dt
import hashlib
import logging

import redis
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from ..audit.services import record
from ..extensions import get_redis, transaction
from ..people.models import User
from . import clock
from .ikm import ELEMENT_KEYS
from .models import DONE, NO_SHOW, SurveyResponse, Ticket
from .services import StepRefused
from .settings import setting

log = logging.getLogger(__name__)


def rate_limit_hit(ip):
    """Count one submission from ``ip``; return the seconds to wait when over the limit, else 0.
    Every attempt counts (also refused ones), so ticket numbers cannot be tried in bulk. When
    Redis is unreachable the form still works (unlimited) and the error is logged."""
    limit = int(setting("survey_max_per_ip"))
    window = int(setting("survey_ip_window_seconds"))
    key = "intranet:anggrek:survey:" + hashlib.sha256((ip or "").encode()).hexdigest()[:32]
    try:
        pipe = get_redis().pipeline()
        pipe.set(key, 0, ex=window, nx=True)  # the window starts with the first attempt
        pipe.incr(key)
        pipe.ttl(key)
        _started, count, ttl = pipe.execute()
    except redis.RedisError as exc:
        log.error("survey rate limit unavailable: %s", exc)
        return 0
    if int(count) > limit:
        return max(int(ttl), 1)
    return 0


def find_ticket(counter, number, at=None):
    """The ticket with this number finished at this counter within the survey window (the most
    recent one: numbers restart every day)."""
    at = at or clock.now()
    since = at - dt.timedelta(days=int(setting("survey_window_days")))
    return (
        Ticket.select()
        .where(
            Ticket.number == (number or "").strip().upper(),
            Ticket.counter == counter.id,
            Ticket.status == DONE,
            Ticket.outcome != NO_SHOW,
            Ticket.finished_at >= since,
        )
        .order_by(Ticket.finished_at.desc())
        .first()
    )


def submit(counter, number, ratings, comment="", *, at=None):
    """Record one applicant's answers. ``ratings``: {"u1": 1..4, ...}."""
    at = at or clock.now()
    values = {k: int(ratings[k]) for k in ELEMENT_KEYS}
    if any(v not in (1, 2, 3, 4) for v in values.values()):
        raise StepRefused("bad_rating", _l("Rate every element from 1 to 4."), status=422)
    ticket = find_ticket(counter, number, at)
    if ticket is None:
        raise StepRefused(
            "no_ticket",
            _l(
                "No ticket %(number)s was served at this counter recently. Check the number on "
                "your ticket.",
                number=(number or "").strip().upper() or "—",
            ),
            status=422,
        )
    officer = User.get_or_none(User.id == ticket.officer_id) if ticket.officer_id else None
    try:
        with transaction():
            response = SurveyResponse.create(
                ticket=ticket.id,
                counter=counter.id,
                officer=ticket.officer_id,
                unit=officer.unit_id if officer else counter.unit_id,
                submitted_at=at,
                comment=(comment or "").strip()[:2000],
                **values,
            )
            record(
                "anggrek.survey.submitted",
                response,
                actor=None,
                detail={"counter": counter.code, "ticket": ticket.number},
            )
    except IntegrityError:
        raise StepRefused(
            "duplicate",
            _l("Ticket %(number)s has already been rated. Thank you!", number=ticket.number),
            status=422,
        ) from None
    return response
