"""The sticker page (label size from the settings, colour class, category word, QR of the
check-out URL) and who may read a visit."""

import datetime as dt
import re

from intranet.jali import services
from intranet.jali.settings import set_sticker_size

from .conftest import MORNING, VALID_NIK


def _visit(desk, category="wni", **kw):
    base = {
        "wni": dict(id_number=VALID_NIK, nationality="ID", name="Dewi Lestari"),
        "wna": dict(id_number="E1234567", nationality="AU", name="John Smith"),
    }[category]
    data = services.VisitInput(
        category=category, purpose="Konsultasi dan informasi", **{**base, **kw}
    )
    return services.register_visit(data, actor=desk, now=MORNING)[0]


def test_sticker_page(desk_client, desk):
    visit = _visit(desk)
    response = desk_client.get(f"/jali/visits/{visit.id}/sticker")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="jali-sticker jali-cat-wni"' in html
    assert re.search(r'id="sticker-category">\s*WNI\s*<', html)
    assert 'id="sticker-number">001<' in html and "Dewi Lestari" in html
    assert "Konsultasi dan informasi" in html and "27 November 2026" in html
    # the QR: inline SVG of the check-out URL, no style attributes anywhere (CSP)
    assert '<svg viewBox="0 0' in html and 'class="jali-qr"' in html
    assert "style=" not in html and "<script>" not in html
    assert 'href="/jali/sticker.css"' in html


def test_label_size_is_a_setting(desk_client, desk, app):
    css = desk_client.get("/jali/sticker.css")
    assert css.mimetype == "text/css"
    assert "@page { size: 62mm 100mm; margin: 0; }" in css.get_data(as_text=True)
    with app.app_context():
        set_sticker_size(50, 80)
    css = desk_client.get("/jali/sticker.css").get_data(as_text=True)
    assert "size: 50mm 80mm" in css and "--sticker-w: 50mm" in css


def test_qr_code_encodes_the_checkout_url(desk_client, desk):
    from intranet.jali.qr import qr_svg

    visit = _visit(desk)
    html = desk_client.get(f"/jali/visits/{visit.id}/sticker").get_data(as_text=True)
    expected = str(qr_svg(f"http://localhost/jali/visits/{visit.id}/checkout"))
    assert expected in html
    # with a public address configured, the QR and e-mail links use it, not the Host header
    desk_client.app.config["SERVER_NAME_FOR_LINKS"] = "https://intranet.kanim.example"
    html = desk_client.get(f"/jali/visits/{visit.id}/sticker").get_data(as_text=True)
    public = f"https://intranet.kanim.example/jali/visits/{visit.id}/checkout"
    assert str(qr_svg(public)) in html


def test_who_reads_a_visit(app, client, desk, make_user, login_as, owl_registry):
    from .conftest import TODAY

    wni = _visit(desk)
    owl_registry("E1234567", expiry=TODAY - dt.timedelta(days=12))
    with app.app_context():
        from intranet.jali.models import Visit

        # an expired-permit WNA visit, registered without Inteldakim officers to alert yet
        wna = _visit(desk, category="wna")
        assert Visit.get_by_id(wna.id).permit_expired
    login_as(make_user("kepala"), client)
    assert client.get(f"/jali/visits/{wni.id}").status_code == 200
    login_as(make_user("inteldakim"), client)
    assert client.get(f"/jali/visits/{wni.id}").status_code == 404  # not theirs to see
    page = client.get(f"/jali/visits/{wna.id}")
    assert page.status_code == 200 and 'id="permit-warning"' in page.get_data(as_text=True)
    assert client.get(f"/jali/visits/{wna.id}/sticker").status_code == 403
    login_as(make_user("pegawai"), client)
    assert client.get(f"/jali/visits/{wni.id}").status_code == 403
    assert client.get("/jali/visits").status_code == 403


def test_unknown_ids_are_404(desk_client):
    huge = "9" * 20  # beyond PostgreSQL's integer ids: not found, never a database error
    for path in (
        "/jali/visits/999",
        "/jali/visits/999/sticker",
        "/jali/visits/999/checkout",
        "/jali/visitors/999",
        f"/jali/visits/{huge}",
        f"/jali/visitors/{huge}",
    ):
        assert desk_client.get(path).status_code == 404, path
    assert desk_client.get("/jali/scan", query_string={"code": huge[:12]}).status_code == 303
    assert desk_client.get(f"/jali/register?visitor={huge}").status_code == 200
    assert desk_client.get(f"/jali/hosts?host_q=ab&host_id={huge}").status_code == 200
