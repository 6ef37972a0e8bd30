"""The features of the intranet, and what each one brings, declared in one place per feature.

A feature package says in its ``__init__.py`` what it plugs in:

    from ..features import Feature

    FEATURE = Feature(
        views="intranet.owl.views",          # the blueprint ``bp`` (and ``NAV`` links)
        models="intranet.owl.models",        # its tables (and a numbered migration)
        jobs="intranet.owl.jobs",            # its ``@periodic`` jobs
        demo="intranet.owl.demo",            # ``load(fake, accounts)`` for ./run's demo office
        templating="intranet.owl.templating",  # ``register(app)``: its template filters/globals
        inbox="intranet.owl.inbox",          # ``items(user)``: the work waiting on Beranda
        nav=60,                              # where its links sit in the navigation
    )

and is listed once, in ``INSTALLED`` below. ``create_app`` registers the blueprints and the
template helpers, ``intranet.models`` builds the schema, the scheduler loads the jobs and
``intranet.demo`` loads the demo data, all from these declarations: wiring a feature is one line
here and one declaration there. Nothing a feature installs depends on the order blueprints are
registered in: app-wide template helpers go through ``templating``, extra CSP sources through
``intranet.core.csp.allow`` during the request.
"""

import importlib
from dataclasses import dataclass

# In the order their demo data is loaded (later features use earlier ones' people and rows).
INSTALLED = (
    "intranet.core",
    "intranet.people",
    "intranet.auth",
    "intranet.audit",
    "intranet.notify",
    "intranet.jobs",
    "intranet.owl",
    "intranet.emak",
    "intranet.cempaka",
    "intranet.anggrek",
    "intranet.jali",
    "intranet.wbbm",
    "intranet.mailcatcher",
)


@dataclass(frozen=True)
class Feature:
    views: str | tuple[str, ...] | None = None  # one module, or several (each its blueprint)
    models: str | None = None
    jobs: str | None = None
    demo: str | None = None
    templating: str | None = None
    inbox: str | None = None  # ``items(user)``: Beranda's work waiting (intranet.core.inbox)
    nav: int | tuple[int, ...] = 100  # one position, or one per views module


def declared():
    """[(package, Feature)] of every installed feature, in ``INSTALLED`` order."""
    return [(name, importlib.import_module(name).FEATURE) for name in INSTALLED]


def modules(part):
    """The module paths every feature declares for ``part`` ("models", "jobs", "demo", ...),
    in ``INSTALLED`` order."""
    return [getattr(f, part) for _name, f in declared() if getattr(f, part)]


def views_in_nav_order():
    """The views modules, ordered by where their links sit in the navigation."""
    found = []
    for _name, feature in declared():
        views = feature.views or ()
        views = (views,) if isinstance(views, str) else views
        places = feature.nav if isinstance(feature.nav, tuple) else (feature.nav,) * len(views)
        found.extend(zip(places, views, strict=True))
    return [views for _place, views in sorted(found, key=lambda item: item[0])]  # stable
