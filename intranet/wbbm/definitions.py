"""The figures of the head's dashboard and of the WBBM evidence report, one definition each.

Each figure has a key, the Zona Integritas area it is evidence for (PermenPANRB 90/2021, DESIGN
§3a), the service it comes from, a label, a definition sentence, its source, a unit, a default
target (an office setting, ``settings.targets()``; None: no target) and whether higher is
better. ``by_unit``: the figure can be split by unit (otherwise it is kept for the whole office).
``value(t)`` computes it from a period's totals (``figures.Totals``). The README section "What
the head sees" repeats these definitions.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..anggrek import ikm

AREAS = [
    ("pelayanan", _l("Public service quality")),
    ("pengawasan", _l("Supervision")),
    ("akuntabilitas", _l("Performance accountability and procedures")),
    ("sdm", _l("Human resources")),
]
AREA_LABELS = dict(AREAS)

SERVICES = [
    ("anggrek", _l("Counters — Si Anggrek"), "anggrek.show_metrics"),
    ("owl", _l("Stay permits — Si Owl"), "owl.compliance"),
    ("jali", _l("Visitors — Si Jali"), "jali.show_reports"),
    ("cempaka", _l("WFH deliverables — Si Cempaka"), "cempaka.recap"),
    ("emak", _l("Pay notices — Si Emak"), "emak.list_runs"),
]
SERVICE_LABELS = {key: label for key, label, _endpoint in SERVICES}

UNITS = {
    "count": _l("number"),
    "minutes": _l("minutes"),
    "percent": "%",
    "index": _l("index 25–100"),
    "days": _l("days"),
    "working_days": _l("working days"),
}


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _ratio(total, n, places=1):
    return round(total / n, places) if n else None


def _ikm_value(t, unit_key=None):
    sums = [t.get("anggrek", f"ikm_{k}") for k in ikm.ELEMENT_KEYS]
    n = int(t.get("anggrek", "ikm_n"))
    result = ikm.from_sums(n, [int(s) for s in sums])
    return float(result.value) if result.value is not None else None


@dataclass(frozen=True)
class Figure:
    key: str
    area: str
    service: str
    label: object
    definition: object
    source: object
    unit: str
    target: float | None
    higher_is_better: bool
    value: object  # Totals -> number or None
    by_unit: bool = True
    explain: str = ""  # endpoint of the page that explains it


SRC_TICKETS = _l("Si Anggrek: the counters' service events and tickets")
SRC_SURVEY = _l("Si Anggrek: the applicants' satisfaction survey answers")
SRC_FLAGS = _l("Si Anggrek: flag cases about counter officers")
SRC_PERMITS = _l("Si Owl: stay permits, expiry warnings and applications")
SRC_OVERSTAY = _l("Si Owl: overstay cases and Inteldakim follow-ups")
SRC_APPS = _l("Si Owl: decided applications and the office's closed days")
SRC_VISITS = _l("Si Jali: the front desk's visit log")
SRC_SUBMISSIONS = _l("Si Cempaka: WFH deliverables and their review")
SRC_NOTICES = _l("Si Emak: pay notices and their e-mails in the outbox")


FIGURES = [
    # ----- Public service quality ---------------------------------------------------------------
    Figure(
        "anggrek.served", "pelayanan", "anggrek", _l("Tickets served"),
        _l("Tickets finished with the outcome served in the period (referrals and no-shows not "
           "counted), by the day the interview finished."),
        SRC_TICKETS, "count", None, True, lambda t: t.get("anggrek", "served"),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.wait_median", "pelayanan", "anggrek", _l("Median wait"),
        _l("Median of the tickets' waits from issue to first call, in whole minutes (rounded "
           "down; nearest rank), over the tickets called in the period."),
        SRC_TICKETS, "minutes", 15, False, lambda t: t.percentile("anggrek", "wait", 50),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.wait_p90", "pelayanan", "anggrek", _l("Wait, 90th percentile"),
        _l("90th percentile of the waits from issue to first call, in whole minutes (rounded "
           "down; nearest rank): nine tickets in ten were called within it."),
        SRC_TICKETS, "minutes", 30, False, lambda t: t.percentile("anggrek", "wait", 90),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.service_median", "pelayanan", "anggrek", _l("Median service time"),
        _l("Median of the interviews from start to finish (served or referred), in whole "
           "minutes (rounded down; nearest rank), by the day they finished."),
        SRC_TICKETS, "minutes", 15, False, lambda t: t.percentile("anggrek", "service", 50),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.service_p90", "pelayanan", "anggrek", _l("Service time, 90th percentile"),
        _l("90th percentile of the interviews from start to finish, in whole minutes (rounded "
           "down; nearest rank)."),
        SRC_TICKETS, "minutes", 25, False, lambda t: t.percentile("anggrek", "service", 90),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.ikm", "pelayanan", "anggrek", _l("Satisfaction index (IKM)"),
        _l("PermenPANRB 14/2017: the mean of the nine element means of the answers given in the "
           "period, times 25 (25–100, two decimals); grade A from 88.31, B from 76.61, C from "
           "65.00, D below."),
        SRC_SURVEY, "index", 88.31, True, _ikm_value, explain="anggrek.show_satisfaction",
    ),
    Figure(
        "owl.warned_share", "pelayanan", "owl", _l("Permits warned before expiry"),
        _l("Of the permits (not cancelled) that expired in the period, the share that had been "
           "sent at least one early-warning e-mail by their expiry date."),
        SRC_PERMITS, "percent", 95, True,
        lambda t: _share(t.get("owl", "warned"), t.get("owl", "expiring")),
        by_unit=False, explain="owl.compliance",
    ),
    Figure(
        "owl.renewed_share", "pelayanan", "owl", _l("Permits renewed before expiry"),
        _l("Of the permits (not cancelled) that expired in the period, the share renewed in "
           "time: an extension or conversion applied for by the expiry date (not rejected), or "
           "a successor permit issued by then."),
        SRC_PERMITS, "percent", 80, True,
        lambda t: _share(t.get("owl", "renewed"), t.get("owl", "expiring")),
        by_unit=False, explain="owl.compliance",
    ),
    Figure(
        "owl.expiring", "pelayanan", "owl", _l("Permits expiring"),
        _l("Permits (not cancelled) whose expiry date fell in the period."),
        SRC_PERMITS, "count", None, True, lambda t: t.get("owl", "expiring"),
        by_unit=False, explain="owl.list_permits",
    ),
    Figure(
        "owl.within_standard", "pelayanan", "owl", _l("Applications decided within the standard"),
        _l("Of the applications decided (completed or rejected) in the period, the share decided "
           "within the service standard in working days (Si Owl's setting when rolled up), by "
           "the unit of the deciding officer."),
        SRC_APPS, "percent", 90, True,
        lambda t: _share(t.get("owl", "within_standard"), t.get("owl", "decided")),
        explain="owl.compliance",
    ),
    Figure(
        "owl.average_days", "pelayanan", "owl", _l("Average processing time"),
        _l("Mean working days from receipt to decision of the applications decided in the "
           "period (weekends and the office's closed days not counted)."),
        SRC_APPS, "working_days", 3, False,
        lambda t: _ratio(t.get("owl", "working_days"), t.get("owl", "decided"), 2),
        explain="owl.compliance",
    ),
    Figure(
        "jali.visits", "pelayanan", "jali", _l("Visitors"),
        _l("Visits registered at the front desk in the period, all colours."),
        SRC_VISITS, "count", None, True, lambda t: t.get("jali", "visits"),
        by_unit=False, explain="jali.show_reports",
    ),
    Figure(
        "jali.visits_wni", "pelayanan", "jali", _l("Visitors: blue (WNI applicants)"),
        _l("Visits with a blue sticker: Indonesian citizens applying for a service."),
        SRC_VISITS, "count", None, True, lambda t: t.get("jali", "visits_wni"),
        by_unit=False, explain="jali.show_reports",
    ),
    Figure(
        "jali.visits_wna", "pelayanan", "jali", _l("Visitors: red (WNA applicants)"),
        _l("Visits with a red sticker: foreigners applying for a service."),
        SRC_VISITS, "count", None, True, lambda t: t.get("jali", "visits_wna"),
        by_unit=False, explain="jali.show_reports",
    ),
    Figure(
        "jali.visits_official", "pelayanan", "jali", _l("Visitors: green (official guests)"),
        _l("Visits with a green sticker: official guests of a unit."),
        SRC_VISITS, "count", None, True, lambda t: t.get("jali", "visits_official"),
        by_unit=False, explain="jali.show_reports",
    ),
    Figure(
        "jali.not_checked_out", "pelayanan", "jali", _l("Visitors not seen leaving"),
        _l("Share of the period's visits that nobody checked out: the closing sweep closed "
           "them, or they are still marked inside."),
        SRC_VISITS, "percent", 5, False,
        lambda t: _share(t.get("jali", "not_checked_out"), t.get("jali", "visits")),
        by_unit=False, explain="jali.show_reports",
    ),
    # ----- Supervision --------------------------------------------------------------------------
    Figure(
        "anggrek.idle_per_day", "pengawasan", "anggrek", _l("Idle while tickets waited"),
        _l("Minutes a counter was open and idle while at least one ticket waited to be called, "
           "per officer and day open (Si Anggrek's officer metrics)."),
        SRC_TICKETS, "minutes", 10, False,
        lambda t: _ratio(t.get("anggrek", "idle_seconds") / 60, t.get("anggrek", "officer_days")),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "anggrek.idle_total", "pengawasan", "anggrek", _l("Idle minutes in total"),
        _l("All minutes counters were open and idle while tickets waited, in the period."),
        SRC_TICKETS, "minutes", None, False,
        lambda t: round(t.get("anggrek", "idle_seconds") / 60, 1),
        explain="anggrek.show_metrics",
    ),
    Figure(
        "flags.opened", "pengawasan", "anggrek", _l("Flag cases opened"),
        _l("Flag cases about counter officers opened in the period, by the flagged officer's "
           "unit."),
        SRC_FLAGS, "count", None, False, lambda t: t.get("anggrek", "flags_opened"),
        explain="anggrek.list_flags",
    ),
    Figure(
        "flags.decided", "pengawasan", "anggrek", _l("Flag cases decided"),
        _l("Flag cases resolved (substantiated or not) in the period."),
        SRC_FLAGS, "count", None, True, lambda t: t.get("anggrek", "flags_decided"),
        explain="anggrek.list_flags",
    ),
    Figure(
        "flags.open_at_end", "pengawasan", "anggrek", _l("Flag cases still open"),
        _l("Flag cases opened before the end of the period and not resolved by then (for the "
           "current period: at the last roll-up)."),
        SRC_FLAGS, "count", None, False, lambda t: t.snapshot("flags_open"),
        explain="anggrek.list_flags",
    ),
    Figure(
        "flags.open_age", "pengawasan", "anggrek", _l("Age of open flag cases"),
        _l("Mean age in days of the flag cases still open at the end of the period."),
        SRC_FLAGS, "days", 14, False, lambda t: t.snapshot("flags_open_age"),
        explain="anggrek.list_flags",
    ),
    Figure(
        "owl.overstay_opened", "pengawasan", "owl", _l("Overstay cases opened"),
        _l("Overstay cases the daily scan opened in the period."),
        SRC_OVERSTAY, "count", None, False, lambda t: t.get("owl", "overstay_opened"),
        by_unit=False, explain="owl.list_overstays",
    ),
    Figure(
        "owl.overstay_escalated", "pengawasan", "owl", _l("Overstay cases escalated"),
        _l("Overstay cases that reached the escalation threshold in the period."),
        SRC_OVERSTAY, "count", None, False, lambda t: t.get("owl", "overstay_escalated"),
        by_unit=False, explain="owl.list_overstays",
    ),
    Figure(
        "owl.overstay_open", "pengawasan", "owl", _l("Overstay cases open"),
        _l("Overstay cases opened by the end of the period and not closed by then."),
        SRC_OVERSTAY, "count", None, False, lambda t: t.snapshot("overstay_open"),
        by_unit=False, explain="owl.list_overstays",
    ),
    Figure(
        "owl.overstay_followed", "pengawasan", "owl", _l("Open overstay cases followed up"),
        _l("Of the overstay cases open at the end of the period, the share with at least one "
           "Inteldakim follow-up recorded by then."),
        SRC_OVERSTAY, "percent", 90, True, lambda t: t.snapshot("overstay_followed"),
        by_unit=False, explain="owl.list_overstays",
    ),
    # ----- Accountability and procedures --------------------------------------------------------
    Figure(
        "cempaka.submitted", "akuntabilitas", "cempaka", _l("WFH deliverables submitted"),
        _l("Deliverables whose work date falls in the period (withdrawn ones not counted), by "
           "the employee's unit."),
        SRC_SUBMISSIONS, "count", None, True, lambda t: t.get("cempaka", "submitted"),
        explain="cempaka.recap",
    ),
    Figure(
        "cempaka.approved", "akuntabilitas", "cempaka", _l("WFH deliverables approved"),
        _l("Of those, the deliverables approved by their supervisor (as of the last roll-up of "
           "their work date)."),
        SRC_SUBMISSIONS, "count", None, True, lambda t: t.get("cempaka", "approved"),
        explain="cempaka.recap",
    ),
    Figure(
        "cempaka.approved_share", "akuntabilitas", "cempaka", _l("Share approved"),
        _l("Approved deliverables as a share of those submitted for the period."),
        SRC_SUBMISSIONS, "percent", 90, True,
        lambda t: _share(t.get("cempaka", "approved"), t.get("cempaka", "submitted")),
        explain="cempaka.recap",
    ),
    Figure(
        "cempaka.flagged", "akuntabilitas", "cempaka", _l("WFH deliverables flagged"),
        _l("Deliverables of the period with at least one plausibility flag (no location, low "
           "accuracy, far from home, outside hours, reused coordinates or file)."),
        SRC_SUBMISSIONS, "count", None, False, lambda t: t.get("cempaka", "flagged"),
        explain="cempaka.review_queue",
    ),
    Figure(
        "cempaka.flagged_share", "akuntabilitas", "cempaka", _l("Share flagged"),
        _l("Flagged deliverables as a share of those submitted for the period."),
        SRC_SUBMISSIONS, "percent", 10, False,
        lambda t: _share(t.get("cempaka", "flagged"), t.get("cempaka", "submitted")),
        explain="cempaka.review_queue",
    ),
    # ----- Human resources ----------------------------------------------------------------------
    Figure(
        "emak.delivered", "sdm", "emak", _l("Pay notices delivered"),
        _l("Pay notices of the runs sent in the period that the mail server accepted, by the "
           "employee's unit."),
        SRC_NOTICES, "count", None, True, lambda t: t.get("emak", "delivered"),
        explain="emak.list_runs",
    ),
    Figure(
        "emak.on_time_share", "sdm", "emak", _l("Pay notices delivered on time"),
        _l("Share of the period's pay notices delivered within three days of the send click."),
        SRC_NOTICES, "percent", 99, True,
        lambda t: _share(t.get("emak", "on_time"), t.get("emak", "notices")),
        explain="emak.list_runs",
    ),
    Figure(
        "emak.failed", "sdm", "emak", _l("Pay notices failed"),
        _l("Pay notices of the period's runs whose e-mail failed and is being retried, or was "
           "given up."),
        SRC_NOTICES, "count", 0, False, lambda t: t.get("emak", "failed"),
        explain="emak.list_runs",
    ),
]  # fmt: skip

BY_KEY = {f.key: f for f in FIGURES}
