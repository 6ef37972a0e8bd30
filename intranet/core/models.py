"""Office settings that admins change at run time (rates, thresholds, retention periods)."""

import json

from peewee import CharField, DateTimeField, TextField

from ..models import BaseModel, utcnow


class Setting(BaseModel):
    key = CharField(max_length=100, unique=True)
    value = TextField()  # JSON
    updated_at = DateTimeField(default=utcnow)


def get_setting(key, default=None):
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return default
    return json.loads(row.value)


def set_setting(key, value):
    payload = json.dumps(value)
    updated = Setting.update(value=payload, updated_at=utcnow()).where(Setting.key == key).execute()
    if not updated:
        Setting.create(key=key, value=payload)
