"""Real Chromium: a foreigner checks an application on a phone, in English; a wrong passport
number reveals nothing. Staff see the compliance charts drawn under the CSP."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from intranet.owl import dates
from intranet.owl.services import overstay
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    p = context.new_page()
    p.set_default_timeout(10000)
    errors = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.errors = errors
    yield p
    context.close()


def test_foreigner_checks_status_on_a_phone_in_english(
    phone, make_foreigner, make_permit, make_application
):
    f = make_foreigner(name="Emma de Vries", passport_number="NXC12AB34", nationality="NL")
    expiry = dates.wib_today() + dt.timedelta(days=20)
    make_permit(f, expiry=expiry, today=dates.wib_today())
    application = make_application(f, received_on=dates.wib_today())

    phone.goto("/owl/status")
    assert phone.locator("html").get_attribute("lang") == "en"  # the phone's language first
    phone.click("#owl-lang-id")  # on the page itself: the header menu is folded on a phone
    phone.wait_for_selector("html[lang=id]")
    phone.click("#owl-lang-en")
    phone.wait_for_selector("html[lang=en]")
    expect(phone.get_by_role("heading", name="Check your stay permit application")).to_be_visible()
    # fits the phone: no horizontal scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = phone.locator("#status-form button[type=submit]").bounding_box()
    assert box["width"] > PHONE["width"] * 0.6 and box["height"] >= 40

    phone.fill("#application_number", application.number.lower())
    phone.fill("#passport_number", "nxc 12ab34")
    phone.click("#status-form button[type=submit]")
    phone.wait_for_selector("#status-result")
    result = phone.locator("#status-result").inner_text()
    assert f"Application {application.number}" in result
    assert "Received" in result
    assert expiry.strftime("%-d %B %Y") in result
    assert "Emma" not in phone.content()

    # a wrong passport number: the same answer as a number that does not exist
    phone.fill("#passport_number", "NXC12AB35")
    phone.click("#status-form button[type=submit]")
    phone.wait_for_selector("#status-not-found")
    wrong = phone.locator("#status-result").inner_text()
    assert application.number not in wrong
    assert "Received" not in wrong and expiry.strftime("%-d %B %Y") not in wrong
    phone.fill("#application_number", "IZT-2026-999999")
    phone.click("#status-form button[type=submit]")
    phone.wait_for_selector("#status-not-found")
    assert phone.locator("#status-result").inner_text() == wrong
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not [e for e in phone.errors if "Content Security Policy" in e]


def test_compliance_charts_render_under_the_csp(page, make_user, make_permit):
    make_permit(expiry=dates.wib_today() - dt.timedelta(days=20), today=dates.wib_today())
    overstay.run_overstay_scan(dates.wib_today())
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else 0)
    user = make_user("kepala", name="Kepala Kantor")
    browser_login(page, user.email)
    page.goto("/owl/compliance")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('chart-overstays'))"
    )
    drawn = page.evaluate(
        "() => ['chart-rate', 'chart-overstays', 'chart-nationality', 'chart-officers']"
        ".map(id => !!Chart.getChart(document.getElementById(id)))"
    )
    assert drawn == [True, True, True, True]
    assert csp_errors == []
