"""Writing to the audit log. Every entry says who, what, when (UTC) and who was helping."""

from __future__ import annotations

from flask import g, has_request_context
from flask_login import current_user

from coprod.extensions import db
from coprod.models import AuditEvent, User


def record(action: str, *, target=None, board=None, board_id: int | None = None, detail: str = "",
           actor: User | None = None) -> AuditEvent:
    """Add an audit entry to the session (the request's single commit saves it). The board is given
    as `board`, or as `board_id` where only its id is at hand (nothing need be loaded for it)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    sign_in = g.get("sign_in") if has_request_context() else None
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        board_id=board.id if board is not None else board_id,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=detail,
    )
    if sign_in is not None and sign_in.helping_since_dt is not None and actor is not None \
            and actor.id == sign_in.user_id:
        event.helper_id = sign_in.helper_id
        event.helper_name = sign_in.helper_display_name
    db.session.add(event)
    return event
