"""The CSRF token in every page, signed once an hour per session instead of on every request.

Flask-WTF signs the session's raw token with a timestamp on each request (an HMAC and a
serializer set-up: a noticeable share of a list page). The signed token is only a proof that the
form came from this session, valid for ``WTF_CSRF_TIME_LIMIT`` (the session's whole lifetime);
re-using a signature for up to ``REUSE_SECONDS`` is the same as a page left open that long.
Validation is untouched (Flask-WTF's ``csrf.protect``).
"""

import time
from collections import OrderedDict

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

REUSE_SECONDS = 3600
MAX_SESSIONS = 10_000  # per worker process; least recently used signatures are dropped


def install(app):
    signed = OrderedDict()  # raw session token -> (signed token, when signed)

    def csrf_token():
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        token = g.get(field)
        if token is not None:
            return token
        raw = session.get(field)
        now = time.monotonic()
        hit = signed.get(raw) if raw else None
        if hit is not None and now - hit[1] < REUSE_SECONDS:
            signed.move_to_end(raw)
            setattr(g, field, hit[0])  # forms of this request (Flask-WTF) reuse it too
            return hit[0]
        token = generate_csrf()
        signed[session[field]] = (token, now)
        if len(signed) > MAX_SESSIONS:
            signed.popitem(last=False)
        return token

    # Flask-WTF offers its own through a global and a context processor; replace both (the
    # processor's value would win over the global).
    app.jinja_env.globals["csrf_token"] = csrf_token
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if getattr(p, "__module__", "") != "flask_wtf.csrf"]
    app.context_processor(lambda: {"csrf_token": csrf_token})
