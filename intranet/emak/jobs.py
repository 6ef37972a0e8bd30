"""Si Emak's periodic job: a run whose every notice was accepted becomes "sent"."""

from ..extensions import db
from ..scheduling import periodic


@periodic("emak.complete_runs", every_seconds=60)
def complete_runs():
    from .services import complete_sent_runs

    with db.connection_context():
        return complete_sent_runs()
