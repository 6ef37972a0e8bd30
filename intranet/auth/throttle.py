"""Sign-in throttling in Redis: per account and per IP, in a short sliding window.

The per-account lock lasts only the window (5 minutes by default), so a stranger typing wrong
passwords cannot keep a colleague out for long. When Redis is unreachable sign-in still works
(unthrottled) and the error is logged: a broken cache must not lock the whole office out.
"""

import hashlib
import logging

import redis
from flask import current_app

from ..extensions import get_redis

log = logging.getLogger(__name__)


def _key(kind, value):
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"intranet:login:{kind}:{digest}"


def retry_after(login, ip):
    """Seconds until another attempt is allowed, or 0."""
    cfg = current_app.config
    try:
        r = get_redis()
        pipe = r.pipeline()
        pipe.get(_key("acct", login))
        pipe.ttl(_key("acct", login))
        pipe.get(_key("ip", ip))
        pipe.ttl(_key("ip", ip))
        acct, acct_ttl, by_ip, ip_ttl = pipe.execute()
    except redis.RedisError as exc:
        log.error("sign-in throttle unavailable: %s", exc)
        return 0
    if acct and int(acct) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return max(int(acct_ttl), 1)
    if by_ip and int(by_ip) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]:
        return max(int(ip_ttl), 1)
    return 0


def record_failure(login, ip):
    window = current_app.config["LOGIN_WINDOW_SECONDS"]
    try:
        r = get_redis()
        pipe = r.pipeline()
        for key in (_key("acct", login), _key("ip", ip)):
            # Start the window with the first failure (works on Redis 6 and 7 alike).
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
        pipe.execute()
    except redis.RedisError as exc:
        log.error("sign-in throttle unavailable: %s", exc)


def clear(login):
    try:
        get_redis().delete(_key("acct", login))
    except redis.RedisError as exc:
        log.error("sign-in throttle unavailable: %s", exc)
