"""Row markup of Si Anggrek built in Python: the board's counter cards.

The board is rendered every few seconds for every supervisor's screen, so each card is written
in one go from a format string, its fixed texts translated and escaped once per language
(``board_texts``) and every value escaped here, once.
"""

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..core import caches
from .labels import COUNTER_STATE_LABELS, SERVICES
from .templating import duration

# One counter card of the board.
_BOARD_CARD = (
    '    <div class="col-sm-6 col-lg-4 col-xl-3">\n'
    '      <div class="card h-100 anggrek-counter anggrek-counter-{state}{late_class}"'
    ' data-counter="{code}" data-state="{state}" data-ticket="{ticket}" data-late="{late_flag}">\n'
    '        <div class="card-body py-2">\n'
    '          <div class="d-flex justify-content-between align-items-center">\n'
    '            <span class="fw-semibold">{name}</span>\n'
    '            <span class="badge anggrek-state anggrek-state-{state}" data-role="state">'
    "{label}</span>\n"
    "          </div>\n"
    '          <div class="small text-muted">{officer}</div>\n'
    '          <div class="d-flex justify-content-between align-items-end mt-1">\n'
    '            <span class="fs-4 fw-semibold" data-role="ticket">{ticket}</span>\n'
    "            {time}\n"
    "          </div>\n"
    "{late}"
    "        </div>\n"
    "      </div>\n"
    "    </div>\n"
)
_BOARD_TIME = '<span class="small" title="{title}" data-role="time">{value}</span>'
# Late (anggrek.settings calling_late_minutes, interview_late_minutes): said in words, not by the
# colour alone, with the minutes past the limit.
_BOARD_LATE = (
    '          <div class="text-end"><span class="badge anggrek-late" title="{title}" '
    'data-role="late">{label}</span></div>\n'
)

# language -> the board's escaped labels and fixed texts (no URL in them)
_BOARD_TEXTS = caches.Cache("anggrek.board_texts", maxsize=8)


def board_texts():
    """Escaped state labels and fixed texts of the board, once per language."""
    return _BOARD_TEXTS.get_or_make(str(get_locale() or "id"), _make_board_texts)


def _make_board_texts():
    return {
        "states": {key: escape(str(label)) for key, label in COUNTER_STATE_LABELS.items()},
        "no_officer": escape(_("No officer")),
        "time_title": escape(_("Time in this state")),
        "late": escape(_("Late by %(minutes)s min")),
        "late_title": {
            "calling": escape(_("Calling for longer than %(minutes)s minutes")),
            "interviewing": escape(_("Interviewing past the %(minutes)s-minute standard")),
        },
        "services": [(key, prefix, str(label)) for key, (prefix, label, _p) in SERVICES.items()],
    }


def board_cards(rows, now, texts, limits):
    """The cards of ``rows`` (queries.board_rows) as one piece of markup. ``limits``: seconds a
    counter may stay calling or interviewing before it is marked late."""
    states = texts["states"]
    out = []
    for row in rows:
        state = escape(row.state)
        ticket = escape(row.ticket or "")
        time_html = late_html = ""
        if row.state != "closed":
            seconds = (now - row.since).total_seconds()
            time_html = _BOARD_TIME.format(title=texts["time_title"], value=duration(seconds))
            limit = limits.get(row.state)
            if limit is not None and seconds > limit:
                over = -(-int(seconds - limit) // 60)  # whole minutes past the limit, rounded up
                late_html = _BOARD_LATE.format(
                    title=texts["late_title"][row.state] % {"minutes": limit // 60},
                    label=texts["late"] % {"minutes": over},
                )
        out.append(
            _BOARD_CARD.format(
                state=state,
                late_class=" anggrek-counter-late" if late_html else "",
                late_flag="1" if late_html else "0",
                code=escape(row.code),
                ticket=ticket,
                name=escape(row.name),
                label=states.get(row.state) or state,
                officer=escape(row.officer) if row.officer else texts["no_officer"],
                late=late_html,
                time=time_html,
            )
        )
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a duration
