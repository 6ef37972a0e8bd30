"""Identity numbers at the desk: each wrong part of a NIK gets its own clear message."""

import datetime as dt

import pytest

from intranet.jali import identity
from intranet.jali.identity import IdentityError

from .conftest import TODAY, VALID_NIK, VALID_NIK_MALE


def test_valid_niks_are_normalised():
    assert identity.validate_nik(VALID_NIK, today=TODAY) == VALID_NIK
    assert identity.validate_nik("3273 0101 0185 0002", today=TODAY) == VALID_NIK_MALE
    assert identity.validate_nik("32.7301.010185.0002", today=TODAY) == VALID_NIK_MALE


def test_nik_birth_date_and_sex():
    assert identity.nik_birth_date(VALID_NIK, TODAY) == (dt.date(1990, 8, 5), "F")
    assert identity.nik_birth_date(VALID_NIK_MALE, TODAY) == (dt.date(1985, 1, 1), "M")
    # YY not after this year means 20YY
    assert identity.nik_birth_date("3171010101100003", TODAY)[0] == dt.date(2010, 1, 1)


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("", "NIK is required"),
        ("31710145089000A1", "digits only"),
        ("317101450890001", "exactly 16 digits (this one has 15)"),
        ("31710145089000011", "exactly 16 digits (this one has 17)"),
        ("2071014508900001", "Digits 1-2 of the NIK (20) are not an Indonesian province code"),
        ("9971014508900001", "(99) are not an Indonesian province code"),
        ("3100014508900001", "Digits 3-4 of the NIK (regency or city) cannot be 00"),
        ("3171004508900001", "Digits 5-6 of the NIK (district) cannot be 00"),
        ("3171013508900001", "01-31, or 41-71 for women"),
        ("3171017208900001", "01-31, or 41-71 for women"),
        ("3171010113900001", "month of birth (01-12)"),
        ("3171013102900001", "not a real date of birth"),  # 31 February
        ("3171017102900001", "not a real date of birth"),  # 31 February, female
        ("3171012811260001", "lies in the future"),  # 28 Nov 2026, the day after "today"
        ("3171014508900000", "serial number) cannot be 0000"),
    ],
)
def test_nik_errors_name_the_wrong_part(req_ctx, nik, message):
    with pytest.raises(IdentityError) as exc:
        identity.validate_nik(nik, today=TODAY)
    assert message in str(exc.value)


def test_every_province_code_in_range_is_checked():
    accepted = [c for c in range(10, 100) if c in identity.PROVINCE_CODES]
    assert 31 in accepted and 11 in accepted and 94 in accepted
    assert 20 not in accepted and 41 not in accepted and 10 not in accepted


@pytest.mark.parametrize("number", ["E1234567", "a1234567", "X12-34-56", "AB12345678CD"])
def test_valid_passports(number):
    assert identity.validate_passport(number) == number.upper().replace("-", "")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Passport number is required"),
        ("A1234", "6 to 12 letters and digits (this one has 5)"),
        ("A123456789012", "(this one has 13)"),
        ("A12345#7", "only letters A-Z and digits"),
        ("Ä1234567", "only letters A-Z and digits"),
    ],
)
def test_passport_errors(req_ctx, number, message):
    with pytest.raises(IdentityError) as exc:
        identity.validate_passport(number)
    assert message in str(exc.value)


def test_nationalities(req_ctx):
    assert identity.validate_nationality("au") == "AU"
    for bad, message in [
        ("", "Choose the visitor's nationality"),
        ("XX", "Choose a nationality from the list"),
        ("EU", "Choose a nationality from the list"),
        ("ID", "registered as a WNI applicant"),
    ]:
        with pytest.raises(IdentityError) as exc:
            identity.validate_nationality(bad)
        assert message in str(exc.value)
    choices = dict(identity.nationality_choices("id"))
    assert "ID" not in choices and choices["JP"] == "Jepang"
    assert dict(identity.nationality_choices("en"))["JP"] == "Japan"
    assert len(choices) > 240


def test_phone_and_other_ids(req_ctx):
    assert identity.validate_phone("0812-3456 7890") == "081234567890"
    assert identity.validate_phone("+62 812 3456 7890") == "+6281234567890"
    assert identity.validate_phone("") == ""
    with pytest.raises(IdentityError, match="8 to 15 digits"):
        identity.validate_phone("12345")
    assert identity.validate_other_id("") is None
    assert identity.validate_other_id("nip 1986 0926") == "NIP19860926"
    with pytest.raises(IdentityError, match="4 to 30"):
        identity.validate_other_id("ab")
