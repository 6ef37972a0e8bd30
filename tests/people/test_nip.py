import datetime as dt

import pytest

from intranet.people.nip import NipError, validate_nip

TODAY = dt.date(2026, 11, 27)


def test_valid_nip_with_spaces():
    assert validate_nip("19860926 201505 1 001", TODAY) == "198609262015051001"


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("", "required"),
        ("1986092620150510", "18 digits"),
        ("19861326201505 1001", "birth date"),
        ("198609262015131001", "appointment month"),
        ("198609262015053001", "gender"),
        ("198609262015051000", "sequence"),
        ("198609261995051001", "not plausible"),
        ("203009262015051001", "not plausible"),
    ],
)
def test_invalid_nips_have_clear_messages(app, value, fragment):
    with app.test_request_context(), pytest.raises(NipError) as exc:
        validate_nip(value, TODAY)
    assert fragment in str(exc.value)
