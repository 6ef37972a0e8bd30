"""The review queue: direct reports only, inline decisions, bulk approve, revisions, files."""

import datetime as dt
import re

import pytest

from intranet.audit.models import AuditEntry
from intranet.cempaka import errors, location, queries, review
from intranet.cempaka.models import (
    FLAG_FAR,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)

from .conftest import HOME, pdf_bytes


@pytest.fixture
def queue(office, make_submission):
    """Two pending deliverables of the boss's reports, one of the other boss's report."""
    mine_a = make_submission(office.emp, title="Laporan verifikasi paspor")
    far = location.Location(status="ok", lat=HOME[0] + 0.05, lon=HOME[1], accuracy_m=10.0)
    mine_b = make_submission(office.emp2, title="Rekap antrean loket", location=far)
    theirs = make_submission(office.stranger, title="Draf SOP izin tinggal")
    return mine_a, mine_b, theirs


def test_queue_shows_only_direct_reports(client, office, queue, sign_in):
    mine_a, mine_b, theirs = queue
    sign_in(office.boss)
    body = client.get("/cempaka/review").get_data(as_text=True)
    assert "Laporan verifikasi paspor" in body and "Rekap antrean loket" in body
    assert "Draf SOP izin tinggal" not in body
    assert f'id="sub-{theirs.id}"' not in body
    sign_in(office.other_boss)
    body = client.get("/cempaka/review").get_data(as_text=True)
    assert "Draf SOP izin tinggal" in body and "Laporan verifikasi paspor" not in body


def test_supervisor_cannot_see_or_decide_another_supervisors_reports(
    client, office, queue, sign_in
):
    mine_a, _b, theirs = queue
    sign_in(office.boss)
    assert client.get(f"/cempaka/{theirs.id}").status_code == 404
    assert client.get(f"/cempaka/{theirs.id}/location").status_code == 404
    [f] = SubmissionFile.select().where(SubmissionFile.submission == theirs.id)
    assert client.get(f"/cempaka/files/{f.id}").status_code == 404
    response = client.post_form(
        f"/cempaka/review/{theirs.id}", {"decision": "approved"}, htmx=True, token_from="/home"
    )
    assert response.status_code == 404
    response = client.post_form(
        "/cempaka/review/approve", {"ids": [str(theirs.id)]}, token_from="/home"
    )
    assert response.status_code == 303
    assert Submission.get_by_id(theirs.id).status == "pending"
    assert not Review.select().exists()
    # and filtering the queue by another's report shows nothing of theirs
    body = client.get(f"/cempaka/review?employee={office.stranger.id}").get_data(as_text=True)
    assert "Draf SOP izin tinggal" not in body
    # the employee themself cannot decide (not a supervisor)
    sign_in(office.emp)
    response = client.post_form(
        f"/cempaka/review/{mine_a.id}", {"decision": "approved"}, token_from="/home"
    )
    assert response.status_code == 403


def test_service_refuses_a_decision_by_someone_else(app_ctx, office, queue):
    _a, _b, theirs = queue
    with pytest.raises(errors.CempakaError):
        review.decide(theirs, office.boss, "approved")
    assert Submission.get_by_id(theirs.id).status == "pending"


