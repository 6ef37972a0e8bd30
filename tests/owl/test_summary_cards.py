"""The overview's 30-day and 60-day figures each open the list of their own permits."""

import re

from intranet.owl import dates


def _tile_href(html, tile):
    m = re.search(r'href="([^"]+)" id="' + tile + '"', html)
    assert m, tile
    return m.group(1).replace("&amp;", "&")


def _listed(client, href):
    html = client.get(href).get_data(as_text=True)
    return set(re.findall(r'<span class="font-monospace small">([^<]+)</span>', html))


def test_expiring_cards_open_their_own_window(client, login_as, owl_officer, make_permit):
    today = dates.wib_today()
    soon = make_permit(days_left=10, today=today)
    later = make_permit(days_left=45, today=today)
    make_permit(days_left=90, today=today)
    login_as(owl_officer)
    html = client.get("/owl/").get_data(as_text=True)
    href_30 = _tile_href(html, "tile-expiring-30")
    href_60 = _tile_href(html, "tile-expiring-60")
    assert href_30 != href_60
    assert _listed(client, href_30) == {soon.permit_number}
    assert _listed(client, href_60) == {soon.permit_number, later.permit_number}
