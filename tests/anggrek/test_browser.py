"""Real Chromium: an officer calls, starts and finishes three tickets (one no-show) while a
supervisor's board follows every state change without reloading; then the metrics page shows
the averages of that sequence."""

import re

import pytest

from intranet.anggrek import services
from tests.conftest import browser_login

from .conftest import at

pytestmark = pytest.mark.browser


def expect_board(board, code, state, ticket=""):
    """Wait (without reloading) until the polled board shows this counter in this state."""
    board.wait_for_selector(
        f'#board-live [data-counter="{code}"][data-state="{state}"][data-ticket="{ticket}"]',
        timeout=10000,
    )
    shown = board.locator(f'[data-counter="{code}"] [data-role="ticket"]').inner_text().strip()
    assert shown == ticket


def step(console, clock, when, button, state):
    clock.set(when)
    console.click(button)
    console.wait_for_selector(f'#console[data-state="{state}"]')


def test_officer_shift_seen_live_on_the_board_and_in_metrics(
    browser, live_server, page, make_counter, make_officer, supervisor, clock
):
    live_server.app.config["ANGGREK_BOARD_POLL_SECONDS"] = 1
    make_counter(name="Loket 1")
    officer = make_officer(name="Rina Petugas", email="rina@test.local")
    for minute in (0, 1, 2):
        services.issue_ticket("paspor_baru", at=at(minute))
    clock.set(at(2, 30))

    board_context = browser.new_context(base_url=live_server.url, locale="id-ID")
    board = board_context.new_page()
    board.set_default_timeout(10000)
    try:
        browser_login(board, supervisor.email)
        board.goto("/anggrek/board")
        expect_board(board, "L01", "closed")
        board.evaluate("window.__sameBoard = 'not reloaded'")

        console = page
        console.on("dialog", lambda dialog: dialog.accept())
        browser_login(console, officer.email)
        console.goto("/anggrek/console")
        clock.set(at(3))
        console.click('button[data-counter="L01"]')
        console.wait_for_selector('#console[data-state="idle"]')
        expect_board(board, "L01", "idle")

        # ticket 1: called @4 (waited 4 min), interview @5-@10, served
        step(console, clock, at(4), "#call-next", "calling")
        assert console.inner_text("#current-ticket") == "A001"
        expect_board(board, "L01", "calling", "A001")
        step(console, clock, at(5), "#start-interview", "interviewing")
        expect_board(board, "L01", "interviewing", "A001")
        step(console, clock, at(10), "#finish-served", "idle")
        expect_board(board, "L01", "idle")

        # ticket 2: called @11 (waited 10 min), interview @13-@20, referred
        step(console, clock, at(11), "#call-next", "calling")
        expect_board(board, "L01", "calling", "A002")
        step(console, clock, at(13), "#start-interview", "interviewing")
        step(console, clock, at(20), "#finish-referred", "idle")

        # ticket 3: called @21 (waited 19 min), no-show @23
        step(console, clock, at(21), "#call-next", "calling")
        expect_board(board, "L01", "calling", "A003")
        step(console, clock, at(23), "#finish-no-show", "idle")
        expect_board(board, "L01", "idle")
        assert board.locator('[data-counter="L01"] [data-role="ticket"]').inner_text() == ""
        assert board.inner_text("#board-waiting") == "0"
        assert board.evaluate("window.__sameBoard") == "not reloaded"

        # nothing left: calling again is refused with a clear message
        clock.set(at(24))
        console.click("#call-next")
        console.wait_for_selector("#console-error")
        assert "Tidak ada tiket yang menunggu." in console.inner_text("#console-error")

        # metrics (by hand): waits 4, 10, 19 min -> 11:00; call-to-start 1 and 2 min -> 1:30;
        # interviews 5 and 7 min -> 6:00; idle while tickets waited 3-4, 10-11, 20-21 -> 3:00
        clock.set(at(25))
        board.goto("/anggrek/metrics?period=day&date=2026-11-27")
        row = board.locator(f'#metrics-table tr[data-officer="{officer.id}"]')
        cells = {
            name: row.locator(f'[data-metric="{name}"]').inner_text()
            for name in (
                "served",
                "referred",
                "no_show",
                "avg_wait",
                "avg_call_to_start",
                "avg_interview",
                "idle_waiting",
                "no_show_rate",
                "referral_rate",
            )
        }
        assert cells == {
            "served": "1",
            "referred": "1",
            "no_show": "1",
            "avg_wait": "11:00",
            "avg_call_to_start": "1:30",
            "avg_interview": "6:00",
            "idle_waiting": "3:00",
            "no_show_rate": "33,3 %",
            "referral_rate": "33,3 %",
        }
        # the officer's chart draws from its data island
        board.click(f'#metrics-table tr[data-officer="{officer.id}"] a')
        board.wait_for_url(re.compile(r".*/anggrek/metrics/officer/\d+.*"))
        board.wait_for_function(
            "() => window.Chart && Chart.getChart(document.getElementById('officer-chart'))"
        )
    finally:
        board_context.close()


def _focused_id(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _expect_after_swap(page, focused, announced):
    """The keyboard is on the console's next step and the live region says what happened."""
    page.wait_for_function("(id) => document.activeElement.id === id", arg=focused)
    page.wait_for_function(
        "(text) => document.getElementById('live-status').textContent === text", arg=announced
    )


def test_console_steps_by_keyboard_keep_the_focus_and_are_announced(
    live_server, page, make_counter, make_officer, clock
):
    make_counter(name="Loket 1")
    officer = make_officer(name="Rina Petugas", email="rina@test.local")
    services.issue_ticket("paspor_baru", at=at(0))
    services.issue_ticket("paspor_baru", at=at(0, 30))
    clock.set(at(1))
    browser_login(page, officer.email)
    page.goto("/anggrek/console")
    status = page.locator("#live-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"

    page.focus('button[data-counter="L01"]')
    page.keyboard.press("Enter")
    page.wait_for_selector('#console[data-state="idle"]')
    _expect_after_swap(page, "call-next", "Loket 1 dibuka")

    page.keyboard.press("Enter")  # call next ticket
    page.wait_for_selector('#console[data-state="calling"]')
    _expect_after_swap(page, "start-interview", "Tiket A001 dipanggil")

    page.keyboard.press("Enter")  # start interview
    page.wait_for_selector('#console[data-state="interviewing"]')
    _expect_after_swap(page, "finish-served", "Wawancara tiket A001 dimulai")

    page.keyboard.press("Enter")  # finish: served
    page.wait_for_selector('#console[data-state="idle"]')
    _expect_after_swap(page, "call-next", "Tiket A001 selesai: Terlayani")

    # the next applicant: the keyboard never left the console
    page.keyboard.press("Enter")
    page.wait_for_selector('#console[data-state="calling"]')
    _expect_after_swap(page, "start-interview", "Tiket A002 dipanggil")
    assert page.inner_text("#current-ticket") == "A002"
