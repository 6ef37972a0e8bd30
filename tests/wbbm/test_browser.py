"""The head's dashboard and the evidence report in Chromium: the hand-computed month, the unit
filter over htmx, the period navigation, the A4 print view."""

from playwright.sync_api import expect

from tests.conftest import browser_login


def _value(page, key):
    return page.locator(f"#fig-{key.replace('.', '-')} .wbbm-value")


def test_the_head_reads_the_seeded_month_and_filters_by_unit(page, rolled_up, make_user):
    make_user("kepala", name="Kepala Kantor", email="kepala.wbbm@test.local")
    browser_login(page, "kepala.wbbm@test.local")
    page.goto("/wbbm/?period=month&date=2026-11-14")
    expect(page.locator("h1")).to_contain_text("November 2026")
    expect(_value(page, "anggrek.served")).to_have_text("2 jumlah")
    expect(_value(page, "anggrek.wait_median")).to_have_text("19 menit")
    expect(_value(page, "anggrek.wait_p90")).to_have_text("43 menit")
    expect(_value(page, "anggrek.ikm")).to_have_text("87,50 indeks 25–100")
    expect(_value(page, "owl.renewed_share")).to_have_text("25,0 %")
    expect(_value(page, "cempaka.submitted")).to_have_text("4 jumlah")
    expect(page.locator("#fig-anggrek-wait_median .wbbm-status")).to_have_text("✗ Di luar target")
    # the unit filter swaps the page over htmx and keeps the address
    page.select_option("#wbbm-unit", label="Seksi Teknologi Informasi")
    expect(_value(page, "anggrek.served")).to_have_text("0 jumlah")
    expect(_value(page, "cempaka.submitted")).to_have_text("4 jumlah")
    expect(page.locator("#fig-owl-expiring")).to_have_count(0)
    assert "unit=" in page.url
    # the period before
    page.get_by_role("link", name="Oktober 2026").click()
    expect(page.locator("h1")).to_contain_text("Oktober 2026")
    expect(_value(page, "cempaka.submitted")).to_have_text("1 jumlah")


def test_the_evidence_report_prints_without_the_navigation(page, rolled_up, make_user):
    make_user("kepala", name="Kepala Kantor", email="kepala.print@test.local")
    browser_login(page, "kepala.print@test.local")
    page.goto("/wbbm/evidence?period=month&date=2026-11-14")
    expect(page.locator("#ev-anggrek-wait_p90 .wbbm-value")).to_have_text("43 menit")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar").first).to_be_hidden()
    expect(page.locator("#wbbm-period")).to_be_hidden()
    expect(page.locator("#area-pengawasan")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
