"""What Si Cempaka installs on the whole app's templates: the globals its macros read
(``cempaka_texts``, ``cempaka_urls``, ``cempaka_fmt``; macros imported without context see only
globals), from ``labels.template_globals()``."""

from . import labels


def register(app):
    for name, value in labels.template_globals().items():
        app.add_template_global(value, name)
