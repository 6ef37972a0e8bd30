"""Registration at the desk: who may register, validation with clear messages and nothing
half-saved, daily numbers, repeat visitors, purposes from the settings, host search."""

import re

from intranet.audit.models import AuditEntry
from intranet.jali.models import Visit, Visitor
from intranet.jali.settings import DEFAULT_PURPOSES, set_purposes

from .conftest import VALID_NIK, visit_form


def _register(client, data, htmx=False):
    return client.post_form("/jali/register", data, htmx=htmx, token_from="/jali/register")


def test_reception_registers_a_wni_visitor(desk_client, desk):
    response = _register(desk_client, visit_form("wni", phone="0812 3456 7890"))
    assert response.status_code == 303
    visit = Visit.get()
    assert response.headers["Location"].endswith(f"/jali/visits/{visit.id}/sticker")
    assert (visit.category, visit.number, visit.name) == ("wni", 1, "Dewi Lestari")
    assert visit.visitor.id_number == VALID_NIK and visit.visitor.nationality == "ID"
    assert visit.phone == "081234567890" and visit.inside
    assert visit.registered_by_id == desk.id
    entry = AuditEntry.get(AuditEntry.action == "jali.visit_registered")
    assert entry.object_id == str(visit.id) and VALID_NIK not in entry.detail


def test_htmx_registration_redirects_to_the_sticker_page(desk_client):
    response = _register(desk_client, visit_form("wni"), htmx=True)
    assert response.status_code == 204
    assert re.search(r"/jali/visits/\d+/sticker$", response.headers["HX-Redirect"])


def test_numbers_run_per_day_and_repeat_visitors_are_one_record(desk_client):
    for _ in range(3):
        assert _register(desk_client, visit_form("wni", name="Dewi  Lestari ")).status_code == 303
    assert [v.number for v in Visit.select().order_by(Visit.id)] == [1, 2, 3]
    visitor = Visitor.get()
    assert Visitor.select().count() == 1 and visitor.visit_count == 3
    assert visitor.name == "Dewi Lestari"


def test_only_reception_and_admin_register(app, make_user, login_as, client):
    for role in ("pegawai", "atasan", "loket", "keuangan", "kepala", "inteldakim", "izin_tinggal"):
        login_as(make_user(role), client)
        assert client.get("/jali/register").status_code == 403, role
        response = client.post_form("/jali/register", visit_form("wni"), token_from="/home")
        assert response.status_code == 403, role
    assert Visit.select().count() == 0


def test_admin_may_register(app, make_user, login_as, client):
    login_as(make_user("admin"), client)
    response = client.post_form("/jali/register", visit_form("wni"), token_from="/jali/register")
    assert response.status_code == 303 and Visit.select().count() == 1


BAD_INPUT = [
    ("wni", {"id_number": "31710145089"}, "id_number", "exactly 16 digits (this one has 11)"),
    ("wni", {"id_number": "2071014508900001"}, "id_number", "not an Indonesian province"),
    ("wni", {"id_number": ""}, "id_number", "NIK is required for a WNI applicant"),
    ("wna", {"id_number": "12#45"}, "id_number", "only letters A-Z and digits"),
    ("wna", {"nationality": ""}, "nationality", "Choose the visitor&#39;s nationality"),
    ("wna", {"nationality": "ID"}, "nationality", "registered as a WNI applicant"),
    ("wni", {"name": "  "}, "name", "name is required"),
    ("wni", {"purpose": "Rapat/koordinasi"}, "purpose", "Choose a purpose listed"),
    ("wni", {"phone": "12"}, "phone", "8 to 15 digits"),
    ("official", {"institution": ""}, "institution", "institution is required"),
    ("official", {}, "host_q", "Choose the host employee, or the unit"),
    ("official", {"host_id": "99999"}, "host_q", "Choose the host from the search"),
    ("official", {"host_id": "9" * 40}, "host_q", "Choose the host from the search"),
    ("official", {"host_unit": "9" * 40}, "host_unit", "Choose a unit from the list"),
]


def test_bad_input_gets_a_clear_message_and_saves_nothing(desk_client):
    for category, overrides, field, message in BAD_INPUT:
        response = _register(desk_client, visit_form(category, **overrides), htmx=True)
        assert response.status_code == 422, (category, overrides)
        html = response.get_data(as_text=True)
        feedback = re.search(rf'id="fb-{field}">(.*?)</div>', html, re.S).group(1)
        assert message in feedback, (category, overrides, feedback)
    assert Visit.select().count() == 0 and Visitor.select().count() == 0
    assert not AuditEntry.select().where(AuditEntry.action.startswith("jali.")).exists()


