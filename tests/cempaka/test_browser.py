"""Real Chromium with emulated geolocation: submit with location granted and denied (try again or
send without), the maps' legend and WFH place, the phone list, withdraw, review inline, resubmit
a revision, and the e-mails at the test SMTP server."""

import re

import pytest

from intranet.cempaka import location
from intranet.cempaka.models import Submission, SubmissionVersion
from tests.conftest import browser_login, nav_click

from .conftest import HOME, pdf_bytes

pytestmark = pytest.mark.browser

GRANTED = {"latitude": HOME[0] + 0.0009, "longitude": HOME[1] - 0.0004, "accuracy": 18}


def _context(browser, live_server, granted=True, position=GRANTED):
    options = {"base_url": live_server.url, "locale": "en-US"}
    if granted:
        options.update(geolocation=position, permissions=["geolocation"])
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    return context


def _attach(page, name="laporan.pdf", data=None):
    page.set_input_files(
        "#files",
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data or pdf_bytes(name)}],
    )


def _open_form_via_navigation(page):
    """Reach the form the way staff do: boosted links from the home page."""
    nav_click(page, "cempaka.my_submissions")
    page.wait_for_url("**/cempaka/mine")
    page.click("#new-deliverable")
    page.wait_for_url("**/cempaka/new")
    page.wait_for_function("() => window.L !== undefined")  # the page's own scripts are loaded


