"""lookup_passport: the function Si Jali's front desk calls for a foreign visitor."""

import dataclasses
import datetime as dt

import pytest

from intranet.owl.services.lookups import PassportStatus, lookup_passport


def test_unknown_passport_is_none(app_ctx, today):
    assert lookup_passport("NOPE12345", today) is None
    assert lookup_passport("   ", today) is None


def test_matches_case_insensitively_ignoring_spaces_and_uses_latest_permit(
    make_foreigner, make_permit, today
):
    f = make_foreigner(name="Liam Wilson", passport_number="PA1234567", nationality="AU")
    make_permit(f, expiry=dt.date(2025, 6, 1), valid_days=365, status="replaced")
    latest = make_permit(f, days_left=40, valid_days=365, ptype="ITAS")
    status = lookup_passport(" pa 123 4567 ", today)
    assert isinstance(status, PassportStatus)
    assert dataclasses.is_dataclass(status)
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.name = "x"
    assert status == PassportStatus(
        foreigner_id=f.id,
        name="Liam Wilson",
        nationality="AU",
        passport_number="PA1234567",
        permit_id=latest.id,
        permit_type="ITAS",
        permit_number=latest.permit_number,
        expiry_date=today + dt.timedelta(days=40),
        expired=False,
        days_overstayed=0,
        extension_in_process=False,
    )


def test_expired_permit_reports_days_overstayed(make_foreigner, make_permit, today):
    f = make_foreigner(passport_number="E12345678")
    make_permit(f, expiry=dt.date(2026, 11, 14))
    status = lookup_passport("e12345678", today)
    assert status.expired is True
    assert status.days_overstayed == 13
    assert status.extension_in_process is False


def test_extension_in_process_is_reported(make_foreigner, make_permit, make_application, today):
    f = make_foreigner(passport_number="M55554444")
    make_permit(f, days_left=10)
    make_application(f, kind="extension")
    assert lookup_passport("M55554444", today).extension_in_process is True


def test_foreigner_without_permit(make_foreigner, today):
    f = make_foreigner(passport_number="K7654321")
    status = lookup_passport("K7654321", today)
    assert status.foreigner_id == f.id
    assert status.permit_id is None and status.expiry_date is None
    assert status.expired is False and status.days_overstayed == 0


def test_si_jali_reaches_the_registry_through_its_seam(make_foreigner, make_permit, today):
    """The front desk's look-up (intranet.jali.permits) is answered by this registry."""
    from intranet.jali import permits

    f = make_foreigner(passport_number="E7654321", nationality="CN")
    make_permit(f, expiry=dt.date(2026, 11, 7))
    assert permits.owl_installed()
    status = permits.permit_status("e765 4321", today=today)
    assert (status.foreigner_id, status.expired, status.days_overstayed) == (f.id, True, 20)
    assert permits.permit_status("NOBODY000", today=today) is None
