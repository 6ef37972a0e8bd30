"""Si Owl's settings (admins change them at run time; every rate and threshold is a setting).

Lead times are stored per permit type with the date each one took effect:

    {"ITAS": [[60, null], [30, null], [45, "2026-11-27"]], ...}

``null`` marks the defaults, which have always applied. A lead time added later carries the day it
was added, and the scan never sends it for a permit that had already passed it on that day (no
back-filling). Removing a lead time and adding it again starts it afresh.
"""

import datetime as dt
import json
from dataclasses import dataclass

from ..core.models import Setting, get_setting, set_setting
from .models import PERMIT_TYPES

DEFAULT_LEAD_DAYS = (60, 30, 14, 7, 1)
DEFAULT_OVERSTAY_RATE = 1_000_000  # rupiah per person per day, PP 28/2019
DEFAULT_ESCALATION_DAYS = 60  # from this day: deportation and entry ban, Inteldakim escalation
DEFAULT_SERVICE_STANDARD_DAYS = 3  # working days from receipt to decision
MAX_LEAD_DAYS = 366

KEY_LEAD = "owl.lead_times"
KEY_RATE = "owl.overstay_rate"
KEY_ESCALATION = "owl.overstay_escalation_days"
KEY_STANDARD = "owl.service_standard_days"
KEY_HOLIDAYS = "owl.public_holidays"
KEY_OFFICE = "owl.office_contact"


def lead_rules(stored=None):
    """{permit_type: [(days, effective_from or None), ...]} sorted by days, longest first."""
    stored = (get_setting(KEY_LEAD) if stored is None else stored) or {}
    rules = {}
    for ptype in PERMIT_TYPES:
        entries = stored.get(ptype)
        if entries is None:
            rules[ptype] = [(d, None) for d in DEFAULT_LEAD_DAYS]
            continue
        parsed = []
        for days, since in entries:
            parsed.append((int(days), dt.date.fromisoformat(since) if since else None))
        rules[ptype] = sorted(parsed, key=lambda r: -r[0])
    return rules


def lead_days(ptype):
    return [d for d, _since in lead_rules()[ptype]]


def set_lead_days(ptype, days, today):
    """Replace one type's lead times. Lead times kept keep their start; new ones start today."""
    if ptype not in PERMIT_TYPES:
        raise ValueError(f"unknown permit type {ptype}")
    rules = lead_rules()
    current = dict(rules[ptype])
    wanted = sorted({int(d) for d in days}, reverse=True)
    for d in wanted:
        if not 0 < d <= MAX_LEAD_DAYS:
            raise ValueError(f"lead time out of range: {d}")
    rules[ptype] = [(d, current[d] if d in current else today) for d in wanted]
    set_setting(
        KEY_LEAD,
        {
            t: [[d, since.isoformat() if since else None] for d, since in entries]
            for t, entries in rules.items()
        },
    )
    return rules[ptype]


def overstay_rate():
    return int(get_setting(KEY_RATE, DEFAULT_OVERSTAY_RATE))


def escalation_days():
    return int(get_setting(KEY_ESCALATION, DEFAULT_ESCALATION_DAYS))


def service_standard_days():
    return int(get_setting(KEY_STANDARD, DEFAULT_SERVICE_STANDARD_DAYS))


def save_numbers(*, rate, escalation, standard):
    set_setting(KEY_RATE, int(rate))
    set_setting(KEY_ESCALATION, int(escalation))
    set_setting(KEY_STANDARD, int(standard))


def holiday_entries(stored=None):
    """[(date, note)] of the office's closed days besides weekends (national holidays and cuti
    bersama, decreed each year), sorted by date. ``stored`` is the setting's value when the
    caller has it already."""
    stored = get_setting(KEY_HOLIDAYS) if stored is None else stored
    entries = {}
    for item in stored or []:
        try:
            day, note = item
            entries[dt.date.fromisoformat(day)] = str(note or "")
        except (TypeError, ValueError):
            continue  # a hand-edited value the form would have refused: left out
    return sorted(entries.items())


def public_holidays(stored=None):
    """The office's closed days besides weekends, as a frozenset of dates."""
    return frozenset(day for day, _note in holiday_entries(stored))


def set_holidays(entries):
    """Replace the closed days with [(date, note)] (one entry per date, the last note wins)."""
    by_day = {day: (note or "").strip()[:100] for day, note in entries}
    set_setting(KEY_HOLIDAYS, [[day.isoformat(), by_day[day]] for day in sorted(by_day)])


@dataclass(frozen=True)
class OfficeContact:
    """Where and when foreigners reach the office (named on the public status page). Days are
    weekday numbers, 0 = Monday; times are "HH:MM" (WIB)."""

    address: str = "Jl. Merpati Blok B-12 No. 3, Kemayoran, Jakarta Pusat"
    phone: str = "(021) 6541209"
    first_day: int = 0
    last_day: int = 4
    opens: str = "08:00"
    closes: str = "16:00"


def office_contact():
    stored = get_setting(KEY_OFFICE) or {}
    default = OfficeContact()
    values = {}
    for name in ("address", "phone", "opens", "closes"):
        value = stored.get(name)
        values[name] = value if isinstance(value, str) and value else getattr(default, name)
    for name in ("first_day", "last_day"):
        value = stored.get(name)
        valid = isinstance(value, int) and 0 <= value <= 6
        values[name] = value if valid else getattr(default, name)
    return OfficeContact(**values)


def set_office_contact(contact):
    set_setting(
        KEY_OFFICE,
        {
            "address": contact.address.strip()[:200],
            "phone": contact.phone.strip()[:40],
            "first_day": int(contact.first_day),
            "last_day": int(contact.last_day),
            "opens": contact.opens,
            "closes": contact.closes,
        },
    )


@dataclass(frozen=True)
class Snapshot:
    lead_rules: dict
    overstay_rate: int
    escalation_days: int
    service_standard_days: int
    public_holidays: frozenset = frozenset()


def snapshot():
    """Every Si Owl setting with one query (the daily jobs read them all)."""
    keys = (KEY_LEAD, KEY_RATE, KEY_ESCALATION, KEY_STANDARD, KEY_HOLIDAYS)
    stored = {
        row.key: json.loads(row.value)
        for row in Setting.select(Setting.key, Setting.value).where(Setting.key.in_(keys))
    }
    return Snapshot(
        lead_rules=lead_rules(stored.get(KEY_LEAD, {})),
        overstay_rate=int(stored.get(KEY_RATE, DEFAULT_OVERSTAY_RATE)),
        escalation_days=int(stored.get(KEY_ESCALATION, DEFAULT_ESCALATION_DAYS)),
        service_standard_days=int(stored.get(KEY_STANDARD, DEFAULT_SERVICE_STANDARD_DAYS)),
        public_holidays=public_holidays(stored.get(KEY_HOLIDAYS, [])),
    )
