"""NIP (Nomor Induk Pegawai): 18 digits = birth date YYYYMMDD + appointment YYYYMM + gender digit
(1 male, 2 female) + 3-digit sequence, e.g. 19860926 201505 1 001 (DESIGN §9)."""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l

from ..core.refusals import Refusal


class NipError(Refusal, ValueError):
    """A NIP that cannot be one, with the message saying which part is wrong."""


def normalize_nip(value):
    return re.sub(r"[\s.\-]", "", value or "")


def validate_nip(value, today=None):
    """Return the 18-digit NIP or raise NipError with a message for the user."""
    nip = normalize_nip(value)
    if not nip:
        raise NipError(_l("NIP is required."))
    if not nip.isdigit() or len(nip) != 18:
        raise NipError(_l("NIP must be exactly 18 digits."))
    today = today or dt.date.today()
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError(
            _l("The first 8 digits of the NIP must be a valid birth date (YYYYMMDD).")
        ) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise NipError(_l("Digits 9-14 of the NIP must be a valid appointment month (YYYYMM)."))
    if birth >= today or birth.year < 1940:
        raise NipError(_l("The birth date in the NIP is not plausible."))
    if (year, month) < (birth.year + 15, birth.month) or (year, month) > (today.year, today.month):
        raise NipError(_l("The appointment month in the NIP is not plausible for that birth date."))
    if nip[14] not in "12":
        raise NipError(_l("Digit 15 of the NIP (gender) must be 1 or 2."))
    if nip[15:] == "000":
        raise NipError(_l("The last 3 digits of the NIP (sequence) cannot be 000."))
    return nip
