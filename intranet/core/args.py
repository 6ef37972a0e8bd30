"""Query-string arguments, read the same way on every page and bounded.

A value that is missing, malformed or out of range is the argument's default: a guessed 20-digit
id or page is simply "not found" (or the first page), never an ``OverflowError`` from SQLite
(64-bit integers) or a ``DataError`` from PostgreSQL (32-bit row ids), and a date near the ends
of the calendar never overflows when a page adds a day or a month to it.

    before = int_arg("before")                 # a row id or None
    page = page_arg()                          # 1..PAGE_MAX, 1 when absent or out of range
    months = int_arg("months", 12, min=1, max=24)
    day = date_arg("date") or today
    ids = int_list_arg("events")               # repeated ?events=…, bad values left out
"""

import datetime as dt
import re

from flask import request

ROW_ID_MAX = 2**31 - 1  # a PostgreSQL integer column; no row id is beyond it
BIG_ID_MAX = 2**63 - 1  # a bigint row id (the audit log)
PAGE_MAX = 100_000
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2999, 12, 31)

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII digits only: int() also takes "²"-like digits


def parse_int(text, default=None, *, min=1, max=ROW_ID_MAX):
    """``text`` as an integer in [min, max], else ``default``."""
    if text is None:
        return default
    text = str(text).strip()
    if not _INTEGER.fullmatch(text):
        return default
    value = int(text)
    return value if min <= value <= max else default


def parse_date(text, default=None, *, min=DATE_MIN, max=DATE_MAX):
    """An ISO date (2026-12-07) in [min, max], else ``default``."""
    if not text or len(text) != 10:
        return default
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return default
    return value if min <= value <= max else default


def _args(args):
    return request.args if args is None else args


def int_arg(name, default=None, *, min=1, max=ROW_ID_MAX, args=None):
    """An integer query argument in [min, max] (a row id by default), else ``default``."""
    return parse_int(_args(args).get(name), default, min=min, max=max)


def page_arg(name="page", *, max=PAGE_MAX, args=None):
    """A page number: 1 when absent, malformed or beyond ``max``."""
    return parse_int(_args(args).get(name), 1, min=1, max=max)


def int_list_arg(name, *, min=1, max=ROW_ID_MAX, args=None):
    """Every well-formed value of a repeated integer argument, in order, without duplicates."""
    values = []
    for text in _args(args).getlist(name):
        value = parse_int(text, None, min=min, max=max)
        if value is not None and value not in values:
            values.append(value)
    return values


def date_arg(name, default=None, *, args=None):
    """An ISO date argument between 1900 and 2999, else ``default``."""
    return parse_date(_args(args).get(name), default)


def datetime_arg(name, default=None, *, args=None):
    """An ISO date and time to the second (2026-12-07T08:30:00, naive UTC as the links that
    carry it write it) between 1900 and 2999, else ``default``."""
    text = (_args(args).get(name) or "").strip()
    if len(text) != 19 or parse_date(text[:10]) is None:
        return default
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return default


def month_arg(name, default=None, *, args=None):
    """A month argument (2026-12) as the date of its first day, between 1900 and 2999."""
    text = (_args(args).get(name) or "").strip()
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        return default
    return parse_date(f"{match[1]}-{int(match[2]):02d}-01", default)


def text_arg(name, limit=100, *, args=None):
    """A query-string text, stripped, without control characters (they never reach the
    database), at most ``limit`` characters; "" when absent."""
    value = _args(args).get(name) or ""
    return "".join(ch for ch in value if ch.isprintable()).strip()[:limit]


def date_id_cursor_arg(name, *, args=None):
    """A keyset cursor "<ISO date>_<row id>" (a list sorted by a date, then id) as (date, id),
    else None."""
    day, _sep, ident = (_args(args).get(name) or "").partition("_")
    day, ident = parse_date(day), parse_int(ident)
    return (day, ident) if day and ident else None
