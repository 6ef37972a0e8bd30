"""Si Emak's periodic job: a run whose every notice was accepted becomes "sent"."""

from ..scheduling import periodic


@periodic("emak.complete_runs", every_seconds=30)
def complete_runs():
    from .sending import complete_sent_runs

    return complete_sent_runs()  # @periodic opens the job's database connection
