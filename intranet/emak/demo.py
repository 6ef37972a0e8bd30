"""Demo pay runs for the demo staff, with the components of DESIGN §9:

- November 2026 salary (gaji), finalised and sent: every demo employee has a notice in "My pay
  slips" and an e-mail in the mail catcher once the worker runs;
- October 2026 performance allowance (tunjangan kinerja), final and ready to send;
- December 2026 salary, a draft for finance to check and finalise.

Salaries follow PP 15/2019 (gaji pokok by golongan and years of service), family allowance
(spouse 10 %, children 2 % each, at most two), general or position allowance, rice allowance per
family member; deductions IWP 10 % and BPJS Kesehatan 1 %. Performance allowance by job class.
"""

import datetime as dt
import random

from ..people.directory import users_with_role
from ..people.models import User
from .models import PayLine
from .runs import create_run, finalise_run
from .sending import send_run

# golongan: (lowest, highest) gaji pokok, PP 15/2019
GOLONGAN = {
    "IIa": (2_184_000, 3_643_400),
    "IIb": (2_385_000, 3_797_500),
    "IIc": (2_485_900, 3_958_200),
    "IId": (2_591_100, 4_125_600),
    "IIIa": (2_785_700, 4_575_200),
    "IIIb": (2_903_600, 4_768_800),
    "IIIc": (3_026_400, 4_970_500),
    "IIId": (3_154_400, 5_180_700),
    "IVa": (3_287_800, 5_399_900),
    "IVb": (3_426_900, 5_628_300),
    "IVc": (3_571_900, 5_866_400),
}
# job class -> tunjangan kinerja (Perpres 130/2018 table for the ministry)
TUKIN = {
    6: 3_510_400,
    7: 3_915_950,
    8: 4_595_150,
    9: 5_079_200,
    10: 5_979_200,
    11: 8_757_600,
    12: 9_896_000,
    13: 10_936_000,
    14: 17_064_000,
    15: 19_280_000,
    16: 27_577_500,
    17: 33_240_000,
}
RICE_PER_PERSON = 72_420  # 10 kg at Rp7.242
GENERAL_ALLOWANCE = {"II": 180_000, "III": 185_000, "IV": 190_000}


def _profile(user, heads):
    """A stable, plausible pay profile per employee (seeded by the NIP)."""
    rng = random.Random(user.nip)
    appointed = int(user.nip[8:12])
    years = max(0, min(32, 2026 - appointed))
    if user.id in heads["kepala"]:
        golongan, job_class, position_allowance = "IVb", 14, 1_260_000
    elif user.id in heads["atasan"]:
        golongan, job_class, position_allowance = rng.choice(["IIId", "IVa"]), 12, 540_000
    else:
        golongan = rng.choice(["IIb", "IIc", "IId", "IIIa", "IIIa", "IIIb", "IIIc"])
        if golongan in ("IIb", "IIc", "IId"):
            job_class = rng.choice([6, 7, 7, 8])
        else:
            job_class = rng.choice([8, 9, 9, 10, 11])
        position_allowance = 0
    low, high = GOLONGAN[golongan]
    base = low + (high - low) * years // 32
    base -= base % 100
    married = rng.random() < 0.75
    children = rng.choice([0, 1, 2, 2, 3]) if married else 0
    return dict(
        golongan=golongan,
        job_class=job_class,
        base=base,
        married=married,
        children=min(children, 2),
        position_allowance=position_allowance,
    )


def salary_lines(p):
    family = (p["base"] * 10 // 100 if p["married"] else 0) + p["base"] * 2 * p["children"] // 100
    lines = {"gaji_pokok": p["base"]}
    if family:
        lines["tunjangan_keluarga"] = family
    if p["position_allowance"]:
        lines["tunjangan_jabatan"] = p["position_allowance"]
    else:
        rank = (
            "IV"
            if p["golongan"].startswith("IV")
            else ("III" if p["golongan"].startswith("III") else "II")
        )
        lines["tunjangan_umum"] = GENERAL_ALLOWANCE[rank]
    lines["tunjangan_beras"] = RICE_PER_PERSON * (1 + int(p["married"]) + p["children"])
    lines["iwp"] = (p["base"] + family) * 10 // 100
    lines["bpjs_kesehatan"] = (p["base"] + family) // 100
    return lines


def performance_lines(p, rng):
    lines = {"tunjangan_kinerja": TUKIN[p["job_class"]]}
    if rng.random() < 0.12:  # late arrivals or absence cut the allowance
        lines["potongan_lain"] = TUKIN[p["job_class"]] * rng.choice([1, 2, 3]) // 100
    return lines


def _fill(run, per_employee):
    rows = [
        {"run": run.id, "employee": uid, "component": code, "amount": amount}
        for uid, lines in per_employee.items()
        for code, amount in lines.items()
    ]
    for start in range(0, len(rows), 500):
        PayLine.insert_many(rows[start : start + 500]).execute()


def load(fake, accounts):
    finance = accounts["keuangan"]
    staff = list(User.select().where(User.is_active == True).order_by(User.id))  # noqa: E712
    heads = {
        "kepala": {accounts["kepala"].id},
        "atasan": {u.id for u in users_with_role("atasan", active=None).select(User.id)},
    }
    profiles = {u.id: _profile(u, heads) for u in staff}
    rng = random.Random(2026)

    november = create_run(
        period=dt.date(2026, 11, 1),
        kind="gaji",
        pay_date=dt.date(2026, 11, 2),
        actor=finance,
        note="Gaji induk bulan November 2026.",
    )
    _fill(november, {uid: salary_lines(p) for uid, p in profiles.items()})
    finalise_run(november.id, actor=finance)
    send_run(november.id, actor=finance)

    tukin = create_run(
        period=dt.date(2026, 10, 1),
        kind="tunjangan_kinerja",
        pay_date=dt.date(2026, 11, 16),
        actor=finance,
        note="Tunjangan kinerja Oktober 2026, dibayarkan setelah rekap presensi.",
    )
    _fill(tukin, {uid: performance_lines(p, rng) for uid, p in profiles.items()})
    finalise_run(tukin.id, actor=finance)

    december = create_run(
        period=dt.date(2026, 12, 1),
        kind="gaji",
        pay_date=dt.date(2026, 12, 1),
        actor=finance,
        note="Gaji induk bulan Desember 2026.",
    )
    _fill(december, {uid: salary_lines(p) for uid, p in profiles.items()})
