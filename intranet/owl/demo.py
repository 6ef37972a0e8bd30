"""Si Owl demo data: foreigners of many nationalities with ITK/ITAS/ITAP permits whose expiry
dates spread from months ago to years ahead, applications in every state (decided by several
permit officers, some over the service standard), a history of renewals for the compliance
charts, and some overstays. No e-mail is sent while loading: the daily jobs do that."""

import datetime as dt
import random

from ..extensions import transaction
from ..models import utcnow
from ..people.models import Unit, User, UserRole
from .dates import wib_today
from .models import Application, Disruption, Foreigner, Permit, normalize_passport
from .services import overstay

# nationality -> (weight, e-mail language, first names, last names, passport pattern)
# Pattern letters: "A" a capital letter, "9" a digit.
NATIONALITIES = {
    "CN": (
        16,
        "en",
        ["Wei", "Jing", "Hao", "Min", "Yan", "Lei", "Xiu", "Jun"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao"],
        "E99999999",
    ),
    "JP": (
        8,
        "en",
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Sakura"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"],
        "TK9999999",
    ),
    "KR": (
        8,
        "en",
        ["Minjun", "Seoyeon", "Jiho", "Hayoon", "Dohyun", "Jiwoo"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang"],
        "M99999999",
    ),
    "IN": (
        9,
        "en",
        ["Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Sneha", "Rohan"],
        ["Sharma", "Patel", "Reddy", "Iyer", "Gupta", "Nair"],
        "A9999999",
    ),
    "AU": (
        7,
        "en",
        ["Jack", "Olivia", "Liam", "Charlotte", "Noah", "Mia"],
        ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor"],
        "PA9999999",
    ),
    "US": (
        7,
        "en",
        ["James", "Emily", "Michael", "Sarah", "David", "Jessica"],
        ["Johnson", "Miller", "Davis", "Garcia", "Anderson", "Thomas"],
        "999999999",
    ),
    "GB": (
        5,
        "en",
        ["Oliver", "Amelia", "Harry", "Isla", "George", "Ava"],
        ["Evans", "Roberts", "Walker", "Wright", "Thompson", "White"],
        "999999999",
    ),
    "DE": (
        5,
        "en",
        ["Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"],
        "C9A9AA9AA",
    ),
    "NL": (
        4,
        "en",
        ["Daan", "Emma", "Sem", "Julia", "Bram", "Sanne"],
        ["de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser"],
        "NA9AA9AA9",
    ),
    "FR": (
        3,
        "en",
        ["Lucas", "Chloé", "Hugo", "Léa", "Louis", "Manon"],
        ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit"],
        "99AA99999",
    ),
    "MY": (
        8,
        "id",
        ["Ahmad", "Nur", "Muhammad", "Siti", "Hafiz", "Aisyah"],
        ["bin Ismail", "binti Hassan", "bin Abdullah", "binti Rahman"],
        "A99999999",
    ),
    "SG": (
        4,
        "en",
        ["Wei Ling", "Jun Jie", "Hui Min", "Zhi Hao", "Kai Wen"],
        ["Tan", "Lim", "Lee", "Ng", "Ong", "Goh"],
        "E9999999A",
    ),
    "PH": (
        5,
        "en",
        ["Jose", "Maria", "Juan", "Angelica", "Mark", "Kristine"],
        ["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"],
        "P9999999A",
    ),
    "RU": (
        3,
        "en",
        ["Ivan", "Anastasia", "Dmitry", "Ekaterina", "Sergei", "Olga"],
        ["Ivanov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Volkova"],
        "999999999",
    ),
    "TR": (
        2,
        "en",
        ["Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Ayşe"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın"],
        "U99999999",
    ),
    "SA": (
        2,
        "en",
        ["Abdullah", "Fatimah", "Faisal", "Noura", "Khalid", "Reem"],
        ["Al-Harbi", "Al-Qahtani", "Al-Ghamdi", "Al-Otaibi", "Al-Zahrani"],
        "A99999999",
    ),
    "TL": (
        2,
        "id",
        ["João", "Maria", "Antonio", "Joana", "Domingos"],
        ["da Silva", "Soares", "Pereira", "Ximenes", "Guterres"],
        "AA999999",
    ),
}

# permit type -> [(subtype, weight, validity in days)]
PERMIT_KINDS = {
    "ITK": [("tourist", 5, 30), ("business", 3, 30), ("social", 2, 60)],
    "ITAS": [
        ("work", 8, 365),
        ("investor", 3, 730),
        ("family", 3, 365),
        ("student", 2, 365),
        ("retirement", 2, 365),
        ("research", 1, 180),
        ("second_home", 1, 1825),
    ],
    "ITAP": [("spouse", 3, 1825), ("former_itas", 2, 1825), ("investor", 1, 1825)],
}
TYPE_WEIGHTS = {"ITK": 2, "ITAS": 7, "ITAP": 2}
SPONSORS = [
    "PT Sinar Nusantara Teknologi",
    "PT Mitra Energi Persada",
    "PT Bumi Kreasi Digital",
    "PT Samudra Logistik Indonesia",
    "Universitas Indonesia",
    "PT Graha Konstruksi Utama",
    "Kedutaan Besar (Embassy) — self",
    "PT Nusantara Hospitality",
    "PT Cahaya Farma",
]


def _pattern(rng, pattern):
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"))
        elif ch == "9":
            out.append(str(rng.randint(0, 9)))
        else:
            out.append(ch)
    return "".join(out)


def _permit_number(rng, ptype, issue, used):
    prefix = {"ITK": "1D", "ITAS": "2C", "ITAP": "2D"}[ptype]
    while True:
        number = f"{prefix}{issue:%y}{_pattern(rng, 'AA9999999')}"
        if number not in used:
            used.add(number)
            return number


def _officers(rng, accounts):
    """The demo permit officers: the role account and a few colleagues of its section."""
    officers = [accounts["izin_tinggal"]]
    unit = Unit.get_or_none(Unit.code == "INTALTUSKIM")
    if unit is not None:
        colleagues = list(
            User.select()
            .where((User.unit == unit) & (User.id != officers[0].id))
            .order_by(User.id)
            .limit(3)
        )
        for user in colleagues:
            UserRole.insert(user=user, role="izin_tinggal").on_conflict_ignore().execute()
        officers += colleagues
    return officers


def load(fake, accounts, count=600, seed=2026, today=None):
    rng = random.Random(seed)
    today = today or wib_today()
    used_numbers = set()
    nat_codes = list(NATIONALITIES)
    nat_weights = [NATIONALITIES[c][0] for c in nat_codes]
    with transaction():
        officers = _officers(rng, accounts)
        for i in range(count):
            code = rng.choices(nat_codes, nat_weights)[0]
            _w, language, firsts, lasts, pattern = NATIONALITIES[code]
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            passport = _pattern(rng, pattern)
            has_email = rng.random() < 0.93
            local = name.lower().replace(" ", ".").replace("'", "")
            local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
            sponsor = rng.choice(SPONSORS)
            foreigner = Foreigner.create(
                name=name,
                passport_number=passport,
                passport_key=normalize_passport(passport),
                passport_country=code,
                nationality=code,
                date_of_birth=dt.date(1955, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 48)),
                gender=rng.choice("MF"),
                email=f"{local}.{i + 1}@mail.example" if has_email else "",
                phone=_pattern(rng, "+62 8199 9999 9999"),
                language=language,
                address=fake.address().replace("\n", ", "),
                sponsor_name=sponsor,
                sponsor_email=("hrd@" + sponsor.split()[1].lower() + ".example")
                if sponsor.startswith("PT")
                else "",
            )
            _history(rng, foreigner, today, officers, used_numbers)
        Disruption.create(
            title_en="Online application system maintenance",
            title_id="Pemeliharaan sistem aplikasi daring",
            message_en="The online stay permit application system was unavailable for "
            "scheduled maintenance. Applications at the counter were not affected.",
            message_id="Sistem aplikasi izin tinggal daring tidak dapat diakses karena "
            "pemeliharaan terjadwal. Layanan di loket tetap berjalan.",
            starts_at=utcnow() - dt.timedelta(days=20, hours=5),
            expected_end_at=utcnow() - dt.timedelta(days=20, hours=1),
            resolved_at=utcnow() - dt.timedelta(days=20, hours=2),
            resolution_en="Maintenance finished; the system is available again.",
            resolution_id="Pemeliharaan selesai; sistem sudah dapat digunakan kembali.",
            created_by=accounts.get("admin"),
        )
    overstay.run_overstay_scan(today)


def _choose_kind(rng):
    ptype = rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0]
    entries = PERMIT_KINDS[ptype]
    subtype, _w, days = rng.choices(entries, [e[1] for e in entries])[0]
    return ptype, subtype, days


