"""Where and when a deliverable was sent: the browser's position as received, distances, the
working hours, the work date's limits and the flags' names. Pure rules, no database (the flags
that compare with stored deliverables are computed in ``submissions``).
"""

import datetime as dt
import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _

from ..core.filters import WIB
from ..models import utcnow
from .errors import CempakaError
from .models import (
    FLAG_FAR,
    FLAG_LOW_ACCURACY,
    FLAG_NO_LOCATION,
    FLAG_NO_PLACE,
    FLAG_OUTSIDE_HOURS,
    FLAG_REUSED_COORDS,
    FLAG_REUSED_FILE,
    LOC_MISSING,
    LOC_OK,
    LOCATION_STATUSES,
)

EARTH_RADIUS_M = 6_371_008.8
FLAG_NAMES = {
    FLAG_NO_LOCATION: "no_location",
    FLAG_LOW_ACCURACY: "low_accuracy",
    FLAG_FAR: "far",
    FLAG_OUTSIDE_HOURS: "outside_hours",
    FLAG_REUSED_COORDS: "reused_coords",
    FLAG_REUSED_FILE: "reused_file",
    FLAG_NO_PLACE: "no_place",
}


@dataclass(frozen=True)
class Location:
    status: str
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    device_time: dt.datetime | None = None

    @property
    def ok(self):
        return self.status == LOC_OK


def _finite(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def parse_location(status, lat, lon, accuracy, device_ms):
    """The browser's answer as sent by static/js/cempaka.js. Coordinates are kept only with the
    status "ok" and only when they are well-formed: never guessed, never taken from elsewhere."""
    status = (status or "").strip().lower()
    if status not in LOCATION_STATUSES:
        status = LOC_MISSING
    if status != LOC_OK:
        return Location(status=status)
    lat_v, lon_v, acc_v = _finite(lat), _finite(lon), _finite(accuracy)
    valid = (
        lat_v is not None
        and -90 <= lat_v <= 90
        and lon_v is not None
        and -180 <= lon_v <= 180
        and acc_v is not None
        and 0 <= acc_v <= 1_000_000
    )
    if not valid:
        raise CempakaError(
            _("The location sent by the browser is not valid. Reload the page and submit again."),
            field="location",
        )
    device_time = None
    ms = _finite(device_ms)
    if ms is not None and 0 < ms < 32503680000000:  # before year 3000
        device_time = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).replace(tzinfo=None)
    return Location(status=LOC_OK, lat=lat_v, lon=lon_v, accuracy_m=acc_v, device_time=device_time)


def haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def outside_working_hours(moment_utc, settings):
    local = moment_utc.replace(tzinfo=dt.UTC).astimezone(WIB)
    window = settings.working_window(local.date())
    if window is None:
        return True
    start, end = window
    return not (start <= local.time().replace(tzinfo=None) < end)


def flag_names(flags):
    return [name for bit, name in FLAG_NAMES.items() if flags & bit]


def today_wib(now=None):
    now = now or utcnow()
    return now.replace(tzinfo=dt.UTC).astimezone(WIB).date()


def check_work_date(work_date, settings, now=None):
    today = today_wib(now)
    if work_date > today:
        raise CempakaError(_("The work date cannot be in the future."), field="work_date")
    earliest = today - dt.timedelta(days=settings.max_backdate_days)
    if work_date < earliest:
        raise CempakaError(
            _("The work date can be at most %(n)d days back.", n=settings.max_backdate_days),
            field="work_date",
        )
