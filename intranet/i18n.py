"""Translation catalogs: one per feature, so features evolve without touching each other's files.

Message ids are English; every catalog holds the Indonesian translation (the default language).
The foundation's catalog lives in ``intranet/translations``; a feature ``X`` keeps its catalog in
``intranet/X/translations`` for the strings of ``intranet/X/`` and ``templates/X/``.

    flask --app intranet i18n extract    # update every .po from the sources (new ids untranslated)
    flask --app intranet i18n check      # exit 1 when an id is missing or untranslated
    python -m intranet.i18n compile      # .po -> .mo for every catalog (run by ./run)
"""

import glob
import os

PKG = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(PKG)

# Foundation sources: everything not owned by a feature with its own catalog.
FOUNDATION_PACKAGES = ["core", "auth", "people", "audit", "mailcatcher"]
FOUNDATION_TEMPLATES = ["core", "auth", "people", "audit", "mailcatcher", "errors", "email"]


def translation_directories():
    dirs = [os.path.join(PKG, "translations")]
    dirs += sorted(glob.glob(os.path.join(PKG, "*", "translations")))
    return dirs


def catalogs():
    """[(translations_dir, [source files])] for every catalog."""
    result = []
    foundation = [p for p in glob.glob(os.path.join(PKG, "*.py"))]
    for name in FOUNDATION_PACKAGES:
        foundation += glob.glob(os.path.join(PKG, name, "**", "*.py"), recursive=True)
    for name in FOUNDATION_TEMPLATES:
        foundation += glob.glob(os.path.join(ROOT, "templates", name, "**", "*.*"), recursive=True)
    foundation += glob.glob(os.path.join(ROOT, "templates", "*.html"))
    foundation += [os.path.join(ROOT, "config.py")]
    result.append((os.path.join(PKG, "translations"), sorted(foundation)))
    for tdir in sorted(glob.glob(os.path.join(PKG, "*", "translations"))):
        feature = os.path.basename(os.path.dirname(tdir))
        files = glob.glob(os.path.join(PKG, feature, "**", "*.py"), recursive=True)
        files += glob.glob(os.path.join(ROOT, "templates", feature, "**", "*.*"), recursive=True)
        result.append((tdir, sorted(files)))
    return result


def extract_messages(files):
    """Message ids found in the given source files: {msgid or (singular, plural)}."""
    from babel.messages.extract import extract_from_file

    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "lazy_gettext": None,
        "_l": None,
        "N_": None,  # marked for extraction only, translated later (intranet/cempaka/labels.py)
        "lazy_ngettext": (1, 2),
        # a phrase made now, translated when called with a number (intranet/notify/labels.py)
        "count_phrase": (1, 2),
    }
    ids = {}
    for path in files:
        method = "python" if path.endswith(".py") else "jinja2"
        options = {"extensions": "jinja2.ext.do"} if method == "jinja2" else {}
        for lineno, message, _comments, _ctx in extract_from_file(
            method, path, keywords=keywords, options=options
        ):
            ids.setdefault(message, (os.path.relpath(path, ROOT), lineno))
    return ids


def compile_catalogs():
    """Compile every catalog's .po to .mo (the .mo files are build output, not committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for tdir in translation_directories():
        for po_path in glob.glob(os.path.join(tdir, "*", "LC_MESSAGES", "*.po")):
            with open(po_path, "rb") as fh:
                catalog = read_po(fh)
            with open(po_path[:-3] + ".mo", "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            translated = sum(1 for m in catalog if m.id and m.string)
            compiled.append((os.path.relpath(po_path, ROOT), translated, len(catalog)))
    return compiled


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: python -m intranet.i18n compile")
    for path, translated, total in compile_catalogs():
        print(f"    {path}: {translated} of {total} messages translated")
