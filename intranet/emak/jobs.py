"""Si Emak's periodic job: notices a send left unqueued are queued; a run whose every notice
was accepted becomes "sent"."""

from ..scheduling import periodic


@periodic("emak.complete_runs", every_seconds=30)
def complete_runs():
    from ..notify.jobs import db_session
    from .services import complete_sent_runs, finish_queuing

    with db_session():
        queued = finish_queuing()
        return {"notices queued": queued, "runs sent": complete_sent_runs()}
