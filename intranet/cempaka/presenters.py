"""List rows prepared for display: the words, dates, distances and links a row shows, built in
Python once per row so the row template only prints them (a Jinja call per cell costs more than
the cell; the review queue and "my deliverables" are the pages staff load most)."""

from types import SimpleNamespace

from . import labels
from .models import PENDING


def _location(s, T):
    if s.location_status != "ok":
        return False, T["location"].get(s.location_status, s.location_status), ""
    if s.distance_m is not None:
        text = T["from_place"] % {"distance": labels.distance(s.distance_m)}
    else:
        text = T["location"]["ok"]
    return True, text, "±" + labels.distance(s.accuracy_m)


def _meta(s, T):
    parts = [
        labels.short_date(s.work_date),
        T["sent"] % {"when": labels.short_datetime(s.submitted_at)},
    ]
    if s.version > 1:
        parts.append(T["version"] % {"n": s.version})
    return " · ".join(parts)


def queue_rows(rows):
    """Rows of the supervisor's queue (``services.QUEUE_COLUMNS`` tuples: the first file of the
    current version comes with the row; the others are on the deliverable's page)."""
    T = labels.texts()
    U = labels.row_urls()
    result = []
    for s in rows:
        located, location_text, accuracy_text = _location(s, T)
        pending = s.status == PENDING
        result.append(
            SimpleNamespace(
                id=s.id,
                version=s.version,
                status=s.status,
                flags=s.flags,
                title=s.title,
                employee_name=s.employee_name,
                pending=pending,
                selectable=pending and not s.flags,
                select_label=T["select"] % {"title": s.title},
                meta=_meta(s, T),
                show_url=U.show(s.id),
                decide_url=U.decide(s.id),
                location_url=U.location(s.id) if located else "",
                file_url=U.file(s.file_id) if s.file_id else "",
                file_name=s.file_name,
                more_files=max(0, s.file_count - 1),
                flag_items=labels.flag_items(s.flags) if s.flags else (),
                located=located,
                location_status=s.location_status,
                location_text=location_text,
                accuracy_text=accuracy_text,
                status_label=T["status"][s.status],
                status_class=labels.STATUS_CLASSES[s.status],
                decision_comment=s.decision_comment,
                decided_text=labels.short_datetime(s.decided_at) if s.decided_at else "",
            )
        )
    return result


def my_rows(rows):
    """Rows of an employee's own list (``services.LIST_COLUMNS`` tuples)."""
    T = labels.texts()
    U = labels.row_urls()
    result = []
    for s in rows:
        located, location_text, accuracy_text = _location(s, T)
        meta = T["sent_cap"] % {"when": labels.short_datetime(s.submitted_at)}
        if s.version > 1:
            meta += " · " + T["version"] % {"n": s.version}
        files = T["one_file"] if s.file_count == 1 else T["files"] % {"n": s.file_count}
        result.append(
            SimpleNamespace(
                id=s.id,
                status=s.status,
                title=s.title,
                date=labels.short_date(s.work_date),
                meta=f"{meta} · {files}",
                show_url=U.show(s.id),
                revise_url=U.revise(s.id) if s.status == "revision" else "",
                located=located,
                location_text=location_text,
                accuracy_text=accuracy_text,
                flag_items=labels.flag_items(s.flags) if s.flags else (),
                status_label=T["status"][s.status],
                status_class=labels.STATUS_CLASSES[s.status],
                decision_comment=s.decision_comment,
            )
        )
    return result
