"""Whoever has direct reports reviews them, whatever their roles: the head of office (kepala)
reviews the section heads who report to her, sees the review queue in the navigation, decides
inline and gets the daily digest; without reports the queue stays closed."""

import datetime as dt
from types import SimpleNamespace

import pytest

from intranet.cempaka import errors, location, maintenance, review
from intranet.cempaka.models import Review, Submission
from intranet.notify.models import OutboxMessage

from .conftest import HOME

REVIEW_LINK = 'data-endpoint="cempaka.review_queue"'


@pytest.fixture
def heads(office, make_user):
    """The head of office (kepala, no atasan role) with a section head reporting to her; the
    section head has staff of her own."""
    kasi = make_user(
        "atasan",
        name="Ratna Kasi Intaltuskim",
        email="ratna@test.local",
        supervisor=office.head,
        unit=office.unit_b,
        wfh_lat=HOME[0],
        wfh_lon=HOME[1],
    )
    staff = make_user(name="Yusuf Pelaksana", email="yusuf@test.local", supervisor=kasi)
    return SimpleNamespace(head=office.head, kasi=kasi, staff=staff)


def test_head_with_direct_reports_sees_and_decides_them(
    client, office, heads, sign_in, make_submission
):
    assert not heads.head.has_role("atasan")
    mine = make_submission(heads.kasi, title="Laporan kinerja seksi")
    flagged_far = make_submission(
        heads.kasi,
        title="Rekap pengawasan",
        location=location.Location(status="ok", lat=-6.5, lon=106.82, accuracy_m=10.0),
    )
    below = make_submission(heads.staff, title="Bukan bawahan langsung")
    other = make_submission(office.emp, title="Bawahan Siti")
    sign_in(heads.head)
    home = client.get("/home").get_data(as_text=True)
    assert REVIEW_LINK in home  # the navigation offers her the queue
    response = client.get("/cempaka/review")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Laporan kinerja seksi" in body and "Rekap pengawasan" in body
    assert "Bukan bawahan langsung" not in body and "Bawahan Siti" not in body
    assert f'name="ids" value="{mine.id}"' in body  # bulk approve of the unflagged row
    # she decides inline (htmx row swap) ...
    response = client.post_form(
        f"/cempaka/review/{mine.id}",
        {"decision": "approved", "version": "1"},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 200
    assert f'<tr id="sub-{mine.id}" data-status="approved"' in response.get_data(as_text=True)
    s = Submission.get_by_id(mine.id)
    assert s.status == "approved" and s.decided_by_id == heads.head.id
    # ... and on the deliverable's page, which offers her the decision form
    page = client.get(f"/cempaka/{flagged_far.id}").get_data(as_text=True)
    assert f'action="/cempaka/review/{flagged_far.id}"' in page
    response = client.post_form(
        f"/cempaka/review/{flagged_far.id}",
        {"decision": "revision", "comment": "Lengkapi lampiran.", "next": "detail"},
        token_from="/home",
    )
    assert response.status_code == 303
    assert Submission.get_by_id(flagged_far.id).status == "revision"
    # not the deliverables of someone who is not her direct report
    for target in (below, other):
        response = client.post_form(
            f"/cempaka/review/{target.id}", {"decision": "approved"}, htmx=True, token_from="/home"
        )
        assert response.status_code == 404
        assert Submission.get_by_id(target.id).status == "pending"
    assert Review.select().count() == 2
    # her recap offers her direct reports
    recap = client.get("/cempaka/recap?scope=reports").get_data(as_text=True)
    assert "Ratna Kasi Intaltuskim" in recap and "Dewi Lestari" not in recap


def test_any_role_with_direct_reports_reviews_them(
    client, office, make_user, sign_in, make_submission
):
    """Not only the head: an employee without the atasan role who is recorded as someone's
    supervisor reviews them."""
    lead = make_user(name="Ketua Tim", email="ketua@test.local")
    member = make_user(
        name="Anggota Tim",
        email="anggota@test.local",
        supervisor=lead,
        wfh_lat=HOME[0],
        wfh_lon=HOME[1],
    )
    s = make_submission(member, title="Laporan tim")
    sign_in(lead)
    assert REVIEW_LINK in client.get("/home").get_data(as_text=True)
    assert "Laporan tim" in client.get("/cempaka/review").get_data(as_text=True)
    response = client.post_form("/cempaka/review/approve", {"ids": [str(s.id)]}, token_from="/home")
    assert response.status_code == 303
    assert Submission.get_by_id(s.id).status == "approved"


def test_without_direct_reports_the_queue_stays_closed(
    client, office, heads, sign_in, make_submission, make_user
):
    s = make_submission(heads.kasi, title="Laporan kinerja seksi")
    lonely_head = make_user("kepala", name="Kepala Lain", email="kepala2@test.local")
    for user in (lonely_head, office.emp):
        sign_in(user)
        assert REVIEW_LINK not in client.get("/home").get_data(as_text=True)
        assert client.get("/cempaka/review").status_code == 403
        response = client.post_form(
            f"/cempaka/review/{s.id}", {"decision": "approved"}, htmx=True, token_from="/home"
        )
        assert response.status_code == 403
        response = client.post_form(
            "/cempaka/review/approve", {"ids": [str(s.id)]}, token_from="/home"
        )
        assert response.status_code == 403
    # an atasan who is not her supervisor: 404 on the row, the bulk approve skips it
    sign_in(office.boss)
    response = client.post_form(
        f"/cempaka/review/{s.id}", {"decision": "approved"}, htmx=True, token_from="/home"
    )
    assert response.status_code == 404
    client.post_form("/cempaka/review/approve", {"ids": [str(s.id)]}, token_from="/home")
    assert Submission.get_by_id(s.id).status == "pending"
    with pytest.raises(errors.CempakaError):
        review.decide(s, lonely_head, "approved", "ok")


def test_the_digest_reaches_the_head_and_its_link_opens_for_her(
    app, client, office, heads, sign_in, make_submission, run_jobs, mail_sink
):
    app.config["SERVER_NAME_FOR_LINKS"] = "https://intranet.example"
    make_submission(heads.kasi, title="Laporan kinerja seksi", now=dt.datetime(2026, 11, 24, 3))
    now = dt.datetime(2026, 11, 26, 0, 0)  # 07:00 WIB
    assert maintenance.queue_digests(now=now) == 1
    run_jobs()
    [msg] = mail_sink.wait_for(1)
    assert msg.envelope_to == [heads.head.email]
    text = mail_sink.text_of(msg)
    assert "Laporan kinerja seksi" in text
    assert "https://intranet.example/cempaka/review" in text
    row = OutboxMessage.get(OutboxMessage.kind == "cempaka.digest")
    assert row.object_id == str(heads.head.id)
    sign_in(heads.head)
    assert client.get("/cempaka/review").status_code == 200
