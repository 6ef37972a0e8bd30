"""Demo data for Si Jali: four weeks of visitors at the front desk and a few inside right now."""

import datetime as dt
import random

from faker import Faker

from ..audit.services import record
from ..extensions import transaction
from ..models import utcnow
from ..people.directory import users_with_role
from ..people.models import Unit
from . import permits
from .identity import normalize_passport
from .models import OFFICIAL, OUT_DESK, OUT_QR, OUT_SWEEP, WNA, WNI, Visit, VisitCounter, Visitor
from .services import check_permit, wib_to_utc, wib_today
from .settings import DEFAULT_PURPOSES

NATIONALITIES = [
    ("CN", "zh_CN"),
    ("JP", "ja_JP"),
    ("KR", "ko_KR"),
    ("AU", "en_AU"),
    ("US", "en_US"),
    ("IN", "en_IN"),
    ("MY", "en_US"),
    ("SG", "en_US"),
    ("NL", "nl_NL"),
    ("DE", "de_DE"),
    ("GB", "en_GB"),
    ("FR", "fr_FR"),
    ("PH", "en_PH"),
    ("TH", "th_TH"),
]
INSTITUTIONS = [
    "Kantor Wilayah Kementerian Imigrasi dan Pemasyarakatan DKI Jakarta",
    "Direktorat Jenderal Imigrasi",
    "Polda Metro Jaya",
    "Pemerintah Provinsi DKI Jakarta",
    "Kedutaan Besar Australia",
    "Kedutaan Besar Jepang",
    "Inspektorat Jenderal Kementerian Imigrasi dan Pemasyarakatan",
    "Ombudsman Republik Indonesia Perwakilan Jakarta Raya",
    "Badan Pusat Statistik",
]


def make_nik(rng, birth, female):
    day = birth.day + (40 if female else 0)
    return (
        f"31{rng.randint(71, 75):02d}{rng.randint(1, 10):02d}"
        f"{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"
    )


def make_passport(rng):
    return f"{rng.choice('ABCEKLMNPXE')}{rng.randint(1000000, 99999999)}"