def test_inline_approve_swaps_the_row(client, office, queue, sign_in):
    mine_a, _b, _t = queue
    sign_in(office.boss)
    response = client.post_form(
        f"/cempaka/review/{mine_a.id}",
        {"decision": "approved", "version": "1"},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="sub-{mine_a.id}" data-status="approved"')
    assert "<html" not in body
    s = Submission.get_by_id(mine_a.id)
    assert s.status == "approved" and s.decided_by_id == office.boss.id
    review = Review.get()
    assert (review.decision, review.version, review.reviewer_id) == ("approved", 1, office.boss.id)
    entry = AuditEntry.get(AuditEntry.action == "cempaka.decided")
    assert entry.actor_id == office.boss.id and '"approved"' in entry.detail
    # deciding again is refused with a message, nothing changes
    again = client.post_form(
        f"/cempaka/review/{mine_a.id}",
        {"decision": "rejected", "comment": "tidak"},
        htmx=True,
        token_from="/home",
    )
    assert again.status_code == 422
    assert Submission.get_by_id(mine_a.id).status == "approved"
    assert Review.select().count() == 1


def test_revision_and_rejection_need_a_comment(english, client, office, queue, sign_in):
    mine_a, mine_b, _t = queue
    sign_in(office.boss)
    response = client.post_form(
        f"/cempaka/review/{mine_a.id}",
        {"decision": "revision"},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 422
    assert "Write a comment" in response.get_data(as_text=True)
    assert Submission.get_by_id(mine_a.id).status == "pending"
    response = client.post_form(
        f"/cempaka/review/{mine_a.id}",
        {"decision": "revision", "comment": "Lengkapi tabel rekap."},
        htmx=True,
        token_from="/home",
    )
    assert response.status_code == 200
    s = Submission.get_by_id(mine_a.id)
    assert s.status == "revision" and s.decision_comment == "Lengkapi tabel rekap."
    response = client.post_form(
        f"/cempaka/review/{mine_b.id}", {"decision": "bogus"}, htmx=True, token_from="/home"
    )
    assert response.status_code == 422
    assert Submission.get_by_id(mine_b.id).status == "pending"


def test_bulk_approve_takes_only_unflagged_rows(client, office, queue, sign_in, make_submission):
    mine_a, mine_b, _t = queue
    assert mine_a.flags == 0 and mine_b.flags & FLAG_FAR
    third = make_submission(office.emp, title="Notulen rapat")
    sign_in(office.boss)
    page = client.get("/cempaka/review").get_data(as_text=True)
    boxes = set(re.findall(r'name="ids" value="(\d+)"', page))
    assert boxes == {str(mine_a.id), str(third.id)}  # no checkbox on the flagged row
    response = client.post_form(
        "/cempaka/review/approve",
        {"ids": [str(mine_a.id), str(mine_b.id), str(third.id)]},
        token_from="/home",
    )
    assert response.status_code == 303
    statuses = {s.id: s.status for s in Submission.select()}
    assert statuses[mine_a.id] == statuses[third.id] == "approved"
    assert statuses[mine_b.id] == "pending"
    assert Review.select().count() == 2


def test_queue_filters_and_pending_first(english, client, office, queue, sign_in, make_submission):
    mine_a, mine_b, _t = queue
    old = make_submission(office.emp, title="Arsip lama", work_date=dt.date(2026, 11, 20))
    review.decide(old, office.boss, "approved")
    sign_in(office.boss)
    body = client.get("/cempaka/review").get_data(as_text=True)
    order = [int(i) for i in re.findall(r'<tr id="sub-(\d+)"', body)]
    assert order == [mine_a.id, mine_b.id, old.id]  # pending first, then decided
    assert "2 deliverables waiting" in client.get("/cempaka/review").get_data(as_text=True)

    def ids(query):
        html = client.get("/cempaka/review?" + query).get_data(as_text=True)
        return {int(i) for i in re.findall(r'<tr id="sub-(\d+)"', html)}

    assert ids("status=approved") == {old.id}
    assert ids(f"flag={FLAG_FAR}") == {mine_b.id}
    assert ids("flag=-1") == {mine_a.id, old.id}
    assert ids(f"employee={office.emp2.id}") == {mine_b.id}
    assert ids("q=antrean") == {mine_b.id}
    assert ids("q=agus") == {mine_b.id}  # employee name
    assert ids("from=2026-11-21&to=2026-11-30") == {mine_a.id, mine_b.id}
    assert ids("q=%25") == {mine_a.id, mine_b.id, old.id}  # wildcards are plain text
    # active search answers with the rows fragment only
    fragment = client.get(
        "/cempaka/review?q=antrean", headers={"HX-Request": "true", "HX-Target": "queue-rows"}
    )
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="queue-rows">') and "<nav" not in text


def test_queue_pages_without_counting_history(client, office, sign_in, make_submission):
    for i in range(25):
        s = make_submission(office.emp, title=f"Laporan {i}")
        if i >= 3:
            review.decide(s, office.boss, "approved")
    sign_in(office.boss)
    first = client.get("/cempaka/review").get_data(as_text=True)
    second = client.get("/cempaka/review?page=2").get_data(as_text=True)
    ids1 = re.findall(r'<tr id="sub-(\d+)"', first)
    ids2 = re.findall(r'<tr id="sub-(\d+)"', second)
    assert len(ids1) == 20 and len(ids2) == 5 and not set(ids1) & set(ids2)
    assert 'data-status="pending"' in first.split(f'<tr id="sub-{ids1[2]}"')[1][:60]
    assert "page=2" in first and "page=3" not in second


def test_employee_resubmits_a_revision_and_history_is_kept(
    english, client, office, queue, sign_in, submit_as
):
    mine_a, _b, _t = queue
    review.decide(mine_a, office.boss, "revision", "Tambahkan ringkasan.")
    sign_in(office.emp)
    page = client.get(f"/cempaka/{mine_a.id}/revise").get_data(as_text=True)
    assert "Tambahkan ringkasan." in page and "data-geo" in page
    import io

    response = client.post_form(
        f"/cempaka/{mine_a.id}/revise",
        {
            "title": "Laporan verifikasi paspor (revisi)",
            "description": "Ringkasan ditambah.",
            "keep_files": "y",
            "geo_status": "denied",
            "files": [(io.BytesIO(pdf_bytes("ringkasan")), "ringkasan.pdf")],
        },
        content_type="multipart/form-data",
        token_from="/home",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    s = Submission.get_by_id(mine_a.id)
    assert (s.status, s.version, s.title, s.file_count) == (
        "pending",
        2,
        "Laporan verifikasi paspor (revisi)",
        2,
    )
    assert s.location_status == "denied" and s.lat is None
    old = SubmissionVersion.get(SubmissionVersion.submission == s.id)
    assert old.version == 1 and old.title == "Laporan verifikasi paspor"
    assert old.location_status == "ok" and old.lat is not None
    names = {
        (f.version, f.original_name)
        for f in SubmissionFile.select().where(SubmissionFile.submission == s.id)
    }
    assert names == {(1, "laporan.pdf"), (2, "laporan.pdf"), (2, "ringkasan.pdf")}
    detail = client.get(f"/cempaka/{s.id}").get_data(as_text=True)
    assert "Tambahkan ringkasan." in detail and "Version 1" in client.get(
        f"/cempaka/{s.id}"
    ).get_data(as_text=True)
    # the supervisor decides the new version (sent without a location: flagged, so with a note)
    approved = review.decide(
        Submission.get_by_id(s.id), office.boss, "approved", "Lokasi dikonfirmasi lisan."
    )
    assert approved.status == "approved" and approved.version == 2
    # a decided deliverable cannot be revised any more
    again = client.post_form(
        f"/cempaka/{s.id}/revise",
        {"title": "x" * 5},
        content_type="multipart/form-data",
        token_from="/home",
    )
    assert again.status_code == 303 and Submission.get_by_id(s.id).version == 2


def test_only_the_owner_may_revise(client, office, queue, sign_in):
    mine_a, _b, _t = queue
    review.decide(mine_a, office.boss, "revision", "Perbaiki.")
    sign_in(office.emp2)
    assert client.get(f"/cempaka/{mine_a.id}/revise").status_code == 404
    sign_in(office.boss)
    assert client.get(f"/cempaka/{mine_a.id}/revise").status_code == 404


def test_files_are_served_as_attachments_only_to_those_allowed(client, office, queue, sign_in):
    mine_a, _b, theirs = queue
    [f] = SubmissionFile.select().where(SubmissionFile.submission == mine_a.id)
    [other] = SubmissionFile.select().where(SubmissionFile.submission == theirs.id)
    sign_in(office.emp)
    response = client.get(f"/cempaka/files/{f.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "laporan.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    # another employee's file: not found, whoever's it is
    assert client.get(f"/cempaka/files/{other.id}").status_code == 404
    sign_in(office.emp2)
    assert client.get(f"/cempaka/files/{f.id}").status_code == 404
    assert client.get(f"/cempaka/{mine_a.id}").status_code == 404
    # the supervisor, the head and the admin may; their downloads are audited
    for reader in (office.boss, office.head, office.admin):
        sign_in(reader)
        assert client.get(f"/cempaka/files/{f.id}").status_code == 200
    assert AuditEntry.select().where(AuditEntry.action == "cempaka.file_downloaded").count() == 3


def test_views_of_others_coordinates_are_audited(client, office, queue, sign_in):
    mine_a, _b, _t = queue
    sign_in(office.boss)
    fragment = client.get(f"/cempaka/{mine_a.id}/location", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert f"{mine_a.lat:.6f}" in text and 'class="cempaka-map"' in text
    # the queue itself shows distance and flags, not coordinates
    queue_page = client.get("/cempaka/review").get_data(as_text=True)
    assert f"{mine_a.lat:.6f}" not in queue_page and str(mine_a.lat) not in queue_page
    sign_in(office.head)
    assert f"{mine_a.lat:.6f}" in client.get(f"/cempaka/{mine_a.id}").get_data(as_text=True)
    entries = list(AuditEntry.select().where(AuditEntry.action == "cempaka.location_viewed"))
    assert [e.actor_id for e in entries] == [office.boss.id, office.head.id]
    assert all(e.object_id == str(mine_a.id) for e in entries)
    assert all(str(mine_a.lat)[:6] not in e.detail for e in entries)


def test_prepared_list_queries_match_the_built_ones(app_ctx, office, queue, make_submission):
    mine_a, mine_b, _t = queue
    archived = []
    for i in range(4):
        s = make_submission(office.emp, title=f"Arsip {i}", work_date=dt.date(2026, 11, 16 + i))
        review.decide(s, office.boss, "approved" if i % 2 else "rejected", "Catatan.")
        archived.append(s)
    for page in (1, 2):
        prepared = queries.review_queue(office.boss, queries.QueueFilters(), page, 3)
        # a filter that changes nothing takes the ordinary (built) path
        built = queries.review_queue(
            office.boss, queries.QueueFilters(date_from=dt.date(2000, 1, 1)), page, 3
        )
        assert [tuple(r)[:-1] if hasattr(r, "total") else tuple(r) for r in prepared[0]] == [
            tuple(r)[:-1] if hasattr(r, "total") else tuple(r) for r in built[0]
        ]
        assert prepared[1:] == built[1:]
    rows, _more = queries.my_submissions(office.emp, page=1, per_page=50)
    assert [r.id for r in rows] == [mine_a.id] + [s.id for s in reversed(archived)]
    first = rows[0]
    assert isinstance(first.work_date, dt.date) and isinstance(first.submitted_at, dt.datetime)
    assert {r.status for r in queries.my_submissions(office.emp, "approved")[0]} == {"approved"}


def test_list_rows_escape_what_people_typed_in_both_languages(
    client, office, sign_in, make_submission
):
    """The rows are written in Python (presenters): titles, names, comments and file names are
    escaped, the words follow the reader's language and the inline-decision row keeps the
    typed comment and the error."""
    from intranet.people.models import User

    User.update(name="Dewi <b>Lestari</b>").where(User.id == office.emp.id).execute()
    evil = make_submission(office.emp, title='<script>alert("x")</script> & co', name="a<b>.pdf")
    decided = make_submission(office.emp, title="Sudah diputus")
    review.decide(decided, office.boss, "revision", "Lengkapi <i>lampiran</i>")
    sign_in(office.boss)
    page = client.get("/cempaka/review").get_data(as_text=True)
    assert (
        "<script>alert" not in page
        and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in page
    )
    assert "Dewi &lt;b&gt;Lestari&lt;/b&gt;" in page and "<b>Lestari" not in page
    assert "a&lt;b&gt;.pdf" in page
    assert "Lengkapi &lt;i&gt;lampiran&lt;/i&gt;" in page
    assert f'<option value="{office.emp.id}">Dewi &lt;b&gt;Lestari&lt;/b&gt;</option>' in page
    assert "Setujui" in page or "Approve" not in page.split('id="sub-')[1]  # Indonesian words
    row = page.split(f'<tr id="sub-{evil.id}"')[1].split("</tr>")[0]
    assert f'href="/cempaka/{evil.id}"' in row and f'hx-post="/cempaka/review/{evil.id}"' in row
    assert f'hx-get="/cempaka/{evil.id}/location"' in row
    # the same rows in English
    User.update(language="en").where(User.id == office.boss.id).execute()
    sign_in(office.boss)
    english_page = client.get("/cempaka/review").get_data(as_text=True)
    assert ">Approve</button>" in english_page and "Revision requested" in english_page
    # a refused inline decision answers with the row, the comment kept and the error shown
    response = client.post_form(
        f"/cempaka/review/{evil.id}",
        {"decision": "revision", "comment": "", "version": "1"},
        htmx=True,
        token_from="/home",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and f'<tr id="sub-{evil.id}"' in text
    assert "is-invalid" in text and 'role="alert"' in text
    # the employee's own list
    sign_in(office.emp)
    mine = client.get("/cempaka/mine").get_data(as_text=True)
    assert "&lt;script&gt;alert" in mine and "<script>alert" not in mine
    assert f'href="/cempaka/{decided.id}/revise"' in mine
    assert "Lengkapi &lt;i&gt;lampiran&lt;/i&gt;" in mine


def test_remembered_rows_follow_every_change_of_the_row(client, office, sign_in, make_submission):
    """Finished rows are remembered by their values (presenters._ROWS): a reload shows the same
    markup, and any change to what a row shows - a decision, a new title - shows at once."""
    from intranet.cempaka.models import Submission

    sub = make_submission(office.emp, title="Laporan mingguan")
    sign_in(office.boss)

    def row(path, prefix):
        page = client.get(path).get_data(as_text=True)
        return page.split(f'<tr id="{prefix}-{sub.id}"')[1].split("</tr>")[0]

    first = row("/cempaka/review", "sub")
    assert row("/cempaka/review", "sub") == first and 'name="decision"' in first
    Submission.update(title="Laporan mingguan (revisi judul)").where(
        Submission.id == sub.id
    ).execute()
    assert "Laporan mingguan (revisi judul)" in row("/cempaka/review", "sub")
    review.decide(Submission.get_by_id(sub.id), office.boss, "approved", "Bagus")
    decided = row("/cempaka/review?status=approved", "sub")
    assert 'name="decision"' not in decided and "Bagus" in decided
    sign_in(office.emp)
    assert "Bagus" in row("/cempaka/mine", "mine")


def test_inline_decision_answers_the_new_count_focus_and_announcement(
    client, office, english, sign_in, make_submission
):
    """The row comes with the queue's count out of band, counted with the page's filters (htmx
    sends the page's address), and names the next control and the sentence to announce."""
    import json

    mine = [make_submission(office.emp, title=f"Laporan Dewi {n}") for n in range(3)]
    make_submission(office.emp2, title="Laporan Agus")
    titled = make_submission(office.emp, title="Rapat dengan Pak Núñez")
    sign_in(office.boss)

    def decide(sub, page, decision="approved", comment=""):
        return client.post_form(
            f"/cempaka/review/{sub.id}",
            {"decision": decision, "comment": comment},
            htmx=True,
            token_from="/home",
            headers={"HX-Current-URL": f"http://localhost{page}"},
        )

    def count(response):
        html = response.get_data(as_text=True)
        match = re.search(r'<template><p [^>]*id="pending-count"[^>]*>([^<]*)</p></template>', html)
        assert match and 'hx-swap-oob="true"' in html, html
        return match.group(1)

    r = decide(mine[0], "/cempaka/review")
    assert r.status_code == 200
    assert count(r) == "4 deliverables waiting for your decision"
    [(event, detail)] = json.loads(r.headers["HX-Trigger-After-Settle"]).items()
    assert event == "intranet:after-swap"
    assert detail == {
        "message": "Approved: Laporan Dewi 0",
        "focus": ".cempaka-decision button[name=decision]",
        "after": f"#sub-{mine[0].id}",
        "fallback": "#pending-count",
    }
    # the page was filtered to one employee: her count
    r = decide(mine[1], f"/cempaka/review?employee={office.emp.id}&q=")
    assert count(r) == "2 deliverables waiting for your decision"
    # a title beyond ASCII reaches the announcement intact (the header is ASCII JSON)
    r = decide(titled, "/cempaka/review", decision="rejected", comment="Salah berkas.")
    assert r.headers["HX-Trigger-After-Settle"].isascii()
    announced = json.loads(r.headers["HX-Trigger-After-Settle"])["intranet:after-swap"]
    assert announced["message"] == "Rejected: Rapat dengan Pak Núñez"
    assert count(r) == "2 deliverables waiting for your decision"
    # refused: the row keeps its form; the keyboard goes to its comment field, no count
    r = decide(mine[2], "/cempaka/review", decision="revision")
    assert r.status_code == 422
    refused = json.loads(r.headers["HX-Trigger-After-Settle"])["intranet:after-swap"]
    assert refused == {"focus": f"#sub-{mine[2].id} textarea", "fallback": f"#sub-{mine[2].id}"}
    assert "pending-count" not in r.get_data(as_text=True)
