"""The figures' targets: office settings (``wbbm.targets`` in intranet.core.models.Setting, a
JSON object {figure key: number or null}); a figure without a stored target has its default
(``definitions.FIGURES``). ``CLOSE_MARGIN`` is how far from the target (a share of it, or at
least ``CLOSE_MIN`` in the figure's unit) still counts as "close" rather than "off"."""

from ..core.models import get_setting, set_setting
from .definitions import FIGURES

KEY = "wbbm.targets"
CLOSE_MARGIN = 0.10
CLOSE_MIN = 1.0


def targets():
    stored = get_setting(KEY, {}) or {}
    out = {}
    for figure in FIGURES:
        value = stored.get(figure.key, figure.target) if figure.key in stored else figure.target
        out[figure.key] = float(value) if value is not None else None
    return out


def save_targets(values):
    """Store {figure key: number or None} for the known figures."""
    known = {f.key for f in FIGURES}
    set_setting(KEY, {k: v for k, v in values.items() if k in known})
