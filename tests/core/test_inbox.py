"""Beranda as each role's work inbox, over the demo office: every item's count is what its link
lists (the link lands on the filtered page, which shows exactly those rows), the menus carry the
same counts as badges, and the counts are the ones computed here from the tables."""

import re

import pytest

from intranet.anggrek import services as anggrek_services
from intranet.cempaka.models import Submission
from intranet.notify.models import OutboxMessage
from tests.core.test_role_walk import office  # noqa: F401 - the demo office fixture

ITEM = re.compile(
    r'<li class="list-group-item[^"]*inbox-item" id="(?P<id>[\w-]+)">\s*'
    r'<span class="inbox-count[^"]*" data-count="(?P<count>\d+)">.*?'
    r'<a class="fw-semibold[^"]*" href="(?P<href>[^"]+)"',
    re.S,
)

# What one listed row looks like on each item's page: (pattern, distinct by the group or not)
ROWS = {
    "cempaka-to_review": r'href="/cempaka/(\d+)"',
    "cempaka-revisions": r'href="/cempaka/(\d+)"',
    "anggrek-flags": r'href="/anggrek/flags/(\d+)"',
    "owl-mine": r'href="/owl/applications/(\d+)"',
    "owl-received": r'href="/owl/applications/(\d+)"',
    "owl-overdue": r'href="/owl/applications/(\d+)"',
    "owl-overstay_new": r'href="/owl/overstay/(\d+)"',
    "owl-overstay_escalated": r'href="/owl/overstay/(\d+)"',
    "jali-inside": r'<tr class="jali-row-mark[^"]*"()',
    "notify-dead": r'<tr data-id="(\d+)"',
}
EMAK_ROWS = r'data-status="(?:failed|dead)"'
PAGE = 20  # the smallest page of those lists


def beranda(client):
    html = client.get("/home", headers={"Accept": "text/html"}).get_data(as_text=True)
    return {
        m["id"]: (int(m["count"]), m["href"].replace("&amp;", "&")) for m in ITEM.finditer(html)
    }, html


def listed(client, key, href):
    html = client.get(href, headers={"Accept": "text/html"}).get_data(as_text=True)
    if key.startswith("emak-undelivered"):
        return len(re.findall(EMAK_ROWS, html))
    pattern = ROWS[key]
    found = re.findall(pattern, html)
    return len(found) if pattern.endswith("()") else len(set(found))


@pytest.mark.parametrize(
    "role, expected",
    [
        ("atasan", {"cempaka-to_review", "cempaka-revisions"}),
        ("pegawai", {"cempaka-revisions"}),
        ("loket", {"anggrek-queue", "cempaka-revisions"}),
        ("kepala", {"anggrek-flags", "cempaka-revisions"}),
        ("izin_tinggal", {"owl-mine", "owl-received", "owl-overdue", "cempaka-revisions"}),
        ("inteldakim", {"owl-overstay_new", "owl-overstay_escalated", "cempaka-revisions"}),
        ("keuangan", {"emak-drafts", "cempaka-revisions"}),
        ("resepsionis", {"jali-inside", "cempaka-revisions"}),
        ("admin", {"notify-dead"}),
    ],
)
def test_each_count_lists_exactly_its_items(app, office, login_as, role, expected):  # noqa: F811
    user = office[role]
    client = app.test_client()
    login_as(user, client)
    items, html = beranda(client)
    kinds = {k for k in items if not k.startswith("emak-undelivered")}
    assert expected <= kinds, (role, sorted(kinds))
    for key, (count, href) in items.items():
        response = client.get(href, headers={"Accept": "text/html"})
        assert response.status_code == 200, (key, href)
        if key in ROWS or key.startswith("emak-undelivered"):
            if count <= PAGE:
                assert listed(client, key, href) == count, (key, href)
        if key == "anggrek-queue":
            assert count == anggrek_services.waiting_tickets().count()
    # the badge on each menu is the sum of its counts
    menu_of = {"notify": "admin"}  # the outbox's item sits in the administration menu
    for feature in {k.split("-")[0] for k in items}:
        group = menu_of.get(feature, feature)
        total = sum(
            c
            for k, (c, _h) in items.items()
            if k.startswith(feature + "-") and k != "owl-overstay_escalated"
        )
        button = re.search(rf'data-group="{group}">\s*<button.*?</button>', html, re.S)
        assert button is not None, group
        badge = re.search(r'nav-count">(\d+)', button[0])
        assert int(badge[1] if badge else 0) == total, (group, total)


def test_counts_follow_the_tables(app, office, login_as):  # noqa: F811
    """A deliverable submitted by a report raises the supervisor's count; a dead e-mail the
    admin's; a visit to the overstay list clears Inteldakim's "new since your last visit"."""
    atasan, admin, intel = office["atasan"], office["admin"], office["inteldakim"]
    client = app.test_client()
    login_as(atasan, client)
    items, _html = beranda(client)
    pending = (
        Submission.select()
        .join_from(Submission, type(atasan), on=(Submission.employee == type(atasan).id))
        .where(type(atasan).supervisor == atasan.id, Submission.status == "pending")
        .count()
    )
    assert items["cempaka-to_review"][0] == pending

    admin_client = app.test_client()
    login_as(admin, admin_client)
    before = beranda(admin_client)[0]["notify-dead"][0]
    row = OutboxMessage.select().where(OutboxMessage.status == "sent").first()
    OutboxMessage.update(status="dead").where(OutboxMessage.id == row.id).execute()
    assert beranda(admin_client)[0]["notify-dead"][0] == before + 1

    intel_client = app.test_client()
    login_as(intel, intel_client)
    items, _html = beranda(intel_client)
    assert items["owl-overstay_new"][0] > 0
    intel_client.get(items["owl-overstay_new"][1])  # the visit
    items, _html = beranda(intel_client)
    assert items["owl-overstay_new"][0] == 0
