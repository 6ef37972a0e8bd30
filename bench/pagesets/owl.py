"""Si Owl's page set for bench/pages.py: the permit list over ``size`` permits (and as many
foreigners), and the bulk loader bench/scan.py shares.

Expiry dates spread from 400 days ago to three years ahead (as a busy office's register does);
older permits were mostly replaced by their renewal; a few percent of the permits about to expire
have an extension in process.
"""

import datetime as dt
import random

from intranet.extensions import transaction
from intranet.models import utcnow
from intranet.owl.bulk import insert_rows
from intranet.owl.models import Application, Foreigner, Permit

TODAY = dt.date(2026, 11, 27)
CHUNK = 5_000
NATIONALITIES = ["CN", "JP", "KR", "IN", "AU", "US", "GB", "DE", "NL", "FR", "MY", "SG", "PH"]
TYPES = [("ITK", 30), ("ITAS", 365), ("ITAS", 730), ("ITAP", 1825)]


def _max_id(model):
    row = model.select(model.id).order_by(model.id.desc()).first()
    return row.id if row else 0


def bulk_permits(size, today=TODAY, seed=7, chunk=CHUNK, applications=True):
    """Insert ``size`` foreigners, one permit each, and a few open extension applications, with
    multi-row INSERTs in transactions of ``chunk`` rows. Returns the number of permits."""
    rng = random.Random(seed)
    now = utcnow()
    done = 0
    while done < size:
        n = min(chunk, size - done)
        with transaction():
            first_foreigner = _max_id(Foreigner) + 1
            foreigners, permits, apps = [], [], []
            for i in range(n):
                k = done + i
                nat = NATIONALITIES[k % len(NATIONALITIES)]
                passport = f"B{k:09d}"
                foreigners.append(
                    {
                        "name": f"Bench Foreigner {k}",
                        "passport_number": passport,
                        "passport_key": passport,
                        "passport_country": nat,
                        "nationality": nat,
                        "email": f"f{k}@bench.example" if k % 20 else "",
                        "language": "en",
                        "sponsor_name": "PT Bench",
                        "sponsor_email": f"hr{k % 500}@bench.example",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                ptype, validity = TYPES[rng.randrange(len(TYPES))]
                expiry = today + dt.timedelta(days=rng.randint(-400, 1095))
                status = "active"
                if expiry < today - dt.timedelta(days=30) and rng.random() < 0.9:
                    status = "replaced"
                issue = expiry - dt.timedelta(days=validity)
                permits.append(
                    {
                        "foreigner": first_foreigner + i,
                        "permit_type": ptype,
                        "subtype": "",
                        "permit_number": f"BN{k:010d}",
                        "registration_number": f"RB{k:010d}",
                        "issue_date": issue,
                        "expiry_date": expiry,
                        "duration_days": validity,
                        "status": status,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if (
                    applications
                    and status == "active"
                    and 0 <= (expiry - today).days <= 75
                    and rng.random() < 0.05
                ):
                    apps.append(
                        {
                            "number": f"IZT-B-{k:09d}",
                            "foreigner": first_foreigner + i,
                            "kind": "extension",
                            "requested_type": ptype,
                            "status": "received",
                            "received_on": today - dt.timedelta(days=rng.randint(0, 10)),
                            "received_at": now,
                            "created_at": now,
                        }
                    )
            for model, rows in ((Foreigner, foreigners), (Permit, permits), (Application, apps)):
                if rows:
                    names = list(rows[0])
                    insert_rows(
                        model,
                        names,
                        [tuple(r[n] for n in names) for r in rows],
                        ignore_conflicts=False,
                    )
        done += n
    return done


def populate(size, people):
    bulk_permits(size)
    return [
        ("owl_permit_list", "/owl/permits", "izin_tinggal"),
    ]
