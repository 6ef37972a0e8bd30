"""Reports on the counters' work: officer metrics for a day, week or month (page, one officer's
history, CSV and Excel export) and the satisfaction survey's IKM scores and comments. Each user
sees the officers of their scope (``_officer_scope``)."""

import csv
import datetime as dt
import io

from flask import Response, request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...audit.services import record
from ...core.actor import actor
from ...core.args import date_arg
from ...core.responses import render
from ...people.models import User
from ...policy import require, roles
from .. import clock, ikm, metrics, queries
from ..models import SurveyResponse
from .blueprint import METRIC_READERS, OBSERVERS, bp


def _officer_scope(user):
    """None: every officer; else the set of officer ids this user may see metrics of."""
    if user.has_role("kepala"):
        return None
    ids = set()
    if user.has_role("atasan"):
        ids.update(queries.direct_report_ids(user.id))
    if user.has_role("loket"):
        ids.add(user.id)
    return ids


def _period_args():
    period = request.args.get("period", "day")
    if period not in metrics.PERIODS:
        period = "day"
    day = date_arg("date", clock.today())
    return period, day


def _metrics_rows(period, day):
    first, last = metrics.period_days(period, day)
    scope = _officer_scope(actor())
    stats = metrics.per_officer(metrics.load(first, last, officer_ids=scope))
    users = queries.users_by_id(stats)
    start, end = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    scores = ikm.scores(SurveyResponse.officer, start, end)
    rows = sorted(
        ((users[o], s, scores.get(o)) for o, s in stats.items() if o in users),
        key=lambda r: r[0].name,
    )
    return first, last, rows


@bp.get("/metrics")
@roles(*METRIC_READERS)
def show_metrics():
    period, day = _period_args()
    first, last, rows = _metrics_rows(period, day)
    total = metrics.Stats()
    for _u, s, _i in rows:
        total.add(s)
    prev_day = first - dt.timedelta(days=1)
    next_day = last + dt.timedelta(days=1)
    return render(
        "anggrek/metrics.html",
        period=period,
        day=day,
        first=first,
        last=last,
        rows=rows,
        total=total,
        prev_day=prev_day,
        next_day=next_day if next_day <= clock.today() else None,
    )


@bp.get("/metrics/officer/<int:officer_id>")
@roles(*METRIC_READERS)
def show_officer_metrics(officer_id):
    officer = User.get_or_none(User.id == officer_id)
    scope = _officer_scope(actor())
    require(officer is not None and (scope is None or officer_id in scope))
    period, day = _period_args()
    count = {"day": 14, "week": 12, "month": 12}[period]
    buckets = metrics.previous_periods(period, day, count)
    stats = metrics.load(buckets[0][0], buckets[-1][1], officer_ids=[officer_id])
    by_bucket = {first: metrics.Stats() for first, _last in buckets}
    for (_o, d), s in stats.items():
        key = metrics.period_key(period, d)
        if key in by_bucket:
            by_bucket[key].add(s)
    series = [(first, last, by_bucket[first]) for first, last in buckets]
    chart = {
        "labels": [_bucket_label(period, first) for first, _l2, _s in series],
        "datasets": {
            "served": [s.served for *_x, s in series],
            "referred": [s.referred for *_x, s in series],
            "no_show": [s.no_show for *_x, s in series],
            "avg_wait": [_minutes(s.avg_wait) for *_x, s in series],
            "avg_interview": [_minutes(s.avg_interview) for *_x, s in series],
            "idle_waiting": [_minutes(s.idle_waiting) for *_x, s in series],
        },
        "names": {
            "served": _("Served"),
            "referred": _("Referred"),
            "no_show": _("No-show"),
            "avg_wait": _("Average wait (min)"),
            "avg_interview": _("Average interview (min)"),
            "idle_waiting": _("Idle while tickets waited (min)"),
            "count": _("Tickets"),
            "minutes": _("Minutes"),
        },
    }
    start, end = clock.day_bounds(buckets[0][0])[0], clock.day_bounds(buckets[-1][1])[1]
    score = ikm.scores(SurveyResponse.officer, start, end).get(officer_id)
    return render(
        "anggrek/officer_metrics.html",
        officer=officer,
        period=period,
        day=day,
        series=series,
        chart=chart,
        score=score,
    )


