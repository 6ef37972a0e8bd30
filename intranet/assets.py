"""Copy the front-end assets installed by npm into static/vendor/ (git-ignored), so the intranet
serves them itself: nothing is loaded from a CDN, nothing third-party is committed.

Run by ./run after ``npm ci``: ``python -m intranet.assets``.
"""

import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.path.join(ROOT, "node_modules")
VENDOR = os.path.join(ROOT, "static", "vendor")

# (source under node_modules, destination under static/vendor)
ASSETS = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("chart.js/dist/chart.umd.min.js", "chart/chart.umd.min.js"),
    ("axe-core/axe.min.js", "axe/axe.min.js"),
]


def main():
    missing = []
    for src, dst in ASSETS:
        source = os.path.join(NODE, src)
        target = os.path.join(VENDOR, dst)
        if not os.path.exists(source):
            missing.append(src)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isdir(source):
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    if missing:
        print("missing npm assets (run npm ci): " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
