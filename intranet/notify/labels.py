"""What the scheduler page says about a periodic job and its outcome, in the reader's language.

A run's outcome is stored as structured data (``intranet.jobs.scheduler.stored_outcome``: a
dict of counts or a number, as JSON); rows stored before hold ``key: value, ...`` text or the
old English sentence of the history purge, and are read back the same way. A text the job
returned or the error it raised is shown as it is. Here the data is told as translated phrases
with their plurals (``ngettext``): one phrase per known key (``OUTCOME_PHRASES``; a job may
give a key its own phrase in ``JOB_PHRASES``), a bare number by the job's phrase
(``COUNT_PHRASES``). A key nobody named yet is shown as it is, so a new field is visible (and
tests/notify/test_outcome_words.py asks for its phrase).

Also the words for an outbox row's status and a run's status (``STATUS_LABELS``,
``RUN_STATUS_LABELS``) and for each kind of e-mail (``KIND_LABELS``).
"""

import datetime as dt
import json
import re

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "queued": _l("queued"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("failed (will retry)"),
    "dead": _l("dead (gave up)"),
}
RUN_STATUS_LABELS = {
    "enqueued": _l("enqueued"),
    "running": _l("running"),
    "ok": _l("ok"),
    "failed": _l("failed"),
    "lost": _l("lost"),
}

JOB_LABELS = {
    "anggrek.close_day": _l("Si Anggrek: close the counters' day"),
    "cempaka.coarsen_locations": _l("Si Cempaka: coarsen old locations"),
    "cempaka.supervisor_digest": _l("Si Cempaka: supervisors' daily digest"),
    "emak.complete_runs": _l("Si Emak: mark fully sent pay runs"),
    "wbbm.rollup": _l("WBBM: bring the dashboard's figures up to date"),
    "jali.closing_sweep": _l("Si Jali: closing-time check-out of visitors"),
    "notify.purge_run_history": _l("Outbox: delete old run history"),
    "notify.reconcile": _l("Outbox: reconcile stuck e-mails"),
    "owl.overstay": _l("Si Owl: overstay scan and digest"),
    "owl.permit_scan": _l("Si Owl: permit expiry warnings"),
}


def job_label(name):
    label = JOB_LABELS.get(name)
    return str(label) if label is not None else name


def count_phrase(singular, plural):
    return lambda n, _all: ngettext(singular, plural, n)


def _day(value, _all):
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return _("for %(date)s", date=format_date(day, "d MMM yyyy"))


def _digest(value, _all):
    return _("digest e-mail queued") if value else _("no digest needed")


def _deleted(n, values):
    days = values.get("days", 30)
    return ngettext(
        "%(num)d run older than %(days)d days deleted",
        "%(num)d runs older than %(days)d days deleted",
        n,
        days=days,
    )


# key -> phrase(value, all values); lazy-free: called in a request, in its language
OUTCOME_PHRASES = {
    "date": _day,
    "day": _day,
    "slot": _day,
    "counters_closed": count_phrase("%(num)d counter closed", "%(num)d counters closed"),
    "tickets_not_called": count_phrase(
        "%(num)d ticket marked not called", "%(num)d tickets marked not called"
    ),
    "reset": count_phrase("%(num)d stuck e-mail reset", "%(num)d stuck e-mails reset"),
    "enqueued": count_phrase(
        "%(num)d e-mail handed to the workers", "%(num)d e-mails handed to the workers"
    ),
    "queued": count_phrase("%(num)d e-mail queued", "%(num)d e-mails queued"),
    "opened": count_phrase("%(num)d case opened", "%(num)d cases opened"),
    "escalated": count_phrase("%(num)d case escalated", "%(num)d cases escalated"),
    "closed": count_phrase("%(num)d case closed", "%(num)d cases closed"),
    "digest": _digest,
    "deleted": _deleted,
    "days": None,  # told with "deleted"
}
JOB_PHRASES = {
    ("owl.permit_scan", "queued"): count_phrase(
        "%(num)d expiry warning queued", "%(num)d expiry warnings queued"
    ),
}
# a job that returns a bare number: what the number counts
COUNT_PHRASES = {
    "cempaka.coarsen_locations": count_phrase(
        "%(num)d location coarsened", "%(num)d locations coarsened"
    ),
    "cempaka.supervisor_digest": count_phrase("%(num)d digest queued", "%(num)d digests queued"),
    "emak.complete_runs": count_phrase("%(num)d pay run completed", "%(num)d pay runs completed"),
    "wbbm.rollup": count_phrase("%(num)d service day rolled up", "%(num)d service days rolled up"),
    "jali.closing_sweep": count_phrase(
        "%(num)d visitor checked out", "%(num)d visitors checked out"
    ),
}

_PAIRS = re.compile(r"^[a-z_]+: [^,]*(?:, [a-z_]+: [^,]*)*$")
_OLD_PURGE = re.compile(r"^(\d+) run\(s\) older than (\d+) days deleted$")
_NO_JOB = "no periodic job named "
LOST = "the worker stopped while running"


def _value(text):
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("None", "null"):
        return None
    return text


def parse(text):
    """The stored outcome as a dict, a number or None (a sentence or an error: left as it is)."""
    text = (text or "").strip()
    if not text:
        return {}
    if text[0] in "{[" or re.fullmatch(r"-?\d+", text):
        try:
            return json.loads(text)
        except ValueError:
            return None
    m = _OLD_PURGE.match(text)
    if m:
        return {"deleted": int(m.group(1)), "days": int(m.group(2))}
    if _PAIRS.match(text):
        return {k: _value(v) for k, _, v in (p.partition(": ") for p in text.split(", "))}
    return None


def describe(job, text):
    """The outcome of a run of ``job`` as a sentence in the reader's language."""
    if text == LOST:
        return _("The worker stopped while running.")
    if text and text.startswith(_NO_JOB):
        return _("No periodic job has this name.")
    value = parse(text)
    if value is None:
        return text  # an error message, as the job raised it
    if isinstance(value, bool) or not isinstance(value, int | dict):
        return text
    if isinstance(value, int):
        phrase = COUNT_PHRASES.get(job)
        return phrase(value, {}) if phrase else str(value)
    parts = []
    for key, item in value.items():
        phrase = JOB_PHRASES.get((job, key), OUTCOME_PHRASES.get(key, False))
        if phrase is None:
            continue
        if phrase is False:
            parts.append(f"{key}: {item}")
        elif isinstance(item, int) or key in ("date", "day", "slot", "digest"):
            parts.append(phrase(item, value))
        else:
            parts.append(f"{key}: {item}")
    return ", ".join(parts)


# What each kind of e-mail is, for the outbox's counts, filters and rows.
KIND_LABELS = {
    "anggrek.new_flag": _l("Si Anggrek: new officer report"),
    "auth.password_reset": _l("Password reset"),
    "cempaka.decision": _l("Si Cempaka: decision on a deliverable"),
    "cempaka.digest": _l("Si Cempaka: supervisor's digest"),
    "emak.pay_notice": _l("Si Emak: pay slip"),
    "jali.host_notice": _l("Si Jali: visitor for a host"),
    "jali.inteldakim_alert": _l("Si Jali: alert to Inteldakim"),
    "notify.test": _l("Test e-mail"),
    "owl.application_decided": _l("Si Owl: application decided"),
    "owl.disruption": _l("Si Owl: service disruption"),
    "owl.disruption_resolved": _l("Si Owl: service disruption resolved"),
    "owl.overstay_digest": _l("Si Owl: overstay digest"),
    "owl.permit_warning": _l("Si Owl: permit expiry warning"),
}


def kind_label(kind):
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind
