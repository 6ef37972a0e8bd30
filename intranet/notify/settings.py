"""Outbox settings: an office setting (``intranet.core.models.Setting``, changed at run time)
wins over the app config (``NOTIFY_*``), which wins over the defaults below."""

from flask import current_app

from ..core.models import get_setting, set_setting

DEFAULTS = {
    # A row is dead after this many failed attempts (transient errors only; 5xx is dead at once).
    "max_attempts": 8,
    # Backoff after the n-th failure: backoff_seconds * 2**(n-1), at most backoff_max_seconds.
    "backoff_seconds": 60,
    "backoff_max_seconds": 3600,
    # A row still "sending" after this long without a heartbeat from its worker is stuck.
    "sending_timeout_seconds": 300,
    # Rows per RQ job: one SMTP connection per job.
    "batch_size": 500,
    # Rows queued/failed whose job id is this old and whose job is gone are re-enqueued.
    "enqueue_grace_seconds": 30,
    # SMTP socket timeout.
    "smtp_timeout_seconds": 30,
    "paused": False,
}

PAUSED_KEY = "notify.paused"


def setting(name):
    default = DEFAULTS[name]
    try:
        configured = current_app.config.get("NOTIFY_" + name.upper(), default)
    except RuntimeError:  # no app context
        configured = default
    value = get_setting("notify." + name, configured)
    return type(default)(value) if default is not None else value


_KEYS = tuple("notify." + name for name in DEFAULTS)


def all_settings():
    """Every outbox setting, in one query (plain SQL: the admin's outbox page reads them on
    every view)."""
    import json

    from ..core.models import Setting
    from ..extensions import db

    p = db.obj.param
    sql = (
        f'SELECT "key", "value" FROM "{Setting._meta.table_name}" '
        f'WHERE "key" IN ({", ".join([p] * len(_KEYS))})'
    )
    stored = dict(db.execute_sql(sql, _KEYS).fetchall())
    try:
        config = current_app.config
    except RuntimeError:
        config = {}
    result = {}
    for name, default in DEFAULTS.items():
        value = config.get("NOTIFY_" + name.upper(), default)
        if "notify." + name in stored:
            value = json.loads(stored["notify." + name])
        result[name] = type(default)(value)
    return result


def is_paused():
    return bool(get_setting(PAUSED_KEY, False))


def set_paused(paused):
    set_setting(PAUSED_KEY, bool(paused))


def set_value(name, value):
    """For tests and admins: store an office setting for the outbox."""
    if name not in DEFAULTS:
        raise KeyError(name)
    set_setting("notify." + name, value)
