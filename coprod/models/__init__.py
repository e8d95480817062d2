"""All models, imported here so metadata and migrations see every table."""

from coprod.models.audio import AudioClip, ClipStatus
from coprod.models.audit import AuditEvent
from coprod.models.auth import LoginAttempt, LoginCard, MagicLink, SignIn
from coprod.models.base import Base, utcnow
from coprod.models.board import Board, Membership, Role
from coprod.models.user import Group, GroupMember, User

__all__ = [
    "AudioClip", "ClipStatus", "AuditEvent", "Base", "Board", "Group", "GroupMember", "LoginAttempt", "LoginCard",
    "MagicLink", "Membership", "Role", "SignIn", "User", "utcnow",
]
