"""Si Owl's periodic jobs (RQ entry points). ``@periodic`` opens their database connection (or
uses the runner's); each runs the service for the Jakarta date of its slot (``as_of``; today when
called without it): a scan started late, after midnight, is still the scan of its own day.
Running one twice changes nothing."""

from ..scheduling import periodic
from .dates import wib_today
from .services import overstay, scan


@periodic("owl.permit_scan", daily_at="06:00")
def permit_scan(as_of=None):
    """Queue the staged expiry warnings due on the slot's day."""
    result = scan.run_permit_scan(wib_today(as_of))
    return {"date": result.scan_date.isoformat(), "queued": result.queued}


@periodic("owl.overstay", daily_at="06:15")
def overstay_scan_and_digest(as_of=None):
    """Open, escalate and close overstay cases, then e-mail Inteldakim the digest of new ones."""
    today = wib_today(as_of)
    summary = overstay.run_overstay_scan(today)
    digest = overstay.send_overstay_digest(today)
    summary["digest"] = digest.id if digest is not None else None
    return summary
