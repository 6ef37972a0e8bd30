"""Si Emak's periodic job: a run whose every notice was accepted becomes "sent"."""

from ..scheduling import periodic


@periodic("emak.complete_runs", every_seconds=30)
def complete_runs():
    from ..notify.jobs import db_session
    from .sending import complete_sent_runs

    with db_session():
        return complete_sent_runs()
