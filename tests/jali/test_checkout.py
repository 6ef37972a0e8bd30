"""Leaving the building: the sticker's QR opens a confirmation (GET changes nothing), one click in
the desk list, a scanner typing the QR into the desk, and the closing-time sweep."""

import datetime as dt

from intranet.audit.models import AuditEntry
from intranet.jali import services
from intranet.jali.models import OUT_DESK, OUT_QR, OUT_SWEEP, Visit
from intranet.scheduling import load_job_modules

from .conftest import MORNING, VALID_NIK, VALID_NIK_MALE


def _visit(desk, name="Dewi Lestari", nik=VALID_NIK, now=MORNING, category="wni"):
    data = services.VisitInput(
        category=category,
        name=name,
        purpose="Pengambilan paspor",
        id_number=nik,
        nationality="ID",
    )
    visit, _ = services.register_visit(data, actor=desk, now=now)
    return visit


def test_the_qr_code_opens_a_confirmation_and_get_changes_nothing(desk_client, desk):
    visit = _visit(desk)
    page = desk_client.get(f"/jali/visits/{visit.id}/checkout").get_data(as_text=True)
    assert "Dewi Lestari" in page and 'id="confirm-checkout"' in page and "autofocus" in page
    assert Visit.get_by_id(visit.id).inside
    response = desk_client.post_form(
        f"/jali/visits/{visit.id}/checkout", {"via": "qr"}, token_from="/jali/"
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/jali/")
    visit = Visit.get_by_id(visit.id)
    assert not visit.inside and visit.checkout_method == OUT_QR and not visit.swept
    again = desk_client.get(f"/jali/visits/{visit.id}/checkout").get_data(as_text=True)
    assert 'id="already-out"' in again and "confirm-checkout" not in again


def test_the_checkout_url_needs_a_signed_in_receptionist(app, client, desk, make_user, login_as):
    visit = _visit(desk)
    response = client.get(f"/jali/visits/{visit.id}/checkout")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login_as(make_user("pegawai"), client)
    assert client.get(f"/jali/visits/{visit.id}/checkout").status_code == 403
    assert (
        client.post_form(f"/jali/visits/{visit.id}/checkout", token_from="/home").status_code == 403
    )
    assert Visit.get_by_id(visit.id).inside


def test_one_click_in_the_desk_list(desk_client, desk):
    first = _visit(desk)
    second = _visit(desk, name="Agus Salim", nik=VALID_NIK_MALE)
    desk_page = desk_client.get("/jali/").get_data(as_text=True)
    assert f'id="inside-visit-{first.id}"' in desk_page
    assert f'id="inside-visit-{second.id}"' in desk_page
    response = desk_client.post_form(
        f"/jali/visits/{first.id}/checkout", {"from": "desk"}, htmx=True, token_from="/jali/"
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="jali-inside"' in html
    assert f'id="inside-visit-{first.id}"' not in html and f"inside-visit-{second.id}" in html
    assert "checked out" in html  # the flash, as an out-of-band swap
    assert Visit.get_by_id(first.id).checkout_method == OUT_DESK
    # twice is harmless
    desk_client.post_form(f"/jali/visits/{first.id}/checkout", token_from="/jali/")
    assert AuditEntry.select().where(AuditEntry.action == "jali.visit_checked_out").count() == 1


def test_a_scanner_typing_the_qr_into_the_desk(desk_client, desk):
    visit = _visit(desk)
    url = f"http://kanim.example/jali/visits/{visit.id}/checkout"
    response = desk_client.get("/jali/scan", query_string={"code": url})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/jali/visits/{visit.id}/checkout")
    response = desk_client.get("/jali/scan", query_string={"code": "hello"})
    assert response.headers["Location"].endswith("/jali/")
    assert Visit.get_by_id(visit.id).inside


def test_closing_sweep_checks_out_whoever_is_left_and_is_idempotent(app_ctx, desk):
    early = _visit(desk, now=MORNING)  # 10:00 WIB
    left = _visit(desk, name="Agus Salim", nik=VALID_NIK_MALE, now=MORNING)
    services.check_out(left, actor=desk, now=MORNING + dt.timedelta(hours=1))
    yesterday = _visit(
        desk, name="Kemarin", nik="3171010101900003", now=MORNING - dt.timedelta(days=1)
    )
    sweep_time = dt.datetime(2026, 11, 27, 10, 0)  # 17:00 WIB
    assert services.closing_sweep(now=sweep_time) == 2
    early, yesterday = Visit.get_by_id(early.id), Visit.get_by_id(yesterday.id)
    assert early.swept and early.checkout_method == OUT_SWEEP and not early.inside
    assert early.checked_out_at == sweep_time
    # a sweep that ran late never stretches a stay past the visit day's closing time
    assert yesterday.checked_out_at == dt.datetime(2026, 11, 26, 10, 0)
    assert not Visit.get_by_id(left.id).swept
    assert services.closing_sweep(now=sweep_time + dt.timedelta(minutes=5)) == 0
    assert AuditEntry.select().where(AuditEntry.action == "jali.closing_sweep").count() == 1


def test_sweep_is_a_registered_daily_job(app_ctx, desk):
    from intranet.jali import jobs

    job = load_job_modules()["jali.closing_sweep"]
    assert job.daily_at == "17:00" and job.func_path == "intranet.jali.jobs:closing_sweep"
    _visit(desk, now=MORNING)
    assert jobs.closing_sweep() == 1
    assert jobs.closing_sweep() == 0


def test_a_sweep_run_late_checks_out_the_evening_and_not_the_next_morning(app_ctx, desk, run_jobs):
    """Issue 15 item 2: the worker is down at 17:00 WIB and starts the next morning after the
    first visitors arrived. The evening's sweep, run then, checks out whoever was inside at
    closing (at closing time) and leaves the morning's visitors inside."""
    from intranet.jobs import scheduler
    from intranet.jobs.models import ScheduledRun

    stayed = _visit(desk, now=MORNING)  # 27 Nov, 10:00 WIB, never checked out
    closing = dt.datetime(2026, 11, 27, 10, 0)  # 17:00 WIB: the worker is down
    next_morning = dt.datetime(2026, 11, 28, 1, 0)  # 08:00 WIB the next day
    arrived = _visit(desk, name="Agus Salim", nik=VALID_NIK_MALE, now=next_morning)
    started = next_morning + dt.timedelta(minutes=36)

    job = load_job_modules()["jali.closing_sweep"]
    assert scheduler.tick(started, {job.name: job}) == ["jali.closing_sweep"]
    assert ScheduledRun.get(ScheduledRun.job == job.name).slot == closing
    run_jobs()

    run = ScheduledRun.get(ScheduledRun.job == job.name)
    assert (run.status, run.outcome) == ("ok", "1")
    stayed, arrived = Visit.get_by_id(stayed.id), Visit.get_by_id(arrived.id)
    assert stayed.swept and stayed.checked_out_at == closing
    assert arrived.inside and not arrived.swept and arrived.checked_out_at is None
