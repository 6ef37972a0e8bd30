"""Identity numbers at the front desk: NIK (WNI), passport numbers and nationalities (WNA).

NIK (Nomor Induk Kependudukan), 16 digits: PP KK CC DDMMYY SSSS = province, regency/city,
district, date of birth (women add 40 to the day) and a serial number. We check what can be
checked without the population registry, and say exactly which part is wrong.
"""

import datetime as dt
import re
import unicodedata

from babel import Locale
from flask_babel import lazy_gettext as _l

from ..core import caches
from ..core.refusals import Refusal

# Province codes of Dukcapil (Kemendagri), including the Papua provinces formed in 2022.
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)


class IdentityError(Refusal, ValueError):
    """A message for the person at the desk."""


def clean_text(value, keep_newlines=False):
    """Drop control characters (NUL and friends: PostgreSQL refuses NUL in text) from what was
    typed or pasted; newlines stay only where asked for (one-a-line lists)."""
    if not value:
        return value
    keep = "\n" if keep_newlines else ""
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) not in ("Cc", "Cs"))


MAX_ID = 2**31 - 1  # row ids are 32-bit integers in PostgreSQL


def row_id(value):
    """An integer that can be a row id, else None (a guessed 40-digit id is simply not found)."""
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None


def normalize_nik(value):
    return re.sub(r"[\s.\-]", "", value or "")


def nik_birth_date(nik, today):
    """The date of birth and sex encoded in a (well-formed) NIK: (date, "F"/"M")."""
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "M"
    if day > 40:
        day, sex = day - 40, "F"
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    return dt.date(year, month, day), sex


def validate_nik(value, today=None):
    """Return the 16-digit NIK or raise IdentityError naming the part that is wrong."""
    nik = normalize_nik(value)
    today = today or dt.date.today()
    if not nik:
        raise IdentityError(_l("NIK is required for a WNI applicant."))
    if not nik.isdigit():
        raise IdentityError(_l("NIK may contain digits only."))
    if len(nik) != 16:
        raise IdentityError(
            _l("NIK must be exactly 16 digits (this one has %(count)s).", count=len(nik))
        )
    if int(nik[0:2]) not in PROVINCE_CODES:
        raise IdentityError(
            _l(
                "Digits 1-2 of the NIK (%(code)s) are not an Indonesian province code.",
                code=nik[0:2],
            )
        )
    if nik[2:4] == "00":
        raise IdentityError(_l("Digits 3-4 of the NIK (regency or city) cannot be 00."))
    if nik[4:6] == "00":
        raise IdentityError(_l("Digits 5-6 of the NIK (district) cannot be 00."))
    day, month = int(nik[6:8]), int(nik[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        raise IdentityError(
            _l("Digits 7-8 of the NIK must be the day of birth: 01-31, or 41-71 for women.")
        )
    if not 1 <= month <= 12:
        raise IdentityError(_l("Digits 9-10 of the NIK must be the month of birth (01-12)."))
    try:
        birth, _sex = nik_birth_date(nik, today)
    except ValueError:
        raise IdentityError(
            _l("Digits 7-12 of the NIK are not a real date of birth (DDMMYY).")
        ) from None
    if birth > today:
        raise IdentityError(_l("The date of birth in the NIK lies in the future."))
    if nik[12:16] == "0000":
        raise IdentityError(_l("The last 4 digits of the NIK (serial number) cannot be 0000."))
    return nik


def normalize_passport(value):
    return re.sub(r"[\s\-]", "", value or "").upper()


def validate_passport(value):
    number = normalize_passport(value)
    if not number:
        raise IdentityError(_l("Passport number is required for a WNA applicant."))
    if not number.isascii() or not number.isalnum():
        raise IdentityError(_l("A passport number contains only letters A-Z and digits."))
    if not 6 <= len(number) <= 12:
        raise IdentityError(
            _l(
                "A passport number has 6 to 12 letters and digits (this one has %(count)s).",
                count=len(number),
            )
        )
    return number


def validate_other_id(value):
    """An official guest's identity card (optional): 4-30 letters and digits."""
    number = re.sub(r"[\s.\-/]", "", value or "").upper()
    if not number:
        return None
    if not number.isascii() or not number.isalnum() or not 4 <= len(number) <= 30:
        raise IdentityError(
            _l("An identity number has 4 to 30 letters and digits; leave it empty if none.")
        )
    return number


def normalize_phone(value):
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value):
    """Optional phone number: 8-15 digits, may start with +; returned without spaces."""
    phone = normalize_phone(value)
    if not phone:
        return ""
    digits = phone[1:] if phone.startswith("+") else phone
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise IdentityError(
            _l(
                "A phone number has 8 to 15 digits, optionally starting with +, e.g. "
                "0812 3456 7890."
            )
        )
    return phone


# ----- nationalities ----------------------------------------------------------------------------

# Territory codes in the CLDR that are not countries one holds a passport of.
_NOT_NATIONALITIES = {
    "EU",
    "EZ",
    "UN",
    "QO",
    "ZZ",
    "XA",
    "XB",
    "AQ",
    "BV",
    "HM",
    "IC",
    "EA",
    "DG",
    "CP",
    "TA",
    "AC",
    "CQ",
}


@caches.memoize("jali.territories", maxsize=4)
def _territories(locale):
    names = Locale.parse(locale).territories
    return {
        code: name
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_NATIONALITIES
    }


def country_codes():
    return frozenset(_territories("en"))


def country_name(code, locale="id"):
    if not code:
        return ""
    return _territories(str(locale)).get(code) or _territories("en").get(code) or code


def nationality_choices(locale="id", exclude=("ID",)):
    """[(code, name)] sorted by name in the UI language, for a WNA's nationality."""
    names = _territories(str(locale))
    pairs = [(c, names.get(c) or n) for c, n in _territories("en").items() if c not in exclude]
    return sorted(pairs, key=lambda p: p[1].casefold())


def validate_nationality(code):
    code = (code or "").strip().upper()
    if not code:
        raise IdentityError(_l("Choose the visitor's nationality."))
    if code not in country_codes():
        raise IdentityError(_l("Choose a nationality from the list."))
    if code == "ID":
        raise IdentityError(
            _l("An Indonesian citizen is registered as a WNI applicant with a NIK.")
        )
    return code
