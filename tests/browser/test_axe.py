"""axe-core over the pages of issue 17 item 6 (demo office, each page as its demo role):
0 serious or critical violations at 1366x768 in Indonesian (English spot-checked), and the
admin pages no wider than a 390x844 phone."""

import pytest

from tests.browser.axe import page_width_problem, serious_violations
from tests.conftest import TEST_PASSWORD, browser_login

ROLES = (
    "pegawai",
    "atasan",
    "loket",
    "keuangan",
    "resepsionis",
    "izin_tinggal",
    "inteldakim",
    "kepala",
    "admin",
)
PAGES = [(role, "/home") for role in ROLES] + [
    ("atasan", "/anggrek/board"),
    ("atasan", "/anggrek/counters"),
    ("inteldakim", "/owl/overstay"),
    ("inteldakim", "/owl/overstay?show=escalated"),
    ("kepala", "/owl/compliance"),
    ("admin", "/admin/outbox/"),
    ("admin", "/cempaka/settings"),
    ("admin", "/jali/visits"),
    ("keuangan", "/pay/runs"),
    ("kepala", "/wbbm/"),
    ("kepala", "/wbbm/?period=year"),
    ("kepala", "/wbbm/evidence"),
    ("atasan", "/wbbm/"),
]
PHONE_PAGES = [
    "/admin/users/new",
    "/admin/outbox/",
    "/cempaka/settings",
    "/jali/settings",
    "/owl/settings",
    "/owl/disruptions/new",
    "/anggrek/settings",
]


@pytest.fixture
def office(app_ctx, monkeypatch):
    from intranet.anggrek import demo as anggrek_demo
    from intranet.auth.passwords import hash_password
    from intranet.demo import load_demo
    from intranet.people.models import User

    monkeypatch.setattr(anggrek_demo, "HISTORY_DAYS", 3)
    assert load_demo(staff=30)
    User.update(password_hash=hash_password(TEST_PASSWORD)).execute()


def _context(browser, live_server, language, viewport, mobile=False):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        locale="id-ID" if language == "id" else "en-US",
    )
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    return context


def test_the_helper_reports_a_violation(page):
    page.set_content(
        '<html lang="id"><body><main><p style="color:#bbb">samar</p></main></body></html>'
    )
    found = serious_violations(page)
    assert any(line.startswith("color-contrast (serious)") for line in found), found


@pytest.mark.browser
@pytest.mark.parametrize("language", ["id", "en"])
def test_no_serious_violations(browser, live_server, office, language):
    from intranet.people.models import User

    User.update(language=language).execute()
    pages = PAGES if language == "id" else PAGES[-13:]
    problems, contexts = [], {}
    try:
        for role, path in pages:
            if role not in contexts:
                ctx = _context(browser, live_server, language, {"width": 1366, "height": 768})
                p = ctx.new_page()
                browser_login(p, f"{role}@kanim-jakpus.example")
                contexts[role] = p
            p = contexts[role]
            p.goto(path)
            p.wait_for_load_state("networkidle")
            problems += [f"{role} {path}: {v}" for v in serious_violations(p)]
    finally:
        for p in contexts.values():
            p.context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["id", "en"])
def test_admin_pages_fit_a_phone(browser, live_server, office, language):
    from intranet.people.models import User

    User.update(language=language).execute()
    ctx = _context(browser, live_server, language, {"width": 390, "height": 844}, mobile=True)
    try:
        p = ctx.new_page()
        browser_login(p, "admin@kanim-jakpus.example")
        problems = []
        for path in PHONE_PAGES:
            p.goto(path)
            p.wait_for_load_state("networkidle")
            wide = page_width_problem(p)
            if wide:
                problems.append(f"{path}: {wide}")
    finally:
        ctx.close()
    assert problems == [], "\n".join(problems)
