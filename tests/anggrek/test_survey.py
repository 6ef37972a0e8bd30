"""Satisfaction (IKM, DESIGN §9): the computation and grades, the public form, one response per
ticket, the rate limit per IP in Redis, the QR code per counter."""

import re
from decimal import Decimal

import pytest

from intranet.anggrek import ikm, services
from intranet.anggrek.models import SurveyResponse

from .conftest import at


@pytest.mark.parametrize(
    "rows, value, grade",
    [
        ([[4] * 9], "100.00", "A"),
        ([[1] * 9], "25.00", "D"),
        ([[3] * 9], "75.00", "C"),
        # element means 3.5 (x4), 3.0 (x5) -> mean 29/9 = 3.2222 -> 80.56 -> B
        ([[4, 4, 4, 4, 3, 3, 3, 3, 3], [3, 3, 3, 3, 3, 3, 3, 3, 3]], "80.56", "B"),
    ],
)
def test_ikm_value_and_grade(rows, value, grade):
    result = ikm.from_ratings(rows)
    assert result.value == Decimal(value) and result.grade == grade


def test_ikm_is_the_mean_of_element_means_times_25():
    # Three responses; element sums 10,9,8,12,7,11,9,10,6 -> means /3; mean of means = 82/27
    rows = [
        [4, 3, 2, 4, 2, 4, 3, 4, 2],
        [3, 3, 3, 4, 2, 4, 3, 3, 2],
        [3, 3, 3, 4, 3, 3, 3, 3, 2],
    ]
    result = ikm.from_ratings(rows)
    assert result.element_means[0] == Decimal("3.33")
    assert result.element_means[8] == Decimal("2.00")
    # 82 / 27 * 25 = 75.925... -> 75.93 -> C
    assert result.value == Decimal("75.93") and result.grade == "C"


