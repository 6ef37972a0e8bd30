"""Real Chromium at the front desk (the issue's "Done when"): reception registers one visitor of
each category with the keyboard, prints each sticker (the screenshot shows the category colour
and word), checks two out (QR confirmation, one click), the closing sweep checks out the third;
the official guest's host and Inteldakim (the WNA's permit in Si Owl's registry has expired)
receive their e-mails at the test SMTP server."""

import datetime as dt
import io
import re

import pytest
from PIL import Image

from intranet.jali.models import Visit
from intranet.jali.services import wib_today
from tests.conftest import browser_login, nav_click

from .conftest import VALID_NIK

pytestmark = pytest.mark.browser

BLUE, RED, GREEN = (21, 101, 192), (198, 40, 40), (46, 125, 50)


def _focused(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def _ready(page):
    """The registration form is on screen, its script set it up, the category has the focus."""
    page.wait_for_selector("#jali-register[data-jali-ready]")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'category-wni'"
    )


def _sticker(page, colour, word):
    """The sticker page: screenshot it, check a pixel of the sticker's area and the word."""
    page.wait_for_url(re.compile(r"/jali/visits/\d+/sticker$"))
    sticker = page.locator("#sticker")
    png = sticker.screenshot()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for x, y in ((4, 4), (image.width - 5, image.height // 2), (image.width // 2, 4)):
        pixel = image.getpixel((x, y))
        assert all(abs(a - b) <= 12 for a, b in zip(pixel, colour, strict=True)), (pixel, colour)
    assert page.locator("#sticker-category").inner_text().strip() == word
    assert page.locator("#sticker svg.jali-qr").count() == 1
    assert _focused(page) == "jali-print"  # Enter prints
    return int(page.url.rstrip("/").split("/")[-2])


def test_front_desk_day(page, live_server, make_user, owl_registry, run_jobs, mail_sink):
    desk = make_user("resepsionis", name="Sari Resepsionis", email="desk@kanim.example")
    host = make_user("atasan", name="Rina Kusuma", email="rina@kanim.example")
    make_user("inteldakim", name="Intel Satu", email="intel@kanim.example")
    owl_registry("E1234567", expiry=wib_today() - dt.timedelta(days=12))

    browser_login(page, desk.email)
    nav_click(page, "jali.show_desk")  # boosted navigation
    page.click("#jali-new-visit")
    _ready(page)

    # --- WNI, keyboard only: category (focused) > NIK > name > purpose > phone > Enter
    assert _focused(page) == "category-wni"
    page.keyboard.press("Tab")
    assert _focused(page) == "id_number"
    page.keyboard.type(VALID_NIK)
    page.keyboard.press("Tab")
    assert _focused(page) == "name"
    page.keyboard.type("Dewi Lestari")
    page.keyboard.press("Tab")
    assert _focused(page) == "purpose"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert _focused(page) == "phone"
    page.keyboard.type("0812 3456 7890")
    page.keyboard.press("Enter")
    wni = _sticker(page, BLUE, "WNI")

    # --- WNA with an expired permit: the desk sees the warning while typing
    page.click("#jali-next")
    _ready(page)
    page.keyboard.press("ArrowRight")  # category: WNA
    assert page.locator("#nationality").is_visible()
    assert page.locator("#id_number-label").inner_text() == "Nomor paspor"
    page.keyboard.press("Tab")
    page.keyboard.type("E1234567")
    page.keyboard.press("Tab")
    assert _focused(page) == "nationality"
    page.wait_for_selector("#permit-warning")
    assert "12 hari" in page.locator("#permit-warning").inner_text()
    page.select_option("#nationality", "AU")
    page.fill("#name", "John Smith")
    page.locator("#purpose").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert _focused(page) == "phone"
    page.keyboard.press("Enter")  # Enter in any text field registers
    wna = _sticker(page, RED, "WNA")
    assert page.locator("#permit-warning").is_visible()

    # --- official guest: active search for the host; the best match is preselected
    page.click("#jali-next")
    _ready(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#host_q").is_visible() and not page.locator("#nationality").is_visible()
    page.fill("#name", "Budi Santoso")
    page.fill("#institution", "Polda Metro Jaya")
    page.locator("#purpose").focus()
    page.keyboard.press("ArrowDown")
    page.locator("#host_q").focus()
    page.keyboard.type("rina")
    page.wait_for_selector(f"#host-{host.id}:checked")
    page.locator("#phone").focus()
    page.keyboard.press("Enter")
    official = _sticker(page, GREEN, "TAMU DINAS")

    # --- check-out by the sticker's QR code: a confirmation, then the POST
    page.goto(f"/jali/visits/{wni}/checkout")
    assert _focused(page) == "confirm-checkout"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/jali/$"))
    # --- check-out by one click in the list
    page.wait_for_selector(f"#inside-visit-{wna}")
    assert page.locator(f"#inside-visit-{official}").is_visible()
    page.locator(f"#inside-visit-{wna} button").click()
    page.wait_for_selector(f"#inside-visit-{wna}", state="detached")
    assert page.locator(f"#inside-visit-{official}").is_visible()

    # --- closing time: the sweep checks out the third
    with live_server.app.app_context():
        from intranet.jali.jobs import closing_sweep

        assert closing_sweep() == 1
        visits = {v.id: v for v in Visit.select()}
    assert [visits[i].checkout_method for i in (wni, wna, official)] == ["qr", "desk", "sweep"]
    page.goto("/jali/visits")
    assert page.locator("#visit-rows").get_by_text("Disisir").count() == 1
    page.goto("/jali/")
    assert page.locator("[data-category='official'] [data-count='inside']").inner_text() == "0"

    # --- e-mails through the outbox to the real SMTP sink
    run_jobs()
    mail_sink.wait_for(2)
    [notice] = mail_sink.to("rina@kanim.example")
    assert "Budi Santoso" in notice["Subject"] and "Polda Metro Jaya" in mail_sink.text_of(notice)
    [alert] = mail_sink.to("intel@kanim.example")
    assert "John Smith" in alert["Subject"]

    # --- the reports' 30-day chart, drawn by static/js/jali.js from the page's data island
    nav_click(page, "jali.show_reports")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('jali-chart'))"
    )
    today = page.evaluate(
        "Chart.getChart(document.getElementById('jali-chart')).data.datasets"
        ".map(d => d.data[d.data.length - 1])"
    )
    assert today == [1, 1, 1]
