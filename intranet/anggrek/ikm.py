"""The ministry's community satisfaction index (IKM/SKM, PermenPANRB 14/2017; DESIGN §9).

Nine elements, each rated 1-4. IKM = the mean of the nine element means x 25, on 25..100.
Grades: A 88.31-100 (very good), B 76.61-88.30 (good), C 65.00-76.60 (poor),
D 25.00-64.99 (very poor). The value is rounded half-up to two decimals before grading.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from peewee import fn

from .models import SurveyResponse

# (key, element, question, labels of ratings 1..4)
ELEMENTS = [
    (
        "u1",
        _l("Requirements"),
        _l("Do the requirements match the type of service?"),
        (_l("Not matching"), _l("Somewhat matching"), _l("Matching"), _l("Fully matching")),
    ),
    (
        "u2",
        _l("Procedure"),
        _l("How easy was the service procedure?"),
        (_l("Not easy"), _l("Somewhat easy"), _l("Easy"), _l("Very easy")),
    ),
    (
        "u3",
        _l("Service time"),
        _l("How fast was the service?"),
        (_l("Not fast"), _l("Somewhat fast"), _l("Fast"), _l("Very fast")),
    ),
    (
        "u4",
        _l("Cost"),
        _l("How reasonable was the cost (the official fee only)?"),
        (
            _l("Very expensive"),
            _l("Rather expensive"),
            _l("Cheap"),
            _l("Free or official fee only"),
        ),
    ),
    (
        "u5",
        _l("Service product"),
        _l("Does the result match what the service standard promises?"),
        (_l("Not matching"), _l("Somewhat matching"), _l("Matching"), _l("Fully matching")),
    ),
    (
        "u6",
        _l("Staff competence"),
        _l("How competent was the officer?"),
        (_l("Not competent"), _l("Somewhat competent"), _l("Competent"), _l("Very competent")),
    ),
    (
        "u7",
        _l("Staff behaviour"),
        _l("How courteous and friendly was the officer?"),
        (_l("Not courteous"), _l("Somewhat courteous"), _l("Courteous"), _l("Very courteous")),
    ),
    (
        "u8",
        _l("Complaint handling"),
        _l("How well are complaints, suggestions and feedback handled?"),
        (
            _l("Not available"),
            _l("Available but not working"),
            _l("Working but not well"),
            _l("Well handled"),
        ),
    ),
    (
        "u9",
        _l("Facilities"),
        _l("How good are the facilities and infrastructure?"),
        (_l("Bad"), _l("Adequate"), _l("Good"), _l("Very good")),
    ),
]

ELEMENT_KEYS = [e[0] for e in ELEMENTS]

GRADES = [
    (Decimal("88.31"), "A", _l("Very good")),
    (Decimal("76.61"), "B", _l("Good")),
    (Decimal("65.00"), "C", _l("Poor")),
    (Decimal("25.00"), "D", _l("Very poor")),
]

TWO_PLACES = Decimal("0.01")


def _round(value):
    """Fraction -> Decimal rounded half-up to two places."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


def grade(value):
    for lower, letter, label in GRADES:
        if value >= lower:
            return letter, label
    return None, None


@dataclass
class Ikm:
    responses: int
    element_means: list  # Decimal, 2 places, one per element
    value: Decimal | None
    grade: str | None
    grade_label: object


def from_sums(n, sums):
    """IKM of ``n`` responses whose ratings per element add up to ``sums`` (nine numbers)."""
    if not n:
        return Ikm(0, [None] * 9, None, None, None)
    means = [Fraction(s, n) for s in sums]
    value = _round(sum(means) / 9 * 25)
    letter, label = grade(value)
    return Ikm(n, [_round(m) for m in means], value, letter, label)


def from_ratings(rows):
    """IKM of responses given as lists of nine ratings."""
    rows = list(rows)
    return from_sums(len(rows), [sum(r[i] for r in rows) for i in range(9)])


def scores(group_field, start=None, end=None):
    """{group value: Ikm} for responses submitted in [start, end), grouped by a field of
    SurveyResponse (``officer`` or ``unit``); ``None`` groups everything together."""
    columns = [fn.COUNT(SurveyResponse.id)] + [
        fn.SUM(getattr(SurveyResponse, k)) for k in ELEMENT_KEYS
    ]
    query = SurveyResponse.select(*(([group_field] if group_field is not None else []) + columns))
    if start is not None:
        query = query.where(SurveyResponse.submitted_at >= start)
    if end is not None:
        query = query.where(SurveyResponse.submitted_at < end)
    if group_field is not None:
        query = query.group_by(group_field)
    out = {}
    for row in query.tuples():
        key, rest = (row[0], row[1:]) if group_field is not None else (None, row)
        n, sums = rest[0], [int(s or 0) for s in rest[1:]]
        if n:
            out[key] = from_sums(n, sums)
    return out