def _submission_id(page):
    match = re.search(r"/cempaka/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def test_submit_with_location_granted(browser, live_server, office):
    context = _context(browser, live_server)
    page = context.new_page()
    browser_login(page, office.emp.email)
    _open_form_via_navigation(page)
    # the employee sees the registered WFH place she is measured against, on its own map
    assert "Jl. Kenari 5, Jakarta" in page.inner_text("#wfh-place")
    page.wait_for_selector("#wfh-place .cempaka-map.leaflet-container")
    assert page.is_visible("#wfh-place .cempaka-legend [data-key=radius]")
    page.fill("#title", "Laporan verifikasi berkas paspor")
    page.fill("#description", "Dikerjakan dari rumah.")
    _attach(page)
    page.click("#cempaka-submit")
    page.wait_for_url(re.compile(r".*/cempaka/\d+$"))
    s = Submission.get_by_id(_submission_id(page))
    assert s.location_status == "ok"
    assert s.lat == pytest.approx(GRANTED["latitude"], abs=1e-9)
    assert s.lon == pytest.approx(GRANTED["longitude"], abs=1e-9)
    assert s.accuracy_m == pytest.approx(18)
    assert s.device_time is not None
    assert 90 < s.distance_m < 120  # ~100 m from the registered place
    assert not s.flags & 1 and not s.flags & 2 and not s.flags & 4  # location, accuracy, radius
    # the detail page shows the map (Leaflet drew it, no tiles configured) and the coordinates
    page.wait_for_selector(".cempaka-map.leaflet-container")
    assert page.locator("[data-coords]").inner_text().startswith(f"{s.lat:.6f}")
    assert page.locator("img.leaflet-tile").count() == 0  # nothing loaded from outside
    # the map has a legend: the position, its accuracy, the registered place and its radius
    keys = page.locator(".cempaka-location .cempaka-legend li")
    assert [keys.nth(i).get_attribute("data-key") for i in range(keys.count())] == [
        "position",
        "accuracy",
        "place",
        "radius",
    ]
    assert keys.nth(0).is_visible()
    context.close()


def _nothing_sent_yet(page):
    """The choice is offered and stays: no request goes out while the employee has not chosen."""
    page.wait_for_selector("#geo-choice:not(.d-none)")
    page.wait_for_timeout(800)
    assert page.url.endswith("/cempaka/new")
    assert Submission.select().count() == 0


def test_denied_location_offers_a_choice_then_sends_without(browser, live_server, office):
    context = _context(browser, live_server, granted=False)
    page = context.new_page()
    browser_login(page, office.emp.email)
    page.goto("/cempaka/new")
    page.fill("#title", "Rekap antrean layanan")
    _attach(page, "rekap.pdf")
    page.click("#cempaka-submit")
    _nothing_sent_yet(page)
    assert "Akses lokasi ditolak" in page.inner_text("#geo-choice-reason")
    assert page.is_visible("#geo-retry") and page.is_visible("#geo-send-anyway")
    assert page.is_enabled("#cempaka-submit")  # the form is usable again
    page.click("#geo-send-anyway")
    page.wait_for_url(re.compile(r".*/cempaka/\d+$"))
    s = Submission.get_by_id(_submission_id(page))
    assert s.location_status == "denied"
    assert s.lat is None and s.lon is None and s.accuracy_m is None
    assert s.flags & 1  # no location
    assert "Lokasi ditolak" in page.inner_text("main")  # Indonesian by default
    context.close()


def test_denied_location_then_try_again_sends_the_position(browser, live_server, office):
    context = _context(browser, live_server, granted=False)
    page = context.new_page()
    browser_login(page, office.emp.email)
    page.goto("/cempaka/new")
    page.fill("#title", "Rekap antrean layanan")
    _attach(page, "rekap.pdf")
    page.click("#cempaka-submit")
    _nothing_sent_yet(page)
    # the employee allows location access in the browser, then tries again
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation(GRANTED)
    page.click("#geo-retry")
    page.wait_for_url(re.compile(r".*/cempaka/\d+$"))
    s = Submission.get_by_id(_submission_id(page))
    assert s.location_status == "ok"
    assert s.lat == pytest.approx(GRANTED["latitude"], abs=1e-9)
    assert Submission.select().count() == 1
    context.close()


def test_denied_location_blocks_when_the_office_says_so(browser, live_server, office, app_ctx):
    from intranet.cempaka import settings as cset

    cset.set_override("user", office.emp.id, "block")
    context = _context(browser, live_server, granted=False)
    page = context.new_page()
    browser_login(page, office.emp.email)
    page.goto("/cempaka/new")
    assert "tidak dapat dikirim" in page.inner_text("#missing-policy")
    page.fill("#title", "Laporan tanpa lokasi")
    _attach(page)
    page.click("#cempaka-submit")
    _nothing_sent_yet(page)
    assert "tidak dapat dikirim" in page.inner_text("#geo-choice-policy")
    assert page.is_visible("#geo-retry")
    assert page.locator("#geo-send-anyway").count() == 0  # only "try again" is offered
    context.close()


def test_phone_list_shows_the_flag_badges(browser, live_server, office, make_submission):
    far = location.Location(status="ok", lat=HOME[0] + 0.05, lon=HOME[1], accuracy_m=10.0)
    s = make_submission(office.emp, title="Rekap antrean loket", location=far)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    browser_login(page, office.emp.email)
    page.goto("/cempaka/mine")
    row = page.locator(f"#mine-{s.id}")
    narrow = row.locator(".cempaka-flags-narrow")
    assert narrow.is_visible()
    assert "Jauh dari tempat WFH" in narrow.inner_text()
    assert not row.locator("td.d-lg-table-cell").is_visible()  # the desktop column is hidden
    assert "Jl. Kenari 5, Jakarta" in page.inner_text("#wfh-place-line")
    context.close()


def test_the_author_withdraws_a_pending_deliverable(browser, live_server, office, make_submission):
    s = make_submission(office.emp, title="Laporan verifikasi paspor")
    context = _context(browser, live_server)
    page = context.new_page()
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    browser_login(page, office.emp.email)
    page.goto(f"/cempaka/{s.id}")
    page.click("#withdraw-button")
    page.wait_for_selector("#withdraw-button", state="detached")
    assert dialogs and "Tarik kembali" in dialogs[0]  # asked first
    assert Submission.get_by_id(s.id).status == "withdrawn"
    assert "Ditarik" in page.inner_text("main")
    context.close()


def test_review_inline_then_resubmit_and_emails(
    browser, live_server, office, make_submission, run_jobs, mail_sink
):
    first = make_submission(office.emp, title="Laporan verifikasi paspor")
    second = make_submission(office.emp, title="Notulen rapat Timpora")
    make_submission(office.stranger, title="Bukan bawahan Siti")

    boss = _context(browser, live_server)
    page = boss.new_page()
    page.on("dialog", lambda d: d.accept())
    browser_login(page, office.boss.email)
    nav_click(page, "cempaka.review_queue")
    page.wait_for_url("**/cempaka/review")
    assert "Bukan bawahan Siti" not in page.inner_text("#queue-rows")
    # approve the first inline
    page.click(f"#sub-{first.id} button[value=approved]")
    page.wait_for_selector(f"#sub-{first.id}[data-status=approved]")
    # ask a revision of the second, with a comment
    page.fill(f"#comment-{second.id}", "Lampirkan daftar hadir rapat.")
    page.click(f"#sub-{second.id} button[value=revision]")
    page.wait_for_selector(f"#sub-{second.id}[data-status=revision]")
    assert "Lampirkan daftar hadir" in page.inner_text(f"#sub-{second.id}")
    # the map of a row opens on request
    page.click(f"#sub-{first.id} .cempaka-map-button")
    page.wait_for_selector(f"#loc-{first.id} .cempaka-map.leaflet-container")
    assert Submission.get_by_id(first.id).status == "approved"
    assert Submission.get_by_id(second.id).status == "revision"
    boss.close()

    # the employee revises and resubmits, with a fresh location
    moved = {"latitude": HOME[0] + 0.0002, "longitude": HOME[1] + 0.0002, "accuracy": 9}
    employee = _context(browser, live_server, position=moved)
    page = employee.new_page()
    browser_login(page, office.emp.email)
    page.goto(f"/cempaka/{second.id}")
    page.click("#revise-button")
    page.wait_for_url(f"**/cempaka/{second.id}/revise")
    assert "Lampirkan daftar hadir rapat." in page.inner_text("#revision-comment")
    page.fill("#title", "Notulen rapat Timpora (dengan daftar hadir)")
    _attach(page, "daftar-hadir.pdf")
    page.click("#cempaka-submit")
    page.wait_for_url(f"**/cempaka/{second.id}")
    s = Submission.get_by_id(second.id)
    assert (s.status, s.version, s.file_count) == ("pending", 2, 2)
    assert s.lat == pytest.approx(moved["latitude"], abs=1e-9)
    assert SubmissionVersion.get(SubmissionVersion.submission == s.id).version == 1
    assert page.locator("#history li").count() == 2
    employee.close()

    # the decisions reached the employee by e-mail
    run_jobs()
    messages = mail_sink.wait_for(2)
    to_employee = mail_sink.to(office.emp.email)
    assert len(to_employee) == 2, [m["Subject"] for m in messages]
    texts = " ".join(mail_sink.text_of(m) for m in to_employee)
    assert "Laporan verifikasi paspor" in texts and "Lampirkan daftar hadir rapat." in texts


def _focus(page):
    """(row id, button value) of the focused control, or its id outside a row."""
    return page.evaluate(
        "() => { const a = document.activeElement; const row = a.closest('tr');"
        " return row ? [row.id, a.value] : [a.id, null]; }"
    )


def _wait_focus(page, expected):
    page.wait_for_function(
        "([row, value]) => { const a = document.activeElement; const r = a.closest('tr');"
        " return r ? r.id === row && a.value === value : a.id === row; }",
        arg=list(expected),
    )
    assert _focus(page) == list(expected)


def _wait_announced(page, text):
    page.wait_for_function(
        "(t) => document.getElementById('live-status').textContent === t", arg=text
    )


def _wait_count(page, text):
    page.wait_for_function(
        "(t) => document.getElementById('pending-count').textContent.trim() === t", arg=text
    )


def test_review_by_keyboard_focus_goes_on_count_follows_and_is_announced(
    browser, live_server, english, make_submission
):
    office = english
    subs = [make_submission(office.emp, title=f"Laporan {n}") for n in "ABCD"]
    a, b, c, d = (f"sub-{s.id}" for s in subs)
    context = _context(browser, live_server)
    page = context.new_page()
    browser_login(page, office.boss.email)
    page.goto("/cempaka/review")
    assert page.inner_text("#pending-count") == "4 deliverables waiting for your decision"

    # approve A: the keyboard goes on to B's first decision, the count drops
    page.focus(f"#{a} button[value=approved]")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{a}[data-status=approved]")
    _wait_focus(page, (b, "approved"))
    _wait_announced(page, "Approved: Laporan A")
    _wait_count(page, "3 deliverables waiting for your decision")

    # ask a revision of B (Tab from Approve to Revise): refused without a comment, the keyboard
    # is put in B's comment field
    page.keyboard.press("Tab")
    assert _focus(page) == [b, "revision"]
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.id === 'comment-{subs[1].id}'")
    assert "Write a comment" in page.inner_text(f"#{b} [role=alert]")
    page.keyboard.type("Lampirkan daftar hadir.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focus(page) == [b, "revision"]
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{b}[data-status=revision]")
    _wait_focus(page, (c, "approved"))
    _wait_announced(page, "Revision requested: Laporan B")
    _wait_count(page, "2 deliverables waiting for your decision")

    # reject C with a comment typed in the field before the buttons
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Berkas salah.")
    for _ in range(3):
        page.keyboard.press("Tab")
    assert _focus(page) == [c, "rejected"]
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{c}[data-status=rejected]")
    _wait_focus(page, (d, "approved"))
    _wait_announced(page, "Rejected: Laporan C")
    _wait_count(page, "1 deliverable waiting for your decision")
    assert Submission.get_by_id(subs[2].id).decision_comment == "Berkas salah."

    # the last one: nothing is left to decide, the keyboard lands on the count
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{d}[data-status=approved]")
    _wait_focus(page, ("pending-count", None))
    _wait_announced(page, "Approved: Laporan D")
    _wait_count(page, "0 deliverables waiting for your decision")
    assert [Submission.get_by_id(s.id).status for s in subs] == [
        "approved",
        "revision",
        "rejected",
        "approved",
    ]
    context.close()


def test_review_count_follows_the_filters_and_bulk_approve(
    browser, live_server, english, make_submission
):
    office = english
    mine = [make_submission(office.emp, title=f"Laporan Dewi {n}") for n in range(3)]
    others = [make_submission(office.emp2, title=f"Laporan Agus {n}") for n in range(2)]
    context = _context(browser, live_server)
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    browser_login(page, office.boss.email)
    # filtered to one employee: the count after a decision is that employee's
    page.goto(f"/cempaka/review?employee={office.emp.id}")
    assert page.inner_text("#pending-count") == "3 deliverables waiting for your decision"
    page.click(f"#sub-{mine[0].id} button[value=approved]")
    page.wait_for_selector(f"#sub-{mine[0].id}[data-status=approved]")
    _wait_count(page, "2 deliverables waiting for your decision")

    # bulk approve from the whole queue
    page.goto("/cempaka/review")
    assert page.inner_text("#pending-count") == "4 deliverables waiting for your decision"
    for s in mine[1:]:
        page.check(f"#sub-{s.id} input[name=ids]")
    page.click("#bulk-approve")
    _wait_count(page, "2 deliverables waiting for your decision")  # Agus's two
    assert [Submission.get_by_id(s.id).status for s in mine] == ["approved"] * 3
    assert [Submission.get_by_id(s.id).status for s in others] == ["pending"] * 2
    context.close()
