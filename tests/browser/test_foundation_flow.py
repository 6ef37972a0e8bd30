"""Real Chromium: sign in as each role, see only that role's navigation, switch language,
sign out; the back button does not bring the private page back."""

import pytest

from intranet.people.models import ROLES
from intranet.policy import admits, policy_for
from tests.conftest import browser_login, nav_click, open_menu, sign_out, switch_language

pytestmark = pytest.mark.browser


def _expected_nav(app, user):
    return {
        endpoint
        for _group, endpoint, _label in app.extensions["intranet_nav"]
        if admits(policy_for(endpoint, app), user)
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_navigation(page, live_server, make_user, role):
    user = make_user(role, name=f"Uji {role}")
    browser_login(page, user.email)
    shown = set(
        page.locator("#nav-links a, #account-menu a").evaluate_all(
            "els => els.map(e => e.dataset.endpoint)"
        )
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
    switch_language(page, "en")
    page.wait_for_selector("html[lang=en]")
    assert nav.get_by_role("link", name="Home").is_visible()
    # Boosted navigation keeps working in English
    nav_click(page, "people.list_users")
    page.wait_for_url("**/admin/users/")
    assert page.get_by_role("heading", name="Users").is_visible()
    switch_language(page, "id")
    page.wait_for_selector("html[lang=id]")
    assert page.get_by_role("heading", name="Pengguna").is_visible()
    sign_out(page)
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


def _inside(page, selector):
    box = page.locator(selector).bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_role_navigation_fits_a_laptop_and_a_phone(browser, live_server, make_user, language):
    """A user holding every role: at 1366x768 every menu and the user menu sit on one line inside
    the screen, and sign-out is reachable; on a 390x844 phone the bar folds into one menu that
    holds them all, without sideways scrolling."""
    user = make_user(*ROLES, name="Dr. Anindita Kusumawardhani, S.H., M.Si.")
    for size in ({"width": 1366, "height": 768}, {"width": 390, "height": 844}):
        context = browser.new_context(
            base_url=live_server.url,
            locale="id-ID" if language == "id" else "en-GB",
            viewport=size,
        )
        page = context.new_page()
        try:
            browser_login(page, user.email)
            if language == "en":
                switch_language(page, "en")
                page.wait_for_selector("html[lang=en]")
            phone = size["width"] < 992
            if phone:
                page.click(".navbar-toggler")
                page.wait_for_selector("#navmain.show")
            toggles = page.locator("#nav-links > li > .nav-link, #menu-account")
            assert toggles.count() >= 8
            tops = set()
            for i in range(toggles.count()):
                el = toggles.nth(i)
                assert el.is_visible()
                box = el.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 0.5, (
                    size,
                    el.inner_text(),
                    box,
                )
                assert box["height"] < 45, (el.inner_text(), box)  # one line: no wrapped label
                tops.add(round(box["y"]))
            if not phone:
                assert max(tops) - min(tops) <= 4, tops  # one row of menus
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"] + 1
            open_menu(page, "#menu-account")
            assert page.locator("#sign-out").is_visible() and _inside(page, "#sign-out")
            sign_out(page)
            page.wait_for_url("**/login")
        finally:
            context.close()
