"""A fixed-window counter per client IP in Redis for the public status look-ups.

``OWL_STATUS_LIMIT`` look-ups per ``OWL_STATUS_WINDOW`` seconds (defaults 10 per 600 s). When
Redis is unreachable the look-up is answered (and the error logged): the public page must not go
down with the cache, and the passport + application number pair is not guessable anyway.
"""

import hashlib
import logging
import time

import redis
from flask import current_app, request

from ..extensions import get_redis

log = logging.getLogger(__name__)


def _client_key(window_start):
    ip = request.remote_addr or "unknown"
    digest = hashlib.sha256(ip.encode()).hexdigest()[:24]
    return f"intranet:owl:status:{digest}:{window_start}"


def hit():
    """Count one look-up. Returns 0 when allowed, else the seconds until the window ends."""
    limit = int(current_app.config.get("OWL_STATUS_LIMIT", 10))
    window = int(current_app.config.get("OWL_STATUS_WINDOW", 600))
    now = int(time.time())
    window_start = now - now % window
    key = _client_key(window_start)
    try:
        pipe = get_redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, window + 5)
        count, _ok = pipe.execute()
    except redis.RedisError as exc:
        log.error("status page rate limit unavailable: %s", exc)
        return 0
    if int(count) > limit:
        return max(1, window_start + window - now)
    return 0