def _decide(rng, app, officers, received, standard_miss=0.2):
    officer = rng.choice(officers)
    slow = rng.random() < standard_miss
    days = rng.randint(4, 12) if slow else rng.randint(0, 3)
    decided = received + dt.timedelta(days=days)
    while decided.weekday() >= 5:
        decided += dt.timedelta(days=1)
    moment = dt.datetime.combine(decided, dt.time(3, rng.randint(0, 59)))
    app.officer = officer
    app.started_at = moment - dt.timedelta(hours=2)
    app.decided_at = moment
    app.decided_on = decided
    return decided


def _history(rng, foreigner, today, officers, used):
    """A foreigner's permits and applications up to today."""
    ptype, subtype, validity = _choose_kind(rng)
    registration = f"REG{rng.randint(10, 26)}{rng.randint(0, 99999999):08d}"
    # Where today falls in the life of the current permit: a spread of expiry dates.
    roll = rng.random()
    if roll < 0.05:
        expiry = today - dt.timedelta(days=rng.randint(1, 120))  # overstay candidates
    elif roll < 0.30:
        expiry = today + dt.timedelta(days=rng.randint(0, 75))  # warnings and extensions due
    else:
        expiry = today + dt.timedelta(days=rng.randint(76, max(77, validity)))
    issue = expiry - dt.timedelta(days=validity)
    # Earlier permit renewed into this one (feeds the compliance history).
    previous = None
    if rng.random() < 0.55 and issue > today - dt.timedelta(days=700):
        prev_issue = issue - dt.timedelta(days=validity)
        previous = Permit.create(
            foreigner=foreigner,
            permit_type=ptype,
            subtype=subtype,
            permit_number=_permit_number(rng, ptype, prev_issue, used),
            registration_number=registration,
            issue_date=prev_issue,
            expiry_date=issue,
            duration_days=validity,
            status="replaced",
        )
    current = Permit.create(
        foreigner=foreigner,
        permit_type=ptype,
        subtype=subtype,
        permit_number=_permit_number(rng, ptype, issue, used),
        registration_number=registration,
        issue_date=issue,
        expiry_date=expiry,
        duration_days=validity,
        status="active",
    )
    if previous is not None:
        late = rng.random() < 0.15
        received = (
            issue + dt.timedelta(days=rng.randint(1, 10))
            if late
            else (issue - dt.timedelta(days=rng.randint(5, 60)))
        )
        app = Application(
            number="",
            foreigner=foreigner,
            permit=previous,
            kind="extension",
            requested_type=ptype,
            received_on=received,
            received_at=dt.datetime.combine(received, dt.time(2, 30)),
            status="completed",
            resulting_permit=current,
        )
        _decide(rng, app, officers, received)
        _save_application(app)
    days_left = (expiry - today).days
    if days_left < 0:
        if rng.random() < 0.3:
            current.status = "cancelled"
            current.cancel_reason = "departed"
            current.save()
        return
    if days_left <= 75 and rng.random() < 0.45:
        received = today - dt.timedelta(days=rng.randint(0, 12))
        kind = "conversion" if ptype == "ITAS" and rng.random() < 0.15 else "extension"
        app = Application(
            number="",
            foreigner=foreigner,
            permit=current,
            kind=kind,
            requested_type="ITAP" if kind == "conversion" else ptype,
            received_on=received,
            received_at=dt.datetime.combine(received, dt.time(2, 0)),
        )
        state = rng.random()
        if state < 0.35:
            app.status = "received"
        elif state < 0.75:
            app.status = "in_process"
            app.officer = rng.choice(officers)
            app.started_at = utcnow() - dt.timedelta(days=rng.randint(0, 3))
        elif state < 0.9:
            decided = _decide(rng, app, officers, received)
            if decided <= today:
                new_expiry = expiry + dt.timedelta(days=validity)
                new = Permit.create(
                    foreigner=foreigner,
                    permit_type=app.requested_type,
                    subtype=subtype,
                    permit_number=_permit_number(rng, app.requested_type, decided, used),
                    registration_number=registration,
                    issue_date=decided,
                    expiry_date=new_expiry,
                    duration_days=(new_expiry - decided).days,
                )
                current.status = "replaced"
                current.save()
                app.status = "completed"
                app.resulting_permit = new
            else:
                app.status = "in_process"
                app.decided_at = app.decided_on = None
        else:
            decided = _decide(rng, app, officers, received)
            if decided <= today:
                app.status = "rejected"
                app.decision_note = "Sponsor letter missing / surat sponsor tidak dilampirkan."
            else:
                app.status = "in_process"
                app.decided_at = app.decided_on = None
        _save_application(app)
    elif rng.random() < 0.03:
        received = today - dt.timedelta(days=rng.randint(0, 5))
        app = Application(
            number="",
            foreigner=foreigner,
            permit=None,
            kind="new",
            requested_type="ITAS",
            received_on=received,
            received_at=dt.datetime.combine(received, dt.time(2, 0)),
        )
        _save_application(app)


def _save_application(app):
    app.number = f"TMP-{random.getrandbits(48):x}"
    app.save()
    app.number = f"IZT-{app.received_on.year}-{app.id:06d}"
    app.save()