def load(fake, accounts, days=28, seed=2026):
    rng = random.Random(seed)
    foreign = {code: Faker(loc) for code, loc in NATIONALITIES}
    for f in foreign.values():
        f.seed_instance(seed)
    heads = list(users_with_role("atasan", "kepala", active=None))
    units = list(Unit.select())
    desk = accounts.get("resepsionis")
    now = utcnow()
    today = wib_today(now)
    # A pool of returning visitors: about a third of the visits are repeat visits.
    pool = {WNI: [], WNA: [], OFFICIAL: []}
    registered = _owl_registry()  # foreigners of Si Owl's registry also come to the desk
    rng.shuffle(registered)
    rows, counters = [], []
    with transaction():
        for back in range(days, -1, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() >= 5:
                continue
            count = rng.randint(25, 60) if back else rng.randint(10, 16)
            moments = sorted(rng.randint(0, 7 * 60 + 30) for _ in range(count))
            last = 0
            for number, minute in enumerate(moments, 1):
                category = rng.choices((WNI, WNA, OFFICIAL), weights=(60, 28, 12))[0]
                checked_in = wib_to_utc(day, 8, 0) + dt.timedelta(minutes=minute)
                if checked_in > now:
                    break
                visitor = _visitor(rng, fake, foreign, category, pool, checked_in, registered)
                stay = dt.timedelta(minutes=rng.randint(10, 150))
                out_at, method = checked_in + stay, rng.choice((OUT_DESK, OUT_DESK, OUT_QR))
                if back and rng.random() < 0.05:
                    out_at, method = wib_to_utc(day, 17, 0), OUT_SWEEP
                if out_at > now:
                    out_at, method = None, ""
                host = rng.choice(heads) if category == OFFICIAL and heads else None
                rows.append(
                    {
                        "visit_date": day,
                        "number": number,
                        "category": category,
                        "visitor": visitor.id,
                        "name": visitor.name,
                        "institution": visitor.institution,
                        "phone": visitor.phone,
                        "purpose": rng.choice(DEFAULT_PURPOSES[category]),
                        "host": host.id if host else None,
                        "host_unit": host.unit_id if host else None,
                        "registered_by": desk.id if desk else None,
                        "checked_in_at": checked_in,
                        "checked_out_at": out_at,
                        "checkout_method": method,
                        "checked_out_by": desk.id
                        if desk and method in (OUT_DESK, OUT_QR)
                        else None,
                        **_permit_snapshot(visitor, day),
                    }
                )
                last = number
            if last:
                counters.append({"day": day, "last": last})
        for i in range(0, len(rows), 200):
            Visit.insert_many(rows[i : i + 200]).execute()
        if counters:
            VisitCounter.insert_many(counters).execute()
        record(
            "jali.demo_loaded",
            object_type="Visit",
            object_id="",
            detail={"visits": len(rows), "units": len(units)},
        )
    return len(rows)


def _owl_registry():
    """[(name, passport, nationality)] of Si Owl's foreigners, when Si Owl is installed."""
    if not permits.owl_installed():
        return []
    from ..owl.models import Foreigner

    return [
        (f.name, f.passport_number, f.nationality)
        for f in Foreigner.select(Foreigner.name, Foreigner.passport_number, Foreigner.nationality)
        .order_by(Foreigner.id)
        .limit(300)
    ]


def _permit_snapshot(visitor, day):
    """What Si Owl said about a WNA visitor's permit on the day of the visit."""
    check = check_permit(visitor.id_number, today=day) if visitor.id_type == "passport" else None
    status = check.status if check else None
    return {
        "permit_state": check.state if check else "",
        "foreigner_id": getattr(status, "foreigner_id", None),
        "permit_type": (getattr(status, "permit_type", None) or "")[:20],
        "permit_number": (getattr(status, "permit_number", None) or "")[:50],
        "permit_expiry": getattr(status, "expiry_date", None),
        "days_overstayed": getattr(status, "days_overstayed", 0) or 0,
        "extension_in_process": bool(getattr(status, "extension_in_process", False)),
    }


def _visitor(rng, fake, foreign, category, pool, when, registered=()):
    if pool[category] and rng.random() < 0.3:
        visitor = rng.choice(pool[category])
        Visitor.update(visit_count=Visitor.visit_count + 1, last_seen_at=when).where(
            Visitor.id == visitor.id
        ).execute()
        return visitor
    phone = f"08{rng.randint(11, 99)}{rng.randint(10000000, 99999999)}"
    if category == WNI:
        female = rng.random() < 0.5
        name = fake.name_female() if female else fake.name_male()
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
        visitor = Visitor.create(
            id_type="nik",
            id_number=make_nik(rng, birth, female),
            nationality="ID",
            name=name,
            phone=phone,
            visit_count=1,
            first_seen_at=when,
            last_seen_at=when,
        )
    elif category == WNA and registered and rng.random() < 0.5:
        name, passport, code = registered.pop()
        visitor = Visitor.create(
            id_type="passport",
            id_number=normalize_passport(passport),
            nationality=code,
            name=name,
            phone=phone,
            visit_count=1,
            first_seen_at=when,
            last_seen_at=when,
        )
    elif category == WNA:
        code = rng.choice(list(foreign))
        visitor = Visitor.create(
            id_type="passport",
            id_number=make_passport(rng),
            nationality=code,
            name=foreign[code].name(),
            phone=phone,
            visit_count=1,
            first_seen_at=when,
            last_seen_at=when,
        )
    else:
        visitor = Visitor.create(
            id_type="other",
            id_number=None,
            nationality="",
            name=fake.name(),
            institution=rng.choice(INSTITUTIONS),
            phone=phone,
            visit_count=1,
            first_seen_at=when,
            last_seen_at=when,
        )
    pool[category].append(visitor)
    return visitor
