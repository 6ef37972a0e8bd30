"""The live board of the counters: the page, and its fragment that the page polls every few
seconds (so it is ready-to-print markup from queries and presenters, no per-card template)."""

from ...core.responses import render
from ...policy import roles
from .. import clock, presenters, queries
from ..settings import setting
from ..templating import duration, wib_clock
from .blueprint import OBSERVERS, bp


def late_limits():
    """Seconds a counter may stay in a state before the board marks it late."""
    return {
        "calling": int(setting("calling_late_minutes")) * 60,
        "interviewing": int(setting("interview_late_minutes")) * 60,
    }


def _board_context():
    """Ready-to-print board: polled every few seconds by every supervisor's screen."""
    now = clock.now()
    texts = presenters.board_texts()
    queue = queries.queue_summary(clock.wib_day(now))
    waiting = [
        (prefix, label, queue["by_service"][key])
        for key, prefix, label in texts["services"]
        if queue["by_service"].get(key)
    ]
    longest = duration((now - queue["oldest"]).total_seconds()) if queue["oldest"] else "—"
    return dict(
        cards_html=presenters.board_cards(queries.board_rows(), now, texts, late_limits()),
        waiting_total=queue["total"],
        waiting=waiting,
        longest=longest,
        updated=wib_clock(now),
        poll=int(setting("board_poll_seconds")),
    )


@bp.get("/board")
@roles(*OBSERVERS)
def show_board():
    return render("anggrek/board.html", **_board_context())


@bp.get("/board/live")
@roles(*OBSERVERS)
def board_live():
    """The board's fragment, polled by the board page."""
    return render("anggrek/_board.html", **_board_context())
