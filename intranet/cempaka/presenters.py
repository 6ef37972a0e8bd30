"""List rows as HTML: the review queue and "my deliverables" are the pages staff load most, and a
Jinja expression per cell costs more than the cell (twenty rows of twenty-odd cells each). So the
rows are written here, once per row, with plain string formatting:

- every value from the database goes through ``escape`` (``_e``) where it is inserted;
- the words of the rows are translated and escaped once per language (``_words``), the flag
  badges once per language and flag set, the dates once per distinct value in a page;
- the row markup is the one the templates used to print (``templates/cempaka/_macros.html``
  keeps the macros other pages use).

Each function returns ``Markup``, printed as is by ``{{ row }}``.
"""

import datetime as dt

from flask_babel import get_locale
from markupsafe import Markup, escape

from ..core import caches
from ..core.filters import WIB
from . import labels
from .models import PENDING

_WIB_OFFSET = dt.timedelta(hours=7)  # Asia/Jakarta: UTC+7 without daylight saving since 1964


def _e(value):
    return str(escape(value))


def _safe(html):
    return Markup(html)  # noqa: S704 - markup written here, every value in it went through _e


# Finished rows, by (page, language's words, script root, error, comment, the row's values): a
# row's markup depends on nothing else, and the queue shows the same rows reload after reload.
_ROWS = caches.Cache("cempaka.rows", maxsize=5000)


def _cached_row(key, W):
    hit = _ROWS.get(key)
    return hit[1] if hit is not None and hit[0] is W else None


def _keep_row(key, W, html):
    _ROWS.put(key, (W, html))
    return html


_WORDS = caches.Cache("cempaka.row_words", maxsize=8)  # language -> the rows' words


def _words():
    """The row words of the request's language, translated (labels.texts) and escaped once."""
    locale = str(get_locale() or "id")
    words = _WORDS.get(locale)
    if words is None:
        T = labels.texts()
        # every word and format string escaped once: the values put into the format strings
        # are escaped text, numbers, or dates written with the escaped month names
        words = {key: _e(value) for key, value in T.items() if isinstance(value, str)}
        words["status"] = {
            status: f'<span class="badge {labels.STATUS_CLASSES[status]}" '
            f'data-status="{status}">{_e(label)}</span>'
            for status, label in T["status"].items()
        }
        words["location"] = {k: _e(v) for k, v in T["location"].items()}
        words["flags"] = T["flags"]
        words["months"] = {k: _e(v) for k, v in T["months"].items()}
        words["status_attr"] = {k: k for k in T["status"]}
        words["location_attr"] = {k: k for k in T["location"]}
        words["flag_html"] = {}
        _WORDS.put(locale, words)
    return words


def _flag_badges(flags, W):
    html = W["flag_html"].get(flags)
    if html is None:
        html = W["flag_html"][flags] = "".join(
            f'<span class="badge cempaka-flag me-1" data-flag="{bit}" title="{_e(help_)}">'
            f"{_e(label)}</span>"
            for bit, label, help_ in W["flags"]
            if flags & bit
        )
    return html


class _Dates:
    """Dates and timestamps as labels.short_date / short_datetime write them, each distinct
    value formatted once."""

    def __init__(self, W):
        self.months = W["months"]
        self.days = {}

    def date(self, value):
        text = self.days.get(value)
        if text is None:
            text = self.days[value] = f"{value.day} {self.months[value.month]} {value.year}"
        return text

    def datetime(self, value):
        if value is None:
            return ""
        if value.year >= 1970:
            local = value + _WIB_OFFSET
        else:
            local = value.replace(tzinfo=dt.UTC).astimezone(WIB)
        return f"{self.date(local.date())} {local:%H:%M} WIB"


def _location(s, W):
    """(located, escaped location text, escaped accuracy text)."""
    if s.location_status != "ok":
        text = W["location"].get(s.location_status)
        return False, text if text is not None else _e(s.location_status), ""
    if s.distance_m is not None:
        text = W["from_place"] % {"distance": labels.distance(s.distance_m)}
    else:
        text = W["location"]["ok"]
    return True, text, "±" + labels.distance(s.accuracy_m)


