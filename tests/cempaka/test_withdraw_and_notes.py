"""Item 9 of issue 15: the author withdraws a pending deliverable; approving a flagged one takes
a note (inline, detail page, bulk); the employee sees the WFH place she is measured against; on a
phone the list shows the flag badges."""

import pytest

from intranet.audit.models import AuditEntry
from intranet.cempaka import errors, location, recap, review, submissions
from intranet.cempaka.models import FLAG_FAR, Review, Submission

from .conftest import HOME


@pytest.fixture
def far():
    return location.Location(status="ok", lat=HOME[0] + 0.05, lon=HOME[1], accuracy_m=10.0)


# ----- withdraw --------------------------------------------------------------------------------


def test_the_author_withdraws_a_pending_deliverable(app_ctx, office, make_submission):
    s = make_submission(office.emp, title="Laporan verifikasi paspor")
    done = submissions.withdraw(s, office.emp)
    assert done.status == "withdrawn" and done.decided_by_id == office.emp.id
    entry = AuditEntry.get(AuditEntry.action == "cempaka.withdrawn")
    assert entry.actor_id == office.emp.id
    # it left the supervisor's queue and cannot be decided any more
    assert Submission.select().where(Submission.status == "pending").count() == 0
    with pytest.raises(errors.CempakaError):
        review.decide(Submission.get_by_id(s.id), office.boss, "approved")
    # withdrawing twice is refused
    with pytest.raises(errors.CempakaError):
        submissions.withdraw(Submission.get_by_id(s.id), office.emp)


def test_only_the_author_and_only_while_pending(app_ctx, office, make_submission):
    s = make_submission(office.emp)
    with pytest.raises(errors.CempakaError):
        submissions.withdraw(s, office.emp2)
    with pytest.raises(errors.CempakaError):
        submissions.withdraw(s, office.boss)
    assert Submission.get_by_id(s.id).status == "pending"
    decided = review.decide(s, office.boss, "approved")
    with pytest.raises(errors.CempakaError):
        submissions.withdraw(decided, office.emp)
    assert Submission.get_by_id(s.id).status == "approved"
    assert AuditEntry.select().where(AuditEntry.action == "cempaka.withdrawn").count() == 0


