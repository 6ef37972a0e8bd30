"""What the audit log shows for an entry's action, object and detail, in the reader's language.

An entry stores codes (``anggrek.console.called``, ``{"service": "paspor_baru"}``); the page tells
them as words: the action's label, the object's kind, and the detail as "label: value" lines
whose values are labelled where they are codes (roles, services, statuses...). A code nobody
named yet is shown as it is (the role walk test then asks for its label).
"""

import datetime as dt
import json
import re

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import caches
from ..people.models import format_nip
from ..people.roles import ROLE_LABELS

ACTION_LABELS = {
    "anggrek.console.called": _l("Counter: ticket called"),
    "anggrek.console.closed": _l("Counter closed"),
    "anggrek.console.closed_by_sweep": _l("Counter closed at the end of the day"),
    "anggrek.console.finished": _l("Counter: service finished"),
    "anggrek.console.opened": _l("Counter opened"),
    "anggrek.console.recalled": _l("Counter: ticket called again"),
    "anggrek.console.started": _l("Counter: service started"),
    "anggrek.counter.created": _l("Counter created"),
    "anggrek.counter.updated": _l("Counter changed"),
    "anggrek.day_closed": _l("Counters' day closed"),
    "anggrek.flag.attachment_downloaded": _l("Officer report: attachment downloaded"),
    "anggrek.flag.created": _l("Officer report raised"),
    "anggrek.flag.listed": _l("Officer reports listed"),
    "anggrek.flag.note_added": _l("Officer report: note added"),
    "anggrek.flag.status_changed": _l("Officer report: status changed"),
    "anggrek.flag.viewed": _l("Officer report viewed"),
    "anggrek.metrics.exported": _l("Counter metrics exported"),
    "anggrek.survey.submitted": _l("Satisfaction survey answered"),
    "anggrek.ticket.issued": _l("Ticket issued"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_reset": _l("Password reset by e-mail link"),
    "auth.password_reset_requested": _l("Password reset requested"),
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.sign_out": _l("Signed out"),
    "cempaka.coordinates_coarsened": _l("WFH locations coarsened"),
    "cempaka.decided": _l("WFH deliverable decided"),
    "cempaka.demo_loaded": _l("Si Cempaka demo data loaded"),
    "cempaka.file_downloaded": _l("WFH file downloaded"),
    "cempaka.location_viewed": _l("WFH location viewed"),
    "cempaka.override_removed": _l("WFH reviewer override removed"),
    "cempaka.override_set": _l("WFH reviewer override set"),
    "cempaka.recap_exported": _l("WFH recap exported"),
    "cempaka.resubmitted": _l("WFH deliverable resubmitted"),
    "cempaka.settings_changed": _l("WFH settings changed"),
    "cempaka.submitted": _l("WFH deliverable submitted"),
    "demo.loaded": _l("Demo data loaded"),
    "jali.closing_sweep": _l("Visitors checked out at closing time"),
    "jali.demo_loaded": _l("Si Jali demo data loaded"),
    "jali.host_notified": _l("Host told of a visitor"),
    "jali.inteldakim_alerted": _l("Inteldakim alerted about a visitor"),
    "jali.permit_looked_up": _l("Stay permit looked up at the front desk"),
    "jali.settings_changed": _l("Si Jali settings changed"),
    "jali.visit_checked_out": _l("Visitor checked out"),
    "jali.visit_registered": _l("Visitor registered"),
    "jali.visit_viewed": _l("Visit viewed"),
    "jali.visits_exported": _l("Visitor log exported"),
    "notify.dead_retried": _l("Dead e-mails sent again"),
    "notify.message_retried": _l("E-mail sent again"),
    "notify.message_viewed": _l("E-mail viewed in the outbox"),
    "notify.messages_dead": _l("E-mails gave up"),
    "notify.messages_retried": _l("E-mails sent again"),
    "notify.sending_paused": _l("E-mail sending paused"),
    "notify.sending_resumed": _l("E-mail sending resumed"),
    "notify.test_message_queued": _l("Test e-mail queued"),
    "owl.application.assigned": _l("Application assigned"),
    "owl.application.completed": _l("Application completed"),
    "owl.application.received": _l("Application received"),
    "owl.application.rejected": _l("Application rejected"),
    "owl.application.started": _l("Application processing started"),
    "owl.disruption.created": _l("Service disruption announced"),
    "owl.disruption.resolved": _l("Service disruption resolved"),
    "owl.foreigner.created": _l("Foreigner registered"),
    "owl.foreigner.updated": _l("Foreigner changed"),
    "owl.foreigner.viewed": _l("Foreigner viewed"),
    "owl.overstay.closed": _l("Overstay case closed"),
    "owl.overstay.follow_up": _l("Overstay case followed up"),
    "owl.overstay.list_viewed": _l("Overstay cases listed"),
    "owl.overstay.viewed": _l("Overstay case viewed"),
    "owl.overstay_digest": _l("Overstay digest sent"),
    "owl.overstay_scan": _l("Overstay scan"),
    "owl.permit.cancelled": _l("Stay permit cancelled"),
    "owl.permit.created": _l("Stay permit recorded"),
    "owl.permit.updated": _l("Stay permit changed"),
    "owl.permit_scan": _l("Permit expiry scan"),
    "owl.report.exported": _l("Si Owl report exported"),
    "wbbm.evidence.exported": _l("WBBM evidence report exported"),
    "wbbm.targets.changed": _l("WBBM targets changed"),
    "owl.settings.changed": _l("Si Owl settings changed"),
    "owl.status.lookup": _l("Public status look-up"),
    "paynotice.read": _l("Pay slip read"),
    "payrun.created": _l("Pay run created"),
    "payrun.deleted": _l("Pay run deleted"),
    "payrun.finalised": _l("Pay run made final"),
    "payrun.lines_deleted": _l("Pay run lines deleted"),
    "payrun.lines_imported": _l("Pay run lines imported"),
    "payrun.lines_saved": _l("Pay run lines saved"),
    "payrun.notice_previewed": _l("Pay slip previewed"),
    "payrun.previewed": _l("Pay run previewed"),
    "payrun.resend": _l("Pay slips sent again"),
    "payrun.send": _l("Pay slips sending started"),
    "payrun.sent": _l("Pay slips sent"),
    "payrun.updated": _l("Pay run changed"),
    "payrun.viewed": _l("Pay run viewed"),
    "user.created": _l("User created"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.roles_changed": _l("User's roles changed"),
    "user.updated": _l("User changed"),
}

OBJECT_LABELS = {
    "Application": _l("Application"),
    "Counter": _l("Counter"),
    "Disruption": _l("Service disruption"),
    "Flag": _l("Officer report"),
    "Foreigner": _l("Foreigner"),
    "Metrics": _l("Counter metrics"),
    "Outbox": _l("Outbox"),
    "OutboxMessage": _l("E-mail"),
    "OverstayCase": _l("Overstay case"),
    "PayNotice": _l("Pay slip"),
    "PayRun": _l("Pay run"),
    "Permit": _l("Stay permit"),
    "Recap": _l("WFH recap"),
    "Report": _l("Report"),
    "Setting": _l("Setting"),
    "Submission": _l("WFH deliverable"),
    "SubmissionFile": _l("WFH file"),
    "SurveyResponse": _l("Survey answer"),
    "System": _l("System"),
    "Ticket": _l("Ticket"),
    "User": _l("User"),
    "Visit": _l("Visit"),
}

DETAIL_LABELS = {
    "action": _l("Action"),
    "after": _l("After"),
    "attachment": _l("Attachment"),
    "before": _l("Before"),
    "category": _l("Category"),
    "changed": _l("Changed"),
    "channel": _l("Channel"),
    "closed": _l("Closed"),
    "code": _l("Code"),
    "commented": _l("With a comment"),
    "components": _l("Components"),
    "count": _l("Number"),
    "counter": _l("Counter"),
    "counters_closed": _l("Counters closed"),
    "dataset": _l("Data set"),
    "date": _l("Date"),
    "day": _l("Day"),
    "days": _l("Days"),
    "decimals": _l("Decimals kept"),
    "decision": _l("Decision"),
    "due": _l("Due"),
    "email": _l("E-mail"),
    "employee_id": _l("Employee"),
    "employees": _l("Employees"),
    "end": _l("Until"),
    "enqueued": _l("Handed to the workers"),
    "escalated": _l("Escalated"),
    "escalation_days": _l("Escalation after (days)"),
    "events": _l("Service events"),
    "expired": _l("Expired"),
    "fields": _l("Fields"),
    "files": _l("Files"),
    "first": _l("First"),
    "flags": _l("Flags"),
    "foreigner": _l("Foreigner"),
    "format": _l("Format"),
    "found": _l("Found"),
    "from": _l("From"),
    "ids": _l("Numbers"),
    "is_active": _l("Active"),
    "kept_files": _l("Files kept"),
    "kind": _l("Kind"),
    "language": _l("Language"),
    "lead_times": _l("Warning days"),
    "lines": _l("Lines"),
    "location": _l("Location"),
    "login": _l("Sign-in name"),
    "method": _l("Method"),
    "missing_location": _l("Without location"),
    "mode": _l("Mode"),
    "months": _l("Months"),
    "name": _l("Name"),
    "nationality": _l("Nationality"),
    "new": _l("New"),
    "nip": _l("NIP"),
    "note_id": _l("Note"),
    "notices": _l("Pay slips"),
    "notified": _l("Notified"),
    "number": _l("Number"),
    "officer": _l("Officer"),
    "officer_id": _l("Officer"),
    "opened": _l("Opened"),
    "outcome": _l("Outcome"),
    "page": _l("Page"),
    "period": _l("Period"),
    "permanent": _l("Permanent"),
    "permit": _l("Stay permit"),
    "position": _l("Position"),
    "public_holidays": _l("Closed days"),
    "queued": _l("Queued"),
    "reason": _l("Reason"),
    "recipients": _l("Recipients"),
    "replaced": _l("Replaced"),
    "reset": _l("Reset"),
    "resolution": _l("Resolution"),
    "retention_days": _l("Kept (days)"),
    "roles": _l("Roles"),
    "rows": _l("Rows"),
    "run_id": _l("Pay run"),
    "scope": _l("Scope"),
    "search": _l("Search"),
    "send_after": _l("Send after"),
    "service": _l("Service"),
    "service_standard_days": _l("Service standard (days)"),
    "sessions_ended": _l("Sessions ended"),
    "show": _l("Shown"),
    "staff": _l("Staff"),
    "start": _l("From"),
    "status": _l("Status"),
    "submission": _l("WFH deliverable"),
    "submissions": _l("WFH deliverables"),
    "supervisor_id": _l("Supervisor"),
    "ticket": _l("Ticket"),
    "tickets_not_called": _l("Tickets not called"),
    "to": _l("To"),
    "type": _l("Type"),
    "unit": _l("Unit"),
    "unit_id": _l("Unit"),
    "units": _l("Units"),
    "version": _l("Version"),
    "visits": _l("Visits"),
}


# The filters a listing was opened with ("status": "all").
FILTER_LABELS = {"all": _l("All")}


@caches.memoize("audit.value_labels", maxsize=1)
def _value_maps():
    """{code: label} of every feature whose codes an audit detail may hold (lazy labels: one
    map for every language)."""
    from ..anggrek import labels as anggrek
    from ..cempaka import labels as cempaka
    from ..emak.components import KIND_LABELS as pay_kinds
    from ..jali import labels as jali
    from ..jali.forms import CATEGORY_LABELS as visitor_categories
    from ..notify.labels import JOB_LABELS, KIND_LABELS
    from ..owl import labels as owl

    maps = [
        ROLE_LABELS,
        {code: entry[1] for code, entry in anggrek.SERVICES.items()},
        anggrek.COUNTER_STATE_LABELS,
        anggrek.TICKET_STATUS_LABELS,
        anggrek.OUTCOME_LABELS,
        anggrek.CATEGORY_LABELS,
        anggrek.FLAG_STATUS_LABELS,
        anggrek.RESOLUTION_LABELS,
        cempaka.STATUS_LABELS,
        cempaka.FLAG_LABELS,
        pay_kinds,
        owl.PERMIT_STATUS_LABELS,
        owl.CANCEL_REASON_LABELS,
        owl.APPLICATION_KIND_LABELS,
        owl.APPLICATION_STATUS_LABELS,
        owl.FOLLOW_UP_LABELS,
        owl.CLOSE_REASON_LABELS,
        visitor_categories,
        jali.PERMIT_STATE_LABELS,
        jali.CHECKOUT_METHOD_LABELS,
        KIND_LABELS,  # the kinds of e-mail (the outbox's actions)
        JOB_LABELS,
        FILTER_LABELS,
    ]
    merged = {}
    for mapping in maps:
        for code, label in mapping.items():
            if isinstance(code, str):
                merged.setdefault(code, label)
    return merged


def _code_label(value):
    label = _value_maps().get(value)
    return str(label) if label is not None else None


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NIP = re.compile(r"^\d{18}$")


def value_text(value):
    """One detail value as words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key_label(k)}: {value_text(v)}" for k, v in value.items()) or "—"
    text = str(value)
    if _ISO_DAY.match(text):
        try:
            return format_date(dt.date.fromisoformat(text), "d MMM yyyy")
        except ValueError:
            return text
    if _NIP.match(text):
        return format_nip(text)
    label = _code_label(text)
    if label is not None:
        return label
    label = DETAIL_LABELS.get(text)  # a list of changed fields names fields
    return str(label) if label is not None else text


def key_label(key):
    label = DETAIL_LABELS.get(key)
    return str(label) if label is not None else key


def action_label(action):
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def object_label(object_type):
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else object_type


def detail_lines(detail):
    """[(label, value)] of an entry's stored detail (canonical JSON)."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return [("", detail)]
    if not isinstance(data, dict):
        return [("", value_text(data))]
    return [(key_label(k), value_text(v)) for k, v in data.items()]


def actor_text(label):
    """The stored actor ("Name (NIP)", or "system") as shown."""
    if label == "system":
        return _("System")
    m = re.match(r"^(.*) \((\d{18})\)$", label or "")
    if m:
        return f"{m.group(1)} ({format_nip(m.group(2))})"
    return label
