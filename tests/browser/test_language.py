"""Real Chromium with an English browser: the public pages (the Si Owl status page, the IKM
survey, the sign-in page) open in English; once Indonesian is chosen they stay Indonesian."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def survey_path(app_ctx):
    from intranet.anggrek import services
    from intranet.people.models import Unit

    unit = Unit.create(code="LANTASKIM", name="Seksi Lalu Lintas Keimigrasian")
    counter = services.create_counter(code="L01", name="Loket 1", unit=unit)
    return f"/anggrek/s/{counter.survey_token}"


def test_an_english_browser_gets_english_until_indonesian_is_chosen(
    browser, live_server, survey_path
):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10000)
    try:
        page.goto("/owl/status")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Check your stay permit application").is_visible()
        page.goto(survey_path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="How was our service?").is_visible()
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Sign in to the intranet" in page.content()

        page.goto("/owl/status")
        page.click("#owl-lang-id")
        page.wait_for_selector("html[lang=id]")
        assert page.get_by_role("heading", name="Periksa permohonan izin tinggal Anda").is_visible()
        page.goto(survey_path)
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.get_by_role("heading", name="Bagaimana pelayanan kami?").is_visible()
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "id"
        assert "Masuk ke intranet" in page.content()
        page.reload()
        assert page.locator("html").get_attribute("lang") == "id"
    finally:
        context.close()
