"""Amounts in whole rupiah: parsed exactly from what people and spreadsheets write, never float.

Accepted: ``1234567``, ``1.234.567`` (Indonesian grouping), ``1.234.567,00`` (Indonesian
decimals), ``1234567,00``, ``1234567.00`` (a spreadsheet's decimal point), an optional ``Rp``
prefix, spaces as grouping. Refused with a message: anything else, negative amounts, and
fractions of a rupiah.
"""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from ..core.refusals import Refusal

# 2^63 - 1 fits a BIGINT; a pay line above a trillion rupiah is certainly a typing error.
MAX_AMOUNT = 999_999_999_999

_ID_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_ID_PLAIN = re.compile(r"^\d+(,\d+)?$")
_POINT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")


class AmountError(Refusal, ValueError):
    """An amount that cannot be read, with the message saying why (a form field's or an
    imported row's error). Still a ValueError, as it always was."""


def _whole(number):
    if number != number.to_integral_value():
        raise AmountError(_l("Amounts must be whole rupiah (no sen)."))
    value = int(number)
    if value > MAX_AMOUNT:
        raise AmountError(_l("The amount is implausibly large."))
    return value


def parse_amount(value):
    """Return the amount as an int of rupiah, or raise AmountError with a message for the user.

    ``value`` is text (a form field, a CSV cell) or a spreadsheet cell's int, float or Decimal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AmountError(_l("The amount is missing."))
    if isinstance(value, bool):
        raise AmountError(_l("The amount is not a number."))
    if isinstance(value, int):
        if value < 0:
            raise AmountError(_l("The amount cannot be negative."))
        return _whole(Decimal(value))
    if isinstance(value, float):
        # A spreadsheet cell: the shortest repr of the double is what the sheet shows.
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError(_l("The amount is not a number."))
        if value < 0:
            raise AmountError(_l("The amount cannot be negative."))
        return _whole(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(_l("The amount is not a number."))
        if value < 0:
            raise AmountError(_l("The amount cannot be negative."))
        return _whole(value)
    text = str(value).strip().replace("\u00a0", " ")
    text = re.sub(r"^(rp\.?)\s*", "", text, flags=re.IGNORECASE)
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    if negative:
        digits = text.strip("-() ")
        if re.fullmatch(r"[\d.,\s]+", digits or "x"):
            raise AmountError(_l("The amount cannot be negative."))
        raise AmountError(_l("Write the amount as 1.234.567 or 1234567."))
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", ".", text)  # "1 234 567" -> "1.234.567"
    if _ID_GROUPED.match(text) or _ID_PLAIN.match(text):
        normalized = text.replace(".", "").replace(",", ".")
    elif _POINT_DECIMAL.match(text):
        normalized = text
    else:
        raise AmountError(_l("Write the amount as 1.234.567 or 1234567."))
    try:
        number = Decimal(normalized)
    except InvalidOperation:
        raise AmountError(_l("Write the amount as 1.234.567 or 1234567.")) from None
    return _whole(number)
