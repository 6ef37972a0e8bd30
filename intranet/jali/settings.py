"""Si Jali's settings (admins change them at /jali/settings), with the defaults used until then."""

from ..audit.services import record
from ..core.models import get_setting, set_setting
from ..extensions import transaction
from .models import CATEGORIES, OFFICIAL, WNA, WNI

PURPOSES_KEY = "jali.purposes"
STICKER_KEY = "jali.sticker_size"
CLOSING_KEY = "jali.closing_time"

# Purposes are office data (shown as written, in the office's language), not UI strings.
DEFAULT_PURPOSES = {
    WNI: [
        "Permohonan paspor baru",
        "Penggantian paspor habis berlaku/penuh",
        "Penggantian paspor hilang/rusak",
        "Pengambilan paspor",
        "Konsultasi dan informasi",
        "Pengaduan layanan",
    ],
    WNA: [
        "Perpanjangan izin tinggal",
        "Alih status izin tinggal",
        "Permohonan ITAS/ITAP",
        "Izin masuk kembali (re-entry permit)",
        "Pelaporan/perubahan data",
        "Pengambilan dokumen",
        "Konsultasi dan informasi",
    ],
    OFFICIAL: [
        "Rapat/koordinasi",
        "Kunjungan kerja",
        "Pengawasan/audit",
        "Sosialisasi",
        "Pengantaran surat dinas",
    ],
}

# Brother DK-11202 shipping labels: 62 x 100 mm, the usual front-desk badge roll.
DEFAULT_STICKER = {"width_mm": 62, "height_mm": 100}
STICKER_LIMITS = (30, 200)  # mm, each side

DEFAULT_CLOSING_TIME = "17:00"  # WIB; the sweep caps check-out times at this hour


def purposes():
    """{category: [purpose, ...]} with every category present."""
    stored = get_setting(PURPOSES_KEY) or {}
    result = {}
    for category in CATEGORIES:
        values = stored.get(category) if isinstance(stored, dict) else None
        result[category] = list(values) if values else list(DEFAULT_PURPOSES[category])
    return result


def set_purposes(value):
    set_setting(PURPOSES_KEY, {c: list(value[c]) for c in CATEGORIES})


def sticker_size():
    stored = get_setting(STICKER_KEY) or {}
    low, high = STICKER_LIMITS
    try:
        width = int(stored.get("width_mm", DEFAULT_STICKER["width_mm"]))
        height = int(stored.get("height_mm", DEFAULT_STICKER["height_mm"]))
    except (TypeError, ValueError, AttributeError):
        return dict(DEFAULT_STICKER)
    if not (low <= width <= high and low <= height <= high):
        return dict(DEFAULT_STICKER)
    return {"width_mm": width, "height_mm": height}


def set_sticker_size(width_mm, height_mm):
    set_setting(STICKER_KEY, {"width_mm": int(width_mm), "height_mm": int(height_mm)})


def closing_time():
    """(hour, minute) in WIB."""
    value = get_setting(CLOSING_KEY) or DEFAULT_CLOSING_TIME
    try:
        hour, minute = (int(p) for p in str(value).split(":"))
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return hour, minute
    except ValueError:
        pass
    hour, minute = (int(p) for p in DEFAULT_CLOSING_TIME.split(":"))
    return hour, minute


def set_closing_time(hour, minute):
    set_setting(CLOSING_KEY, f"{int(hour):02d}:{int(minute):02d}")


def save(purpose_lists, sticker, closing, *, actor):
    """The admin's settings page: purposes ({category: [purpose]}), the sticker's (width_mm,
    height_mm) and the closing time (hour, minute), in one audited transaction."""
    with transaction():
        set_purposes(purpose_lists)
        set_sticker_size(*sticker)
        set_closing_time(*closing)
        record(
            "jali.settings_changed",
            object_type="Setting",
            object_id="jali",
            actor=actor,
            detail={"fields": ["purposes", "sticker_size", "closing_time"]},
        )