def queue_rows(rows, error=None, comment=""):
    """``<tr>`` of the supervisor's queue for ``queries.QUEUE_COLUMNS`` tuples (the first file
    of the current version comes with the row; the others are on the deliverable's page).
    ``error`` and ``comment`` are for a single row answered after an inline decision."""
    W = _words()
    U = labels.row_urls()
    dates = _Dates(W)
    show_url = U.pattern("cempaka.show_submission", "submission_id")[0]  # ".../cempaka/" + id
    location_url = U.pattern("cempaka.show_location", "submission_id")
    decide_url = U.pattern("cempaka.decide", "submission_id")
    file_url = U.pattern("cempaka.download_file", "file_id")[0]
    base_key = ("queue", id(W), show_url, error, comment)
    out = []
    for s in rows:
        key = (base_key, tuple(s))
        html = _cached_row(key, W)
        if html is not None:
            out.append(html)
            continue
        sid = int(s.id)
        located, location_text, accuracy_text = _location(s, W)
        title = _e(s.title)
        meta = (
            dates.date(s.work_date) + " · " + W["sent"] % {"when": dates.datetime(s.submitted_at)}
        )
        if s.version > 1:
            meta += " · " + W["version"] % {"n": s.version}
        pending = s.status == PENDING
        status = W["status_attr"].get(s.status) or _e(s.status)
        parts = [f'<tr id="sub-{sid}" data-status="{status}" data-flags="{int(s.flags)}">\n  <td>']
        if pending and not s.flags:
            select = W["select"] % {"title": title}
            parts.append(
                f'<input class="form-check-input" type="checkbox" name="ids" value="{sid}" '
                f'form="bulk-form" aria-label="{select}">'
            )
        parts.append(
            f'</td>\n  <td>\n    <div class="fw-semibold">{_e(s.employee_name)}</div>\n'
            f'    <a href="{show_url}{sid}">{title}</a>\n'
            f'    <div class="small text-muted">{meta}</div>\n'
        )
        if s.file_id:
            parts.append(
                f'    <div class="small"><a href="{file_url}{int(s.file_id)}" download '
                f'hx-boost="false">{_e(s.file_name)}</a>'
            )
            if s.file_count > 1:
                more = W["more_files"] % {"n": s.file_count - 1}
                parts.append(f' <a class="text-muted" href="{show_url}{sid}">{more}</a>')
            parts.append("</div>\n")
        parts.append(
            f'  </td>\n  <td class="cempaka-flags-cell">\n'
            f"    <div>{_flag_badges(s.flags, W) if s.flags else ''}</div>\n"
        )
        if located:
            parts.append(
                f'    <div class="small"><span class="cempaka-distance">{location_text}</span> '
                f'<span class="text-muted small">· {accuracy_text}</span></div>\n'
                f'    <button type="button" class="btn btn-link btn-sm p-0 cempaka-map-button" '
                f'hx-get="{location_url[0]}{sid}{location_url[1]}" hx-target="#loc-{sid}" '
                f'hx-swap="innerHTML">{W["show_map"]}</button>\n'
                f'    <div id="loc-{sid}" class="cempaka-loc"></div>\n'
            )
        else:
            parts.append(
                f'    <div class="small"><span class="text-danger" data-location-status='
                f'"{W["location_attr"].get(s.location_status) or _e(s.location_status)}">'
                f"{location_text}</span></div>\n"
            )
        parts.append('  </td>\n  <td class="cempaka-decision-cell">\n')
        if pending:
            invalid = " is-invalid" if error else ""
            # approving a flagged deliverable takes a note (review.decide)
            placeholder = W["comment_placeholder_flagged" if s.flags else "comment_placeholder"]
            required = ' aria-required="true"' if s.flags else ""
            parts.append(
                f'    <form hx-post="{decide_url[0]}{sid}{decide_url[1]}" hx-target="#sub-{sid}" '
                f'hx-swap="outerHTML" class="cempaka-decision">\n'
                f'      <input type="hidden" name="version" value="{int(s.version)}">\n'
                f'      <label class="visually-hidden" for="comment-{sid}">{W["comment"]}</label>\n'
                f'      <textarea class="form-control form-control-sm mb-1{invalid}" '
                f'id="comment-{sid}" name="comment" rows="1" maxlength="2000"{required} '
                f'placeholder="{placeholder}">{_e(comment or "")}</textarea>\n'
            )
            if error:
                parts.append(
                    f'      <div class="invalid-feedback d-block" role="alert">{_e(error)}</div>\n'
                )
            parts.append(
                f'      <div class="btn-group btn-group-sm" role="group" '
                f'aria-label="{W["decision"]}">\n'
                f'        <button class="btn btn-success" name="decision" value="approved">'
                f"{W['approve']}</button>\n"
                f'        <button class="btn btn-outline-primary" name="decision" '
                f'value="revision">{W["revise"]}</button>\n'
                f'        <button class="btn btn-outline-danger" name="decision" '
                f'value="rejected">{W["reject"]}</button>\n'
                f"      </div>\n    </form>\n"
            )
        else:
            parts.append(f"    {W['status'][s.status]}\n")
            if s.decision_comment:
                parts.append(
                    f'    <div class="small fst-italic mt-1">{_e(s.decision_comment)}</div>\n'
                )
            if s.decided_at:
                parts.append(
                    f'    <div class="small text-muted">{dates.datetime(s.decided_at)}</div>\n'
                )
            if error:
                parts.append(f'    <div class="text-danger small" role="alert">{_e(error)}</div>\n')
        parts.append("  </td>\n</tr>")
        out.append(_keep_row(key, W, _safe("".join(parts))))
    return out


