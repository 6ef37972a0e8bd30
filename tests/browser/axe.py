"""axe-core in a Playwright page: ``serious_violations(page)`` runs the accessibility rules on
what the page shows and returns the serious and critical findings as readable lines.

axe-core comes from npm (``package.json``'s devDependencies, ``node_modules/axe-core``); it is
read from there and evaluated in the page (``page.evaluate``), which the page's CSP does not
block the way it blocks an injected ``<script>`` tag. Nothing of it is copied into the repo.
"""

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

SERIOUS = ("serious", "critical")


_source = None


def axe_source():
    global _source
    if _source is None:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm install` (axe-core is a devDependency)")
        _source = AXE_JS.read_text(encoding="utf-8")
    return _source


_RUN = """async ([exclude]) => {
  const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                               summary: n.failureSummary || ''}))
  }));
}"""


def violations(page, exclude=()):
    """Every axe violation on the page as it is now: dicts of id, impact, help and nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, [list(exclude)])


def serious_violations(page, exclude=()):
    """The serious and critical violations, one line per failing element:
    ``rule (impact): target — message``. ``exclude``: CSS selectors left out of the check."""
    lines = []
    for v in violations(page, exclude):
        for node in v["nodes"]:
            impact = node["impact"] or v["impact"]
            if impact not in SERIOUS:
                continue
            summary = " ".join(node["summary"].split())
            lines.append(f"{v['id']} ({impact}): {node['target']} — {v['help']}. {summary}")
    return lines


def page_width_problem(page):
    """A sentence when the page is wider than the window (a horizontal scroll bar on a phone).

    The window is the narrower of ``innerWidth`` and the screen: a mobile browser (a context
    with ``is_mobile``) widens its layout viewport to a page that overflows, so ``innerWidth``
    alone would grow with the fault it should reveal."""
    scroll, inner = page.evaluate(
        "() => [document.documentElement.scrollWidth, Math.min(window.innerWidth, screen.width)]"
    )
    if scroll > inner + 1:
        widest = page.evaluate(_WIDEST)
        return f"the page is {scroll}px wide in a {inner}px window (widest: {widest})"
    return None


# The outermost elements that reach past the window's right edge: where to look.
_WIDEST = """() => {
  const w = Math.min(window.innerWidth, screen.width), found = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0 && !found.some(f => f.contains(el))) found.push(el);
  }
  return found.slice(0, 4).map(el => {
    const r = el.getBoundingClientRect();
    const cls = [...el.classList].slice(0, 3).join('.');
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls ? '.' + cls : ''}`
      + ` to ${Math.round(r.right)}px`;
  }).join(', ');
}"""
