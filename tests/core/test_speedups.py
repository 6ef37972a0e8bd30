"""The speed-ups change how fast a page is made, never what it says (DESIGN §7, issue 16).

Every cache of ``intranet.core.caches`` and every faster stand-in of ``intranet.core.speedups``
turns off with one switch. Each page a demo role reaches from its navigation (the list pages
among them, with their filters and searches) is rendered with the caches warm and again with
everything off, and the two answers must be the same HTML, but for what differs on every
request anyway (the CSRF token's signature).
"""

import re

import pytest

from intranet.core import caches

from .test_role_walk import office, page_text  # noqa: F401 - the demo office fixture

# List pages with the arguments their filters, searches and pagers send (the bench page sets).
LIST_PAGES = (
    "/anggrek/board",
    "/anggrek/board/live",
    "/cempaka/review",
    "/cempaka/mine",
    "/jali/visits",
    "/jali/visits?q=a",
    "/admin/outbox/",
    "/admin/outbox/?status=dead",
    "/admin/outbox/?status=sent&q=kanim",
    "/owl/permits",
    "/owl/permits?q=a",
    "/owl/permits?expiring=30",
    "/admin/users/?q=a",
    "/admin/users/",
    "/admin/audit/",
)

CSRF = re.compile(r'(name="csrf_token"[^>]*? value="|"X-CSRFToken": ")[^"]+"')


def _normal(html):
    return CSRF.sub(r'\1…"', html)


def _pages(client, start):
    seen, todo = {}, list(start)
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        response = client.get(url, headers={"Accept": "text/html"})
        seen[url] = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html":
            for href in page_text(response.get_data(as_text=True))[1]:
                href = href.split("#")[0]
                if href.startswith("/") and href not in seen:
                    todo.append(href)
    return [url for url, status in seen.items() if status == 200]


def _get(client, url):
    response = client.get(url, headers={"Accept": "text/html"})
    return response.status_code, _normal(response.get_data(as_text=True))


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_is_the_same_with_the_speedups_off(
    app,
    office,  # noqa: F811
    login_as,
    language,
    monkeypatch,
):
    from intranet.anggrek import clock
    from intranet.models import utcnow
    from intranet.people.models import User

    # Si Anggrek's live figures (a counter open for 35:02) move on between two renders;
    # the office's clock is outside what is compared here.
    frozen = utcnow()
    monkeypatch.setattr(clock, "now", lambda: frozen)

    compared, differing = 0, []
    for key in ("admin", "kepala", "atasan", "loket", "izin_tinggal", "resepsionis", "pegawai"):
        user = office[key]
        User.update(language=language).where(User.id == user.id).execute()
        client = app.test_client()
        login_as(user, client)
        for url in _pages(client, ["/home", *LIST_PAGES]):
            _get(client, url)  # fill the caches
            warm = _get(client, url)
            with caches.disabled():
                cold = _get(client, url)
            compared += 1
            if warm != cold:
                differing.append(f"{key} {url}")
    assert compared > 60  # the walk reached the office's pages
    assert differing == [], "different with the speed-ups off:\n" + "\n".join(differing)


def test_the_switch_turns_every_cache_off(app):
    cache = caches.Cache("test.switch", maxsize=2)
    try:
        cache.put("a", 1)
        assert cache.get("a") == 1
        with caches.disabled():
            assert cache.get("a") is None
            assert cache.put("b", 2) == 2 and cache.get("b") is None
        assert cache.get("a") == 1 and cache.get("b") is None
        cache.put("b", 2)
        cache.put("c", 3)  # over the bound: emptied, then kept
        assert len(cache) == 1 and cache.get("c") == 3
        assert all(c.maxsize > 0 for c in caches.registry().values())
    finally:
        caches._REGISTRY.pop("test.switch")


def test_the_layout_shows_the_speedups_in_the_same_words(app, client, make_user, login_as):
    """The navigation bar renders the user's name and the path through Jinja, escaped, with
    the speed-ups on and off."""
    user = make_user("admin", name='Dewi <b>"Tuti"</b> & Co')
    login_as(user)
    warm = _get(client, "/home?x=<i>")
    with caches.disabled():
        cold = _get(client, "/home?x=<i>")
    assert warm == cold
    assert "Dewi &lt;b&gt;&#34;Tuti&#34;&lt;/b&gt; &amp; Co" in warm[1]


def test_a_rotated_secret_key_takes_effect_at_once(app, client, make_user, login_as):
    """The cookie check is remembered for a minute, but only under the key it was checked
    with: after a key rotation the old cookie is refused on the very next request."""
    login_as(make_user())
    assert client.get("/home").status_code == 200
    assert client.get("/home").status_code == 200  # remembered
    app.config["SECRET_KEY"] = "rotated-" + "x" * 40
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
