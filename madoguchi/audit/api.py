"""The audit trail over the API, for supervisors and administrators (read-only, like the log)."""

from datetime import datetime
from typing import Any

from ninja import Router, Schema

from madoguchi.core.api_auth import staff
from madoguchi.core.roles import Capability

from . import selectors

router = Router(tags=["audit"])

LATEST = 100


class EventOut(Schema):
    id: int
    created_at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]


@router.get(
    "/audit/events", response=list[EventOut], auth=staff(Capability.AUDIT_VIEW),
    summary=f"The latest {LATEST} audit events, newest first",
)
def list_events(request):
    return [
        EventOut(
            id=e.pk, created_at=e.created_at, actor=e.actor_label, action=e.action,
            target_type=e.target_type, target_id=e.target_id, details=e.details,
        )
        for e in selectors.recent_events(limit=LATEST)
    ]
