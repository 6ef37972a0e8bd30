"""Si Emak in a real browser (Chromium): finance imports an XLSX with two bad rows, sees both
errors, fixes the file, imports, finalises, sends; the progress bar reaches 100 %; every employee's
notice arrives at the SMTP server with the right net; an employee sees theirs and no one else's."""

import re

import pytest
from playwright.sync_api import expect

from intranet.emak.models import PayLine, PayNotice, PayRun
from tests.conftest import browser_login, sign_out

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
    page.set_input_files(
        "#file", files=[{"name": "gaji-november.xlsx", "mimeType": XLSX_TYPE, "buffer": data}]
    )
    page.click("#import-submit")


def test_import_fix_finalise_send_and_read(
    page, live_server, finance, staff, make_run, run_jobs, mail_sink
):
    a, b, c = staff
    run = make_run()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_login(page, finance.email)
    page.goto(f"/pay/runs/{run.id}")
    page.click("#import-lines")

    # 1. An XLSX with two bad rows: both errors are listed, nothing is saved.
    _upload(page, make_xlsx(_rows(staff, bad=True)))
    errors = page.locator("#import-errors tbody tr")
    errors.first.wait_for()
    assert errors.count() == 2
    assert "tidak boleh negatif" in page.locator('#import-errors tr[data-row="3"]').inner_text()
    assert "NIP tidak dikenal" in page.locator('#import-errors tr[data-row="6"]').inner_text()
    assert "tidak ada yang diimpor" in page.locator("#import-errors-summary").inner_text()
    assert PayLine.select().count() == 0

    # 2. The fixed file is imported.
    _upload(page, make_xlsx(_rows(staff)))
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}$"))
    assert page.locator("#employee-rows tbody tr").count() == 3
    assert page.locator("#run-net").inner_text() == "Rp 12.604.784"

    # 3. Finalise: the preview shows the totals and Budi's e-mail, in English.
    page.click("#finalise")
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}/preview$"))
    assert PayRun.get_by_id(run.id).status == "final"
    assert page.locator("#preview-net").inner_text() == "Rp 12.604.784"
    page.locator("#email-subject").wait_for()
    page.fill("#employee-search", "budi")
    page.locator("#employee-choice-list button", has_text=b.name).click()
    expect(page.locator("#email-subject")).to_have_text(
        "Salary (gaji) November 2026: your pay notice"
    )
    assert "Rp 2.996.136" in page.locator("#email-text").inner_text()

    # 4. Send; the worker runs while the page polls; the bar reaches 100 %.
    page.click("#send")
    page.wait_for_url(re.compile(rf"/pay/runs/{run.id}/deliveries$"))
    expect(page.locator("#progress-percent")).to_have_text("0 %")
    run_jobs()
    expect(page.locator("#progress-percent")).to_have_text("100 %", timeout=15000)
    assert page.locator("#progress-bar").get_attribute("value") == "3"
    assert page.locator('[data-count="sent"] strong').inner_text() == "3"
    expect(page.locator('#delivery-rows tr[data-status="sent"]')).to_have_count(3)
    page.screenshot(path="/tmp/emak/progress.png", full_page=True)

    # 5. Every employee's notice arrived once, with their net in Rp format.
    mail_sink.wait_for(3)
    expected = {a.email: "Rp 4.529.448", b.email: "Rp 2.996.136", c.email: "Rp 5.079.200"}
    for address, net in expected.items():
        (msg,) = mail_sink.to(address)
        assert net in mail_sink.text_of(msg) and net in mail_sink.html_of(msg)
    assert PayNotice.select().where(PayNotice.outbox_id.is_null()).count() == 0

    # 6. Siti reads her notice in the intranet, and nobody else's.
    sign_out(page)
    browser_login(page, a.email)
    page.goto("/pay/slips")
    page.locator("#my-notices a").first.click()
    expect(page.locator("#notice-net")).to_have_text("Rp 4.529.448")
    theirs = PayNotice.get(PayNotice.employee == b.id)
    assert page.goto(f"/pay/slips/{theirs.id}").status == 404
    assert page.goto(f"/pay/runs/{run.id}").status == 403


def test_lines_form_adds_removes_rows_with_live_totals(page, live_server, finance, staff, make_run):
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
        ("bpjs_kesehatan", 45_752),
        ("gaji_pokok", 4_575_200),
    ]
