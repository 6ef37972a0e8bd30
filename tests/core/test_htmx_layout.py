"""Layout behaviour under htmx: flashes reach fragment responses out of band."""

from flask import Blueprint, flash

from intranet.core.responses import render
from intranet.policy import SIGNED_IN, roles


def _signed_in_client(app_config, make_user, login_as, bp):
    """A client of a fresh app with the test blueprint ``bp``, signed in."""
    from intranet import create_app
    from tests.conftest import _isolated_client_class

    application = create_app("test", **app_config)
    application.test_client_class = _isolated_client_class()
    application.register_blueprint(bp)
    client = application.test_client()
    login_as(make_user(), client)
    return client


def test_flash_arrives_on_htmx_fragment(app_config, make_user, login_as):
    bp = Blueprint("flashy", __name__)

    @bp.get("/flashy")
    @roles(SIGNED_IN)
    def view():
        flash("Tersimpan.", "success")
        return render("errors/_error_fragment.html", code=200, message="fragment body")

    client = _signed_in_client(app_config, make_user, login_as, bp)
    body = client.get("/flashy", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "fragment body" in body
    assert 'id="flash-area" hx-swap-oob="beforeend"' in body and "Tersimpan." in body
    # Boosted navigation gets the whole page, flashes in place (not out of band):
    client.get("/flashy", headers={"HX-Request": "true", "HX-Boosted": "true"})
    page = client.get("/home").get_data(as_text=True)
    assert "hx-swap-oob" not in page


def test_ip_throttle(app, client, make_user):
    from tests.auth.test_sign_in import _login

    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    users = [make_user() for _ in range(4)]
    for u in users[:3]:
        _login(client, u.email, "wrong-password-1")
    response = _login(client, users[3].email)
    assert response.status_code == 422 and "Terlalu banyak" in response.get_data(as_text=True)


def test_templates_render_outside_a_request(app_ctx):
    """Workers render e-mails with no request: the layout's context processors must stand
    aside (Si Owl's bilingual e-mails render their second language with render_template)."""
    from flask import render_template_string

    assert render_template_string("{{ 1 + 1 }} {{ csrf_token is defined }}") == "2 True"


def test_navigation_bar_is_shared_but_names_tokens_and_paths_are_each_requests_own(
    app, make_user, login_as
):
    """The navigation bar is rendered once per language, role set and page
    (intranet.core.layout); each request fills in its own user name, CSRF token and path,
    escaped."""
    import re

    first = make_user("admin", name="Siti <b>Rahma</b> & co")
    second = make_user("admin", name="Budi Santoso")
    pages = []
    for user, query in ((first, 'q="><script>'), (second, "q=budi")):
        client = app.test_client()
        login_as(user, client)
        html = client.get("/admin/users/?" + query).get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        pages.append((html, token))
    (html_1, token_1), (html_2, token_2) = pages
    assert 'id="who">Siti &lt;b&gt;Rahma&lt;/b&gt; &amp; co</span>' in html_1
    assert 'id="who">Budi Santoso</span>' in html_2 and "Siti" not in html_2
    assert token_1 != token_2 and token_1 not in html_2
    assert 'name="next" value="/admin/users/?q=%22%3E%3Cscript%3E"' in html_1 or (
        'name="next" value="/admin/users/?q=&#34;&gt;&lt;script&gt;"' in html_1
    )
    assert 'name="next" value="/admin/users/?q=budi"' in html_2
    assert 'class="dropdown-item active" aria-current="page" href="/admin/users/"' in html_2
    assert "<script>" not in html_1.split("<main")[0].replace("<script src=", "")


def test_a_request_aimed_at_main_gets_the_whole_page(app_config, make_user, login_as):
    """A form posting with hx-target="#main" hx-select="#main" (boosted or not) must get a page
    with #main back, errors included; a request aimed at a part gets the fragment. An error page
    for htmx goes to the flash area with the form's hx-select unset (issue 15 item 1)."""
    from flask import abort

    from intranet.core.responses import render_invalid

    bp = Blueprint("aimed", __name__)

    @bp.get("/aimed")
    @roles(SIGNED_IN)
    def view():
        return render_invalid("errors/error.html", code=422, message="NIK salah")

    @bp.get("/refused")
    @roles(SIGNED_IN)
    def refused():
        abort(403)

    client = _signed_in_client(app_config, make_user, login_as, bp)
    hx = {"HX-Request": "true"}
    for headers in ({**hx, "HX-Target": "main"}, {**hx, "HX-Boosted": "true"}, {}):
        response = client.get("/aimed", headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and '<main id="main"' in body and "NIK salah" in body
    part = client.get("/aimed", headers={**hx, "HX-Target": "console"}).get_data(as_text=True)
    assert "NIK salah" in part and '<main id="main"' not in part
    answer = client.get("/refused", headers={**hx, "HX-Target": "main"})
    assert answer.status_code == 403
    assert answer.headers["HX-Retarget"] == "#flash-area"
    assert answer.headers["HX-Reselect"] == "unset"