def _bucket_label(period, first):
    if period == "month":
        return first.strftime("%Y-%m")
    if period == "week":
        return f"{first.isocalendar().year}-W{first.isocalendar().week:02d}"
    return first.isoformat()


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 2)


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


EXPORT_COLUMNS = [
    (_l("Officer"), lambda u, s, i: u.name),
    ("NIP", lambda u, s, i: u.nip),
    (_l("Served"), lambda u, s, i: s.served),
    (_l("Referred"), lambda u, s, i: s.referred),
    (_l("No-show"), lambda u, s, i: s.no_show),
    (_l("Average wait (min)"), lambda u, s, i: _minutes(s.avg_wait)),
    (_l("Average call-to-start (min)"), lambda u, s, i: _minutes(s.avg_call_to_start)),
    (_l("Average interview (min)"), lambda u, s, i: _minutes(s.avg_interview)),
    (_l("Idle while tickets waited (min)"), lambda u, s, i: _minutes(s.idle_waiting)),
    (_l("Counter open (min)"), lambda u, s, i: _minutes(s.open_time)),
    (_l("No-show rate (%)"), lambda u, s, i: _pct(s.no_show_rate)),
    (_l("Referral rate (%)"), lambda u, s, i: _pct(s.referral_rate)),
    (_l("IKM responses"), lambda u, s, i: i.responses if i else 0),
    ("IKM", lambda u, s, i: float(i.value) if i and i.value is not None else None),
]


@bp.get("/metrics/export.<fmt>")
@roles(*METRIC_READERS)
def export_metrics(fmt):
    require(fmt in ("csv", "xlsx"))
    period, day = _period_args()
    first, last, rows = _metrics_rows(period, day)
    header = [str(h) for h, _f in EXPORT_COLUMNS]
    data = [[f(u, s, i) for _h, f in EXPORT_COLUMNS] for u, s, i in rows]
    record(
        "anggrek.metrics.exported",
        object_type="Metrics",
        actor=actor(),
        detail={"period": period, "first": first.isoformat(), "rows": len(rows), "format": fmt},
    )
    name = f"anggrek-metrics-{period}-{first.isoformat()}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so spreadsheet programs read UTF-8
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in data])
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    from openpyxl import Workbook  # a heavy import, for this download only

    wb = Workbook()
    ws = wb.active
    ws.title = "Anggrek"
    ws.append(
        [_("Officer metrics %(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())]
    )
    ws.append(header)
    for row in data:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(
        buf,
        as_attachment=True,
        download_name=f"{name}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.get("/satisfaction")
@roles(*OBSERVERS)
def show_satisfaction():
    period = request.args.get("period", "month")
    if period not in metrics.PERIODS:
        period = "month"
    day = date_arg("date", clock.today())
    first, last = metrics.period_days(period, day)
    start, end = clock.day_bounds(first)[0], clock.day_bounds(last)[1]
    scope = _officer_scope(actor())
    by_officer = ikm.scores(SurveyResponse.officer, start, end)
    if scope is not None:
        by_officer = {k: v for k, v in by_officer.items() if k in scope}
    users = queries.users_by_id(by_officer)
    officer_rows = sorted(
        ((users[k], v) for k, v in by_officer.items() if k in users), key=lambda r: r[0].name
    )
    by_unit = ikm.scores(SurveyResponse.unit, start, end)
    units = queries.units_by_id(k for k in by_unit if k)
    unit_rows = [(units.get(k), v) for k, v in by_unit.items()]
    overall = ikm.scores(None, start, end).get(None)
    comments = queries.survey_comments(start, end)
    if scope is not None:
        comments = [c for c in comments if c.officer_id in scope]
    return render(
        "anggrek/satisfaction.html",
        period=period,
        day=day,
        first=first,
        last=last,
        officer_rows=officer_rows,
        unit_rows=unit_rows,
        overall=overall,
        comments=comments,
        users=users,
        grades=ikm.GRADES,
    )
