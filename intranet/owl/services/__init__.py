"""Si Owl's operations, one module per sub-domain: ``registry`` (foreigners, permits),
``applications``, ``scan`` (staged expiry warnings), ``overstay``, ``disruptions``, ``lookups``
(passport and application status), and ``common`` (``OwlError``).

Every state change runs in one ``with transaction():`` with its audit entry and its outbox rows.
Everything that depends on the calendar takes an explicit ``today`` (a date in Jakarta), so jobs
pass the day they run for and tests fix it.

Si Owl's own code imports the module it needs. This package keeps only the names callers
outside Si Owl reach it by: Si Jali's permit look-up (``intranet/jali/permits.py`` imports
``intranet.owl.services`` and takes ``lookup_passport``) and the scan benchmark
(``bench/scan.py``).
"""

from .lookups import PassportStatus, lookup_passport  # noqa: F401 - Si Jali's seam
from .scan import due_sql, run_permit_scan  # noqa: F401 - bench/scan.py
