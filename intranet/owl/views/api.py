"""The public status page's JSON twin for the mobile app (docs/owl-status-api.md): the same
rules, the same rate limit, the same audit."""

from flask import jsonify, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from ...core.args import text_arg
from ...policy import public
from .. import labels, ratelimit
from ..services.disruptions import current_disruptions
from ..services.lookups import public_status
from .blueprint import bp
from .public import audit_lookup


def _json(body, status):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/status")
@public
def api_status():
    """JSON for the mobile app: the same rules as the page (docs/owl-status-api.md)."""
    lang = request.args.get("lang") or str(get_locale() or "id")
    lang = lang if lang in ("en", "id") else "id"
    with force_locale(lang):
        number = text_arg("application", 41)
        passport = text_arg("passport", 41)
        if not number or not passport or len(number) > 40 or len(passport) > 40:
            return _json(
                {
                    "error": "bad_request",
                    "message": _("Give both the application number and the passport number."),
                },
                400,
            )
        retry = ratelimit.hit()
        if retry:
            response = _json(
                {
                    "error": "rate_limited",
                    "retry_after": retry,
                    "message": _(
                        "Too many look-ups from this address. Try again in %(minutes)d minutes.",
                        minutes=max(1, -(-retry // 60)),
                    ),
                },
                429,
            )
            response.headers["Retry-After"] = str(retry)
            return response
        result = public_status(number, passport)
        audit_lookup(result, "api")
        notices = [
            {
                "title": d.title(lang),
                "message": d.message(lang),
                "starts_at": d.starts_at.isoformat() + "Z",
                "expected_end_at": d.expected_end_at.isoformat() + "Z",
            }
            for d in current_disruptions()
        ]
        if result is None:
            return _json(
                {
                    "found": False,
                    "error": "not_found",
                    "message": _(
                        "No application matches this application number and passport number."
                    ),
                    "disruptions": notices,
                },
                404,
            )
        return _json(
            {
                "found": True,
                "application": {
                    "number": result.application_number,
                    "kind": result.kind,
                    "kind_label": str(labels.APPLICATION_KIND_LABELS[result.kind]),
                    "status": result.status,
                    "status_label": str(labels.APPLICATION_STATUS_LABELS[result.status]),
                    "received_on": result.received_on.isoformat(),
                    "decided_on": result.decided_on.isoformat() if result.decided_on else None,
                },
                "permit": {
                    "type": result.permit_type,
                    "expiry_date": result.expiry_date.isoformat() if result.expiry_date else None,
                    "expired": result.expired,
                }
                if result.permit_type
                else None,
                "disruptions": notices,
            },
            200,
        )