def test_withdraw_over_http_post_author_only(english, client, office, sign_in, make_submission):
    s = make_submission(office.emp, title="Laporan verifikasi paspor")
    sign_in(office.emp)
    page = client.get(f"/cempaka/{s.id}").get_data(as_text=True)
    assert 'id="withdraw-form"' in page
    assert client.get(f"/cempaka/{s.id}/withdraw").status_code == 405  # no change on GET
    sign_in(office.emp2)
    response = client.post_form(f"/cempaka/{s.id}/withdraw", {}, token_from="/home")
    assert response.status_code == 404
    assert Submission.get_by_id(s.id).status == "pending"
    sign_in(office.emp)
    response = client.post_form(f"/cempaka/{s.id}/withdraw", {}, token_from="/home")
    assert response.status_code == 303
    assert Submission.get_by_id(s.id).status == "withdrawn"
    page = client.get(f"/cempaka/{s.id}").get_data(as_text=True)
    assert "The deliverable was withdrawn: Laporan verifikasi paspor" in page
    assert "Withdrawn" in page and 'id="withdraw-form"' not in page
    mine = client.get("/cempaka/mine?status=withdrawn").get_data(as_text=True)
    assert f'id="mine-{s.id}"' in mine
    # the supervisor sees it withdrawn, with nothing left to decide
    sign_in(office.boss)
    queue = client.get("/cempaka/review").get_data(as_text=True)
    row = queue.split(f'<tr id="sub-{s.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="withdrawn"' in row
    assert 'name="decision"' not in row and 'name="ids"' not in row


# ----- approving a flagged deliverable takes a note ---------------------------------------------


def test_approving_a_flagged_deliverable_needs_a_note(app_ctx, office, make_submission, far):
    s = make_submission(office.emp, location=far)
    assert s.flags & FLAG_FAR
    with pytest.raises(errors.FlaggedNeedsNote) as err:
        review.decide(s, office.boss, "approved", "")
    assert err.value.field == "comment"
    assert Submission.get_by_id(s.id).status == "pending" and Review.select().count() == 0
    done = review.decide(s, office.boss, "approved", "Sedang dinas di Bekasi, sudah izin.")
    assert done.status == "approved"
    assert done.decision_comment == "Sedang dinas di Bekasi, sudah izin."
    # an unflagged one is still approved without a note
    plain = make_submission(office.emp, title="Notulen rapat")
    assert plain.flags == 0
    assert review.decide(plain, office.boss, "approved").status == "approved"


def test_inline_approve_of_a_flagged_row_without_note_says_why(
    english, client, office, sign_in, make_submission, far
):
    s = make_submission(office.emp, title="Rekap antrean loket", location=far)
    sign_in(office.boss)
    queue = client.get("/cempaka/review").get_data(as_text=True)
    assert "Note (required: this deliverable is flagged)" in queue
    response = client.post_form(
        f"/cempaka/review/{s.id}",
        {"decision": "approved", "comment": "", "version": "1"},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="sub-{s.id}"')
    assert "This deliverable is flagged: write a note saying why you approve it." in body
    assert Submission.get_by_id(s.id).status == "pending"
    response = client.post_form(
        f"/cempaka/review/{s.id}",
        {"decision": "approved", "comment": "Dinas luar.", "version": "1"},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 200
    assert Submission.get_by_id(s.id).status == "approved"


def test_detail_page_approve_of_a_flagged_one_without_note_says_why(
    english, client, office, sign_in, make_submission, far
):
    s = make_submission(office.emp, title="Rekap antrean loket", location=far)
    sign_in(office.boss)
    page = client.get(f"/cempaka/{s.id}").get_data(as_text=True)
    assert "Required for every decision: this deliverable is flagged" in page
    response = client.post_form(
        f"/cempaka/review/{s.id}",
        {"decision": "approved", "comment": "", "version": "1", "next": "detail"},
        token_from="/home",
    )
    assert response.status_code == 303
    assert Submission.get_by_id(s.id).status == "pending"
    page = client.get(f"/cempaka/{s.id}").get_data(as_text=True)
    assert "This deliverable is flagged: write a note saying why you approve it." in page


def test_bulk_approve_refuses_flagged_rows_with_a_message(
    english, client, office, sign_in, make_submission, far
):
    plain = make_submission(office.emp, title="Notulen rapat")
    flagged = make_submission(office.emp, title="Rekap antrean loket", location=far)
    sign_in(office.boss)
    response = client.post_form(
        "/cempaka/review/approve",
        {"ids": [str(plain.id), str(flagged.id)]},
        token_from="/home",
    )
    assert response.status_code == 303
    assert Submission.get_by_id(plain.id).status == "approved"
    assert Submission.get_by_id(flagged.id).status == "pending"
    page = client.get("/cempaka/review").get_data(as_text=True)
    assert "1 deliverables approved." in page
    assert "Not approved, because flagged: Rekap antrean loket." in page


# ----- the WFH place and the phone list ---------------------------------------------------------


def test_the_employee_sees_her_registered_wfh_place(english, client, office, sign_in):
    sign_in(office.emp)
    form = client.get("/cempaka/new").get_data(as_text=True)
    assert 'id="wfh-place"' in form and "Jl. Kenari 5, Jakarta" in form
    assert f"{HOME[0]:.6f}, {HOME[1]:.6f}" in form
    assert 'class="cempaka-legend' in form
    mine = client.get("/cempaka/mine").get_data(as_text=True)
    assert "measured against your registered WFH place: Jl. Kenari 5, Jakarta." in mine


def test_the_list_shows_flag_badges_below_the_wide_column(
    english, client, office, sign_in, make_submission, far
):
    s = make_submission(office.emp, title="Rekap antrean loket", location=far)
    sign_in(office.emp)
    mine = client.get("/cempaka/mine").get_data(as_text=True)
    row = mine.split(f'id="mine-{s.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="d-lg-none mt-1 cempaka-flags-narrow"' in row
    narrow = row.split("cempaka-flags-narrow", 1)[1].split("</div>", 1)[0]
    assert "Far from WFH place" in narrow


def test_a_withdrawn_deliverable_does_not_count_in_the_recap(app_ctx, office, make_submission):
    import datetime as dt

    kept = make_submission(office.emp, title="Notulen rapat")
    gone = make_submission(office.emp, title="Salah kirim")
    submissions.withdraw(gone, office.emp)
    [row] = [r for r in recap.recap(dt.date(2026, 11, 1), None) if r.employee_id == office.emp.id]
    assert (row.pending_days, row.submissions) == (1, 1)
    assert Submission.get_by_id(kept.id).status == "pending"