@pytest.mark.parametrize(
    "value, grade",
    [
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries(value, grade):
    assert ikm.grade(Decimal(value))[0] == grade


@pytest.fixture
def served(make_counter, make_officer, clock):
    counter, officer = make_counter(), make_officer(name="Sari Loket")
    t = services.issue_ticket("paspor_baru", at=at(0))
    services.open_counter(counter, officer, at=at(1))
    services.call_next(counter, officer, at=at(2))
    services.start_interview(counter, officer, t.id, at=at(3))
    services.finish_ticket(counter, officer, t.id, "served", at=at(9))
    clock.set(at(12))
    return counter, officer, t


def answers(number, rating=4, **extra):
    data = {"number": number, "comment": "Petugas ramah."}
    data.update({f"u{i}": str(rating) for i in range(1, 10)})
    data.update(extra)
    return data


def post_survey(client, counter, data, **kw):
    path = f"/anggrek/s/{counter.survey_token}"
    return client.post_form(path, data, token_from=path, **kw)


def test_public_form_records_one_response_per_ticket(served, client, make_user, login_as):
    counter, officer, ticket = served
    page = client.get(f"/anggrek/s/{counter.survey_token}")
    assert page.status_code == 200 and "Bagaimana pelayanan kami?" in page.get_data(as_text=True)
    r = post_survey(client, counter, answers("a001", rating=3, u7="4"))
    assert r.status_code == 200 and 'id="survey-thanks"' in r.get_data(as_text=True)
    response = SurveyResponse.get()
    assert (response.ticket_id, response.officer_id, response.u7, response.u1) == (
        ticket.id,
        officer.id,
        4,
        3,
    )
    # the same ticket again: refused, nothing added
    r = post_survey(client, counter, answers("A001"))
    assert r.status_code == 422 and "sudah dinilai" in r.get_data(as_text=True)
    assert SurveyResponse.select().count() == 1
    # the officer's score: means 3 (x8) and 4 -> 28/9*25 = 77.78 -> B
    login_as(make_user("kepala"))
    html = client.get("/anggrek/satisfaction?period=day&date=2026-11-27").get_data(as_text=True)
    row = html[html.index(f'data-officer="{officer.id}"') :]
    row = row[: row.index("</tr>")]
    assert re.search(r'data-role="ikm">77,78<', row) and 'data-role="grade">B<' in row


@pytest.mark.parametrize(
    "data, message",
    [
        (answers(""), "Masukkan nomor yang tercetak"),
        (answers("ZZ12"), "Nomor tiket berbentuk"),
        (answers("A001", u5=""), "Pilih penilaian"),
        (answers("A001", u5="7"), "Pilih penilaian"),
        (answers("A999"), "Tidak ada tiket A999"),
    ],
)
def test_bad_answers_get_a_clear_message_and_save_nothing(served, client, data, message):
    counter, *_ = served
    r = post_survey(client, counter, data)
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert SurveyResponse.select().count() == 0


def test_no_show_tickets_cannot_be_rated(make_counter, make_officer, client, clock):
    counter, officer = make_counter(), make_officer()
    t = services.issue_ticket("paspor_baru", at=at(0))
    services.open_counter(counter, officer, at=at(1))
    services.call_next(counter, officer, at=at(2))
    services.finish_ticket(counter, officer, t.id, "no_show", at=at(3))
    assert post_survey(client, counter, answers("A001")).status_code == 422


def test_rate_limited_per_ip_with_a_clear_429(served, client, app):
    counter, *_ = served
    app.config["ANGGREK_SURVEY_MAX_PER_IP"] = 3
    for _ in range(3):
        assert post_survey(client, counter, answers("A999")).status_code == 422
    r = post_survey(client, counter, answers("A001"))
    assert r.status_code == 429
    assert "Terlalu banyak tanggapan" in r.get_data(as_text=True)
    assert SurveyResponse.select().count() == 0
    # another address is not affected
    r = post_survey(client, counter, answers("A001"), environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert r.status_code == 200


def test_unknown_or_inactive_counter_survey_is_404(served, client, login_as, make_user):
    counter, officer, _t = served
    assert client.get("/anggrek/s/not-a-token").status_code == 404
    services.close_counter(counter, officer, at=at(10))
    services.update_counter(counter, code=counter.code, name=counter.name, is_active=False)
    assert client.get(f"/anggrek/s/{counter.survey_token}").status_code == 404


def test_qr_code_is_an_svg_of_the_survey_address(served, client, login_as, make_user):
    counter, *_ = served
    login_as(make_user("atasan"))
    r = client.get(f"/anggrek/counters/{counter.id}/qr.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.data.startswith(b"<svg") and b"<path" in r.data
    page = client.get(f"/anggrek/counters/{counter.id}/qr").get_data(as_text=True)
    assert f"/anggrek/s/{counter.survey_token}" in page
    # the QR encodes exactly that address
    import segno

    expected = segno.make(f"http://localhost/anggrek/s/{counter.survey_token}", error="m")
    out = __import__("io").BytesIO()
    expected.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, title=counter.name)
    assert r.data == out.getvalue()


def test_the_qr_code_and_the_heads_mail_use_the_public_address(
    served, client, login_as, make_user, app
):
    """With PUBLIC_URL set, the counter's QR code and a flag e-mail's link point at the public
    address, never at the host an admin's page happened to be asked on (core.links)."""
    app.config["SERVER_NAME_FOR_LINKS"] = "https://intranet.kanim-jakpus.example"
    counter, *_ = served
    login_as(make_user("atasan"))
    page = client.get(f"/anggrek/counters/{counter.id}/qr").get_data(as_text=True)
    assert f"https://intranet.kanim-jakpus.example/anggrek/s/{counter.survey_token}" in page
    assert "http://localhost/anggrek/s/" not in page  # the host this page was asked on
    from intranet.anggrek.flags import _case_url

    with app.test_request_context("/", headers={"Host": "10.0.0.5:5000"}):
        assert _case_url(7) == "https://intranet.kanim-jakpus.example/anggrek/flags/7"
