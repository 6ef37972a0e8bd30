"""Amounts: exact whole rupiah from what people and spreadsheets write; never float."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intranet.core.filters import format_number, rupiah
from intranet.emak.money import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567,00", 1_234_567),
        ("1.234.567", 1_234_567),
        ("1234567", 1_234_567),
        ("1234567,00", 1_234_567),
        ("1234567.00", 1_234_567),
        ("Rp 1.234.567", 1_234_567),
        ("Rp1.234.567,00", 1_234_567),
        ("  4.575.200 ", 4_575_200),
        ("1 234 567", 1_234_567),
        ("0", 0),
        ("33.240.000", 33_240_000),
        ("999", 999),
        ("1.000", 1000),
        (1_234_567, 1_234_567),
        (1234567.0, 1_234_567),
        (Decimal("1234567.00"), 1_234_567),
    ],
)
def test_accepted_forms(text, expected):
    value = parse_amount(text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("-1.234.567", "negative"),
        ("-500", "negative"),
        ("(1.234)", "negative"),
        (-5, "negative"),
        (-5.0, "negative"),
        ("1.234.567,50", "whole rupiah"),
        ("12,5", "whole rupiah"),
        ("1234567.5", "whole rupiah"),
        ("1,234,567", "1.234.567"),
        ("12.34.567", "1.234.567"),
        ("satu juta", "1.234.567"),
        ("1.234.56", "1.234.567"),
        ("", "missing"),
        (None, "missing"),
        ("   ", "missing"),
        (True, "not a number"),
        (float("nan"), "not a number"),
        ("1e6", "1.234.567"),
        ("9.999.999.999.999", "implausibly large"),
    ],
)
def test_refused_forms(text, fragment):
    with pytest.raises(AmountError) as exc:
        parse_amount(text)
    assert fragment in str(exc.value)


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_round_trip_of_indonesian_format(value):
    """What the intranet shows (1.234.567 / Rp 1.234.567) parses back to the same integer."""
    assert parse_amount(format_number(value)) == value
    assert parse_amount(format_number(value) + ",00") == value
    assert parse_amount(rupiah(value)) == value
    assert parse_amount(str(value)) == value


@given(st.text(max_size=30))
def test_any_text_gives_an_int_or_a_message(text):
    try:
        value = parse_amount(text)
    except AmountError as exc:
        assert str(exc)
    else:
        assert type(value) is int and value >= 0