def my_rows(rows):
    """``<tr>`` of an employee's own list (``queries.LIST_COLUMNS`` tuples)."""
    W = _words()
    U = labels.row_urls()
    dates = _Dates(W)
    show_url = U.pattern("cempaka.show_submission", "submission_id")[0]
    revise_url = U.pattern("cempaka.resubmit", "submission_id")
    one_file = W["one_file"]
    base_key = ("mine", id(W), show_url)
    out = []
    for s in rows:
        key = (base_key, tuple(s))
        html = _cached_row(key, W)
        if html is not None:
            out.append(html)
            continue
        sid = int(s.id)
        located, location_text, accuracy_text = _location(s, W)
        meta = W["sent_cap"] % {"when": dates.datetime(s.submitted_at)}
        if s.version > 1:
            meta += " · " + W["version"] % {"n": s.version}
        files = one_file if s.file_count == 1 else W["files"] % {"n": s.file_count}
        comment = _e(s.decision_comment) if s.decision_comment else ""
        status = W["status_attr"].get(s.status) or _e(s.status)
        if s.status == "revision":
            note = (
                f'\n    <div class="small mt-1"><span class="text-info-emphasis">{comment}</span> '
                f'<a class="btn btn-sm btn-outline-primary ms-1" '
                f'href="{revise_url[0]}{sid}{revise_url[1]}">{W["revise"]}</a></div>'
            )
        elif comment:
            note = f'\n    <div class="small text-muted mt-1">{comment}</div>'
        else:
            note = ""
        if located:
            where = (
                f'<span class="cempaka-distance">{location_text}</span> '
                f'<span class="text-muted small">· {accuracy_text}</span>'
            )
        else:
            where = f'<span class="text-danger">{location_text}</span>'
        badges = _flag_badges(s.flags, W) if s.flags else ""
        # below the lg breakpoint the flags column is hidden: the badges go under the title
        narrow = ""
        if badges:
            narrow = f'\n    <div class="d-lg-none mt-1 cempaka-flags-narrow">{badges}</div>'
        html = _safe(
            f'<tr id="mine-{sid}" data-status="{status}">\n'
            f'  <td class="text-nowrap">{dates.date(s.work_date)}</td>\n'
            f'  <td><a href="{show_url}{sid}">{_e(s.title)}</a>\n'
            f'    <div class="small text-muted">{meta} · {files}</div>{narrow}{note}\n'
            f"  </td>\n  <td>{W['status'][s.status]}</td>\n"
            f'  <td class="d-none d-md-table-cell small">{where}</td>\n'
            f'  <td class="d-none d-lg-table-cell">{badges}</td>\n</tr>'
        )
        out.append(_keep_row(key, W, html))
    return out


def report_options(reports, selected):
    """``<option>`` of the queue's employee filter for [(id, name)]."""
    return _safe(
        "".join(
            f'<option value="{int(uid)}"{" selected" if uid == selected else ""}>{_e(name)}'
            "</option>"
            for uid, name in reports
        )
    )
