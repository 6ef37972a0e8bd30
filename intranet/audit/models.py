"""Append-only, hash-chained audit log."""

from peewee import BigAutoField, CharField, DateTimeField, IntegerField, TextField

from ..models import BaseModel, utcnow

GENESIS_HASH = "0" * 64


class AuditEntry(BaseModel):
    id = BigAutoField()
    at = DateTimeField(default=utcnow, index=True)
    actor_id = IntegerField(null=True, index=True)
    actor_label = CharField(max_length=250, default="")
    ip = CharField(max_length=64, default="")
    action = CharField(max_length=80, index=True)
    object_type = CharField(max_length=60, default="", index=True)
    object_id = CharField(max_length=64, default="")
    detail = TextField(default="{}")  # canonical JSON
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64, unique=True)


class AuditHead(BaseModel):
    """A single row holding the chain's tip. Writers update it first, which serialises appends
    on SQLite and PostgreSQL alike, so the chain never forks."""

    id = IntegerField(primary_key=True)
    last_hash = CharField(max_length=64, default=GENESIS_HASH)
    count = IntegerField(default=0)
