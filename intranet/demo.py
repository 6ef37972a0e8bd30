"""Demo data: the office's units, about 150 staff with supervisors, one account per role.

Loaded once by ./run (``flask --app intranet demo load``); the role accounts' NIPs and passwords
are written to ``instance/demo_accounts.txt`` (mode 0600) and printed by ./run. Feature modules
add their own demo data with a module declared as ``Feature(demo=...)``, whose
``load(fake, accounts)`` receives a ``Faker`` (id_ID) and the dict of role accounts.
"""

import datetime as dt
import os
import random
import secrets

from faker import Faker

from .audit.services import record
from .auth.passwords import hash_password
from .extensions import transaction
from .features import modules
from .people.models import Unit, User, UserRole

UNITS = [
    ("KA", "Kepala Kantor"),
    ("TU", "Subbagian Tata Usaha"),
    ("LANTASKIM", "Seksi Lalu Lintas Keimigrasian"),
    ("INTALTUSKIM", "Seksi Izin Tinggal dan Status Keimigrasian"),
    ("INTELDAKIM", "Seksi Intelijen dan Penindakan Keimigrasian"),
    ("TIKKIM", "Seksi Teknologi Informasi dan Komunikasi Keimigrasian"),
]

# One demo account per role: (role set, unit code, position)
ROLE_ACCOUNTS = [
    ("admin", ["admin", "pegawai"], "TIKKIM", "Pranata Komputer Ahli Muda"),
    ("kepala", ["kepala", "pegawai"], "KA", "Kepala Kantor Imigrasi"),
    ("atasan", ["atasan", "pegawai"], "LANTASKIM", "Kepala Seksi Lalu Lintas Keimigrasian"),
    ("pegawai", ["pegawai"], "LANTASKIM", "Analis Keimigrasian"),
    ("loket", ["loket", "pegawai"], "LANTASKIM", "Petugas Loket Paspor"),
    ("keuangan", ["keuangan", "pegawai"], "TU", "Bendahara Pengeluaran"),
    ("resepsionis", ["resepsionis", "pegawai"], "TU", "Petugas Informasi"),
    ("izin_tinggal", ["izin_tinggal", "pegawai"], "INTALTUSKIM", "Analis Izin Tinggal"),
    ("inteldakim", ["inteldakim", "pegawai"], "INTELDAKIM", "Petugas Intelijen Keimigrasian"),
]

# Modules with a ``load(fake, accounts)`` function, run after the people are in place.
# Each feature's demo data (``load(fake, accounts)``), as declared (intranet/features.py).
DEMO_MODULES = modules("demo")

# Office location (Jl. Merpati Blok B-12 No. 3, Kemayoran): WFH homes are scattered around Jakarta.
OFFICE_LAT, OFFICE_LON = -6.1612, 106.8452


def make_nip(rng, used):
    while True:
        birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 35))
        year = min(birth.year + rng.randint(20, 30), 2025)
        nip = (
            f"{birth:%Y%m%d}{year:04d}{rng.randint(1, 12):02d}"
            f"{rng.choice('12')}{rng.randint(1, 999):03d}"
        )
        if nip not in used:
            used.add(nip)
            return nip


def load_demo(staff=150, accounts_file=None, seed=2026):
    if User.select().exists():
        return False
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    used = set()
    accounts = {}
    lines = []
    # One hash for the bulk staff keeps loading fast; they sign in via password reset.
    staff_hash = hash_password(secrets.token_urlsafe(24))
    with transaction():
        units = {code: Unit.create(code=code, name=name) for code, name in UNITS}
        for key, roles, unit_code, position in ROLE_ACCOUNTS:
            password = f"{key.replace('_', '-')}-{secrets.token_hex(4)}"
            name = fake.name()
            user = User.create(
                nip=make_nip(rng, used),
                name=name,
                email=f"{key}@kanim-jakpus.example",
                unit=units[unit_code],
                position=position,
                password_hash=hash_password(password),
                wfh_address=fake.address().replace("\n", ", "),
                wfh_lat=OFFICE_LAT + rng.uniform(-0.08, 0.08),
                wfh_lon=OFFICE_LON + rng.uniform(-0.08, 0.08),
            )
            UserRole.insert_many([{"user": user.id, "role": r} for r in roles]).execute()
            accounts[key] = user
            lines.append(f"{key:<13} NIP {user.nip}  e-mail {user.email:<32} password {password}")
        head = accounts["kepala"]
        for key, user in accounts.items():
            if key != "kepala":
                user.supervisor = accounts["atasan"] if key in ("pegawai", "loket") else head
                user.save()
        # Section heads supervise their section; everyone reports to a section head.
        section_heads = {"LANTASKIM": accounts["atasan"]}
        for code, unit in units.items():
            if code in ("KA", "LANTASKIM"):
                continue
            sh = User.create(
                nip=make_nip(rng, used),
                name=fake.name(),
                email=f"kasi.{code.lower()}@kanim-jakpus.example",
                unit=unit,
                supervisor=head,
                position=f"Kepala {unit.name}",
                password_hash=staff_hash,
            )
            UserRole.insert_many(
                [{"user": sh.id, "role": r} for r in ("pegawai", "atasan")]
            ).execute()
            section_heads[code] = sh
        codes = [c for c in units if c != "KA"]
        for i in range(max(0, staff - len(accounts) - len(section_heads) + 1)):
            code = codes[i % len(codes)]
            first = fake.first_name()
            user = User.create(
                nip=make_nip(rng, used),
                name=f"{first} {fake.last_name()}",
                email=f"{first.lower()}.{i + 1}@kanim-jakpus.example",
                unit=units[code],
                supervisor=section_heads[code],
                position="Pelaksana",
                password_hash=staff_hash,
                wfh_address=fake.address().replace("\n", ", "),
                wfh_lat=OFFICE_LAT + rng.uniform(-0.1, 0.1),
                wfh_lon=OFFICE_LON + rng.uniform(-0.1, 0.1),
            )
            roles = ["pegawai"] + (["loket"] if code == "LANTASKIM" and i % 3 == 0 else [])
            UserRole.insert_many([{"user": user.id, "role": r} for r in roles]).execute()
        record("demo.loaded", object_type="System", detail={"staff": User.select().count()})
    import importlib

    for module in DEMO_MODULES:
        importlib.import_module(module).load(fake, accounts)
    if accounts_file:
        os.makedirs(os.path.dirname(accounts_file), exist_ok=True)
        fd = os.open(accounts_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("Demo accounts (sign in with NIP or e-mail):\n")
            fh.write("\n".join(lines) + "\n")
    return True
