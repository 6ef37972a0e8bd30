"""The targets form: one field per figure, a number (Indonesian or English decimal mark) or
empty for "no target"."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from ..core.filters import format_number
from .definitions import FIGURES

LIMITS = {"percent": (0, 100), "index": (25, 100)}
MAX_VALUE = 1_000_000


def field_name(key):
    return "t_" + key.replace(".", "__")


def parse_target(text):
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,7}([.,][0-9]{1,2})?", text):
        raise ValueError(text)
    return float(text.replace(",", "."))


class TargetValue:
    def __init__(self, unit):
        self.unit = unit

    def __call__(self, form, field):
        try:
            value = parse_target(field.data)
        except ValueError:
            raise ValidationError(
                _l("Write a number such as 15 or 88,31, or leave it empty for no target.")
            ) from None
        low, high = LIMITS.get(self.unit, (0, MAX_VALUE))
        if value is not None and not low <= value <= high:
            raise ValidationError(
                _l(
                    "Give a number from %(low)s to %(high)s.",
                    low=low,
                    high=format_number(high),
                )
            )
        field.parsed = value


class TargetsForm(FlaskForm):
    """Built below: one field per figure."""


for _figure in FIGURES:
    setattr(
        TargetsForm,
        field_name(_figure.key),
        StringField(_figure.label, validators=[TargetValue(_figure.unit)]),
    )
