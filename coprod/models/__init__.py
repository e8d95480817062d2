"""All models, imported here so metadata and migrations see every table."""

from coprod.models.attendance import Attendance, CheckIn
from coprod.models.audio import AudioClip, ClipStatus
from coprod.models.audit import AuditEvent
from coprod.models.auth import LoginAttempt, LoginCard, MagicLink, RecoveryCode, SignIn
from coprod.models.base import Base, utcnow
from coprod.models.board import Board, Membership, Role
from coprod.models.content import ContentLanguage
from coprod.models.data_export import DataExport, ExportStatus
from coprod.models.follow import (Action, ActionStatus, ActionUpdate, Feedback, Feeling, Follower, PersonUpdate,
                                  Record, RecordQuestion, RecordStatus, UpdateKind)
from coprod.models.glossary import GlossaryTerm
from coprod.models.payment import ClaimStatus, PayBy, PaymentClaim
from coprod.models.notice import AccountNotice, NoticeKind
from coprod.models.meeting import AgendaItem, Meeting, MeetingStatus
from coprod.models.paper import Paper
from coprod.models.picture import Picture
from coprod.models.question import MeToo, Question, QuestionStatus
from coprod.models.reminder import (BoardReminder, ReminderChannel, ReminderChoice, ReminderHow, ReminderKind,
                                    SentReminder, SentStatus)
from coprod.models.safeguarding import ConcernReason, SafeguardingConcern, SafeguardingNote
from coprod.models.submission import SubmissionKey
from coprod.models.proposal import Ballot, Choice, Proposal, ProposalState, RoomCount, Vote
from coprod.models.user import Group, GroupMember, User

__all__ = [
    "Attendance", "CheckIn", "Paper", "ClaimStatus", "PayBy", "PaymentClaim",
    "BoardReminder", "ReminderChannel", "ReminderChoice", "ReminderHow", "ReminderKind", "SentReminder", "SentStatus",
    "ConcernReason", "SafeguardingConcern", "SafeguardingNote",
    "AccountNotice", "NoticeKind", "DataExport", "ExportStatus",
    "Action", "ActionStatus", "ActionUpdate", "Feedback", "Feeling", "Follower", "PersonUpdate", "Record",
    "RecordQuestion", "RecordStatus", "UpdateKind",
    "AgendaItem", "AudioClip", "ContentLanguage", "ClipStatus", "AuditEvent", "Ballot", "Base", "Board", "Choice", "Proposal", "ProposalState", "RoomCount", "Vote", "GlossaryTerm", "Group", "GroupMember", "LoginAttempt", "LoginCard",
    "MagicLink", "MeToo", "Meeting", "MeetingStatus", "Membership", "Picture", "Question", "QuestionStatus", "RecoveryCode", "Role", "SignIn", "SubmissionKey", "User", "utcnow",
]