def test_messages_are_in_indonesian_by_default(app, make_user, login_as, client):
    login_as(make_user("resepsionis", language="id"), client)
    response = _register(client, visit_form("wni", id_number="123"))
    assert "NIK harus tepat 16 digit" in response.get_data(as_text=True)


def test_purposes_come_from_the_settings(desk_client, app):
    with app.app_context():
        set_purposes({"wni": ["Legalisasi dokumen"], "wna": ["Lapor diri"], "official": ["Rapat"]})
    page = desk_client.get("/jali/register").get_data(as_text=True)
    assert "Legalisasi dokumen" in page and DEFAULT_PURPOSES["wni"][0] not in page
    assert _register(desk_client, visit_form("wni")).status_code == 422
    response = _register(desk_client, visit_form("wni", purpose="Legalisasi dokumen"))
    assert response.status_code == 303


def test_registration_page_is_keyboard_ready(desk_client):
    html = desk_client.get("/jali/register").get_data(as_text=True)
    # the checked category has the focus; the form ends with a submit button (Enter submits)
    assert re.search(r'id="category-wni" value="wni"\s+checked autofocus', html)
    assert 'type="submit" id="jali-submit"' in html
    assert 'tabindex="' not in html.replace('tabindex="-1"', "")  # natural tab order
    assert "style=" not in html


def test_repeat_visitor_lookup_prefills_and_reports_bad_numbers(desk_client):
    assert _register(desk_client, visit_form("wni", phone="081234567890")).status_code == 303
    hint = desk_client.get(
        "/jali/visitors/lookup",
        query_string={"category": "wni", "id_number": VALID_NIK},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert 'id="known-visitor"' in hint and "Dewi Lestari" in hint
    assert "data-prefill=" in hint and "081234567890" in hint
    bad = desk_client.get(
        "/jali/visitors/lookup",
        query_string={"category": "wni", "id_number": "31710"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert 'id="id-number-problem"' in bad and "known-visitor" not in bad
    unknown = desk_client.get(
        "/jali/visitors/lookup",
        query_string={"category": "wni", "id_number": "3273010101850002"},
    ).get_data(as_text=True)
    assert "known-visitor" not in unknown and "id-number-problem" not in unknown


def test_register_again_from_the_visitor_history(desk_client):
    _register(desk_client, visit_form("wna"))
    visitor = Visitor.get()
    page = desk_client.get(f"/jali/visitors/{visitor.id}").get_data(as_text=True)
    assert "John Smith" in page and "E1234567" in page
    form = desk_client.get(f"/jali/register?visitor={visitor.id}").get_data(as_text=True)
    assert 'value="E1234567"' in form and 'value="John Smith"' in form
    assert re.search(r'id="category-wna" value="wna"\s+checked', form)
    assert '<option value="AU" selected>' in form


def test_host_search_is_an_active_search_over_active_users(desk_client, make_user):
    make_user("atasan", name="Rina Kusuma")
    make_user(name="Rina Nonaktif", active=False)
    html = desk_client.get(
        "/jali/hosts", query_string={"host_q": "rina"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Rina Kusuma" in html and "Rina Nonaktif" not in html
    assert re.search(r'name="host_id" id="host-\d+" value="\d+" checked', html)  # preselected
    nothing = desk_client.get("/jali/hosts", query_string={"host_q": "zzzz"}).get_data(as_text=True)
    assert "No active employee matches" in nothing


def test_fragments_have_their_own_policy(app, make_user, login_as, client):
    for role in ("pegawai", "kepala"):
        login_as(make_user(role), client)
        assert client.get("/jali/hosts?host_q=ab").status_code == 403
        assert client.get("/jali/visitors/lookup?id_number=x").status_code == 403


def test_control_characters_never_reach_the_database(desk_client):
    response = _register(desk_client, visit_form("wni", name="Dewi\x1b Lestari\x07"))
    assert response.status_code == 303
    assert Visit.get().name == "Dewi Lestari"
    # NUL is refused before any view runs (foundation); the other controls are dropped here
    for path, args in [
        ("/jali/visits", {"q": "a\x01b"}),
        ("/jali/hosts", {"host_q": "ri\x02na"}),
        ("/jali/visitors/lookup", {"category": "wna", "id_number": "E12\x0334567"}),
        ("/jali/scan", {"code": "\x04"}),
    ]:
        assert desk_client.get(path, query_string=args).status_code in (200, 303), path
