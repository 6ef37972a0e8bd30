"""Writing and verifying the audit chain.

Each entry's hash covers its own fields and the previous entry's hash, so changing, inserting or
deleting a row breaks the chain from that row on; ``verify_chain`` names the first broken entry.
"""

import hashlib
import json

from flask import has_request_context, request

from ..extensions import transaction
from ..models import utcnow
from .models import GENESIS_HASH, AuditEntry, AuditHead

# Who acts when a caller names nobody: a function of no arguments giving the signed-in user or
# None, registered at start-up (``create_app`` registers ``intranet.core.actor.actor``). Until
# then, and outside a request, an entry without ``actor=`` is the system's.
_actor_lookup = [None]


def set_actor_lookup(lookup):
    """Register who acts when ``record`` is not told (None: nobody, the system)."""
    _actor_lookup[0] = lookup


def _canonical(entry_fields):
    return json.dumps(entry_fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash, at, actor_id, actor_label, ip, action, object_type, object_id, detail):
    payload = _canonical(
        {
            "prev": prev_hash,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "ip": ip,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "detail": detail,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def client_ip():
    if not has_request_context():
        return ""
    return request.remote_addr or ""


def record(action, obj=None, *, object_type=None, object_id=None, actor=None, detail=None):
    """Append one entry. Runs inside the caller's transaction when there is one, so the entry is
    committed with the change it describes, or not at all.

    ``actor`` is who acted (a ``User``); without it, the user the registered lookup names
    (``set_actor_lookup``: in a request, the signed-in user), else the system.

    ``detail`` must never carry amounts, passwords or coordinates; name what changed, not values
    that are themselves sensitive.
    """
    if actor is None and has_request_context() and _actor_lookup[0] is not None:
        actor = _actor_lookup[0]()
    if obj is not None:
        object_type = object_type or obj.__class__.__name__
        object_id = object_id if object_id is not None else obj.get_id()
    actor_id = actor.id if actor is not None else None
    actor_label = f"{actor.name} ({actor.nip})" if actor is not None else "system"
    ip = client_ip()
    detail_text = _canonical(detail or {})
    with transaction():
        # Take the chain's lock first (an UPDATE), then read the tip under it.
        updated = AuditHead.update(count=AuditHead.count + 1).where(AuditHead.id == 1).execute()
        if not updated:
            AuditHead.insert(id=1, last_hash=GENESIS_HASH, count=1).on_conflict_ignore().execute()
            AuditHead.update(count=AuditHead.count + 0).where(AuditHead.id == 1).execute()
        head = AuditHead.get_by_id(1)
        at = utcnow()
        digest = compute_hash(
            head.last_hash,
            at,
            actor_id,
            actor_label,
            ip,
            action,
            object_type or "",
            "" if object_id is None else str(object_id),
            detail_text,
        )
        entry = AuditEntry.create(
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            ip=ip,
            action=action,
            object_type=object_type or "",
            object_id="" if object_id is None else str(object_id),
            detail=detail_text,
            prev_hash=head.last_hash,
            hash=digest,
        )
        AuditHead.update(last_hash=digest).where(AuditHead.id == 1).execute()
    return entry


def verify_chain(batch=5000):
    """Walk the chain in order. Returns (ok, checked, first_bad_id, reason)."""
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = list(
            AuditEntry.select().where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        )
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return False, checked, row.id, "previous-hash link broken (row inserted or removed)"
            expected = compute_hash(
                row.prev_hash,
                row.at,
                row.actor_id,
                row.actor_label,
                row.ip,
                row.action,
                row.object_type,
                row.object_id,
                row.detail,
            )
            if expected != row.hash:
                return False, checked, row.id, "content does not match its hash (row edited)"
            prev = row.hash
            checked += 1
            last_id = row.id
    head = AuditHead.get_or_none(AuditHead.id == 1)
    if head is not None and checked and head.last_hash != prev:
        return False, checked, None, "chain tip does not match the last row (rows removed at end)"
    return True, checked, None, ""
