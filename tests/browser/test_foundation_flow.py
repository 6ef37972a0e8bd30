"""Real Chromium: sign in as each role, see only that role's navigation, switch language,
sign out; the back button does not bring the private page back."""

import pytest

from intranet.people.models import ROLES
from intranet.policy import admits, policy_for
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def _expected_nav(app, user):
    return {
        endpoint
        for endpoint, _label in app.extensions["intranet_nav"]
        if admits(policy_for(endpoint, app), user)
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_navigation(page, live_server, make_user, role):
    user = make_user(role, name=f"Uji {role}")
    browser_login(page, user.email)
    shown = set(
        page.locator("#nav-links a").evaluate_all("els => els.map(e => e.dataset.endpoint)")
    )
    assert shown == _expected_nav(live_server.app, user)
    if role != "admin":
        assert "people.list_users" not in shown and "audit.list_entries" not in shown
        page.goto("/admin/users/")
        assert page.locator("#error-page").is_visible()
    assert page.locator("#who").inner_text() == user.name


def test_language_switch_and_sign_out(page, make_user):
    user = make_user("admin", name="Rina Wulandari")
    browser_login(page, user.nip)
    assert page.locator("html").get_attribute("lang") == "id"
    nav = page.locator("#nav-links")
    assert nav.get_by_role("link", name="Beranda").is_visible()
    page.click("button[name=lang][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert nav.get_by_role("link", name="Home").is_visible()
    # Boosted navigation keeps working in English
    nav.get_by_role("link", name="Users").click()
    page.wait_for_url("**/admin/users/")
    assert page.get_by_role("heading", name="Users").is_visible()
    page.click("button[name=lang][value=id]")
    page.wait_for_selector("html[lang=id]")
    assert page.get_by_role("heading", name="Pengguna").is_visible()
    page.click("#sign-out")
    page.wait_for_url("**/login")
    assert "Anda telah keluar" in page.content()
    page.go_back()
    page.wait_for_load_state()
    assert "Rina Wulandari" not in page.content()
    assert "/login" in page.url
    page.goto("/home")
    assert "/login" in page.url


def test_active_search_in_users_list(page, make_user):
    admin = make_user("admin")
    make_user(name="Bambang Sutrisno")
    make_user(name="Dewi Lestari")
    browser_login(page, admin.email)
    page.goto("/admin/users/")
    page.fill("#q", "bambang")
    page.wait_for_function(
        "() => !document.querySelector('#user-rows').innerText.includes('Dewi Lestari')"
    )
    assert "Bambang Sutrisno" in page.locator("#user-rows").inner_text()
    assert "q=bambang" in page.url


def test_inline_validation_and_422_form(page, make_user):
    admin = make_user("admin")
    browser_login(page, admin.email)
    page.goto("/admin/users/new")
    page.fill("#nip", "19861326 201505 1 001")
    page.locator("#nip").blur()
    page.wait_for_function("() => document.querySelector('#fb-nip').innerText.length > 0")
    assert "tanggal lahir" in page.locator("#fb-nip").inner_text()
    page.fill("#name", "Siti")
    page.click("#user-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#fb-email').innerText.length > 0")
    assert "wajib" in page.locator("#fb-email").inner_text()


def test_no_console_errors_or_csp_violations(page, make_user):
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    admin = make_user("admin")
    browser_login(page, admin.email)
    for path in ("/home", "/admin/users/", "/admin/audit/", "/admin/mail/", "/account/password"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert messages == []
