"""Coming or not: people on the board say "I am coming" or "I can't come" (apologies) for a meeting,
with the support they need; the secretary sees one list of who is coming, apologies and every need.

Access needs are personal (some are about health). Only the person, whoever helped them answer, and
the board's secretary (or an admin) see them: never a public page, never a log line, never the audit
log (an answer given with help is audited as "coming" or "apologies" only). See README "Coming or not".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from coprod import audit, paging
from coprod.errors import Refused
from coprod.extensions import db
from coprod.models import Attendance, Meeting, SignIn, User, utcnow
from coprod.models.attendance import NEED_FLAGS, NEED_TEXTS
from coprod.models.auth import helped_by
from coprod.models.upsert import upsert

# Each need: its picture and its words on the secretary's list and the person's answer.
NEED_PICTURES = {"support_worker": "supporter", "bsl": "bsl", "large_print": "large-print",
                 "hearing_loop": "hearing-loop", "diet": "diet", "travel": "travel", "other_need": "info"}
NEED_WORDS = {
    "support_worker": _l("a support worker is coming too"),
    "bsl": _l("a BSL interpreter (British Sign Language)"),
    "large_print": _l("papers in large print"),
    "hearing_loop": _l("a hearing loop"),
    "diet": _l("food"),
    "travel": _l("help with travel"),
    "other_need": _l("something else"),
}
LIST_PAGE_SIZE = 50


class AttendanceRefused(Refused):
    pass


def may_answer(meeting: Meeting, now: datetime | None = None) -> bool:
    """People can answer, and change their answer, until the meeting starts."""
    return not meeting.is_over and (now or utcnow()) < meeting.starts_dt


def answer_of(meeting: Meeting, user) -> Attendance | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                      Attendance.user_id == user.id))


_NOT_READ = object()


def block_for_page(meeting: Meeting, mine: object = _NOT_READ) -> dict | None:
    """For the meeting pages ("Are you coming?"): the signed-in person's answer and whether they can
    still answer; None for anyone not on the meeting's board (the block is not shown). `mine`: the
    answer if the view already read it (with the person's check-in, in one query)."""
    from flask_login import current_user

    if not current_user.is_authenticated or (current_user.role_on(meeting.board) is None
                                             and not current_user.is_admin):
        return None
    return {"mine": answer_of(meeting, current_user) if mine is _NOT_READ else mine, "open": may_answer(meeting)}


def answer(meeting: Meeting, user: User, *, coming: bool, needs: dict, sign_in: SignIn | None) -> None:
    """Save the person's answer (a second replaces the first). Apologies clear the needs. Only an answer
    given with help is audited, and only as "coming" or "apologies": never the needs."""
    if not may_answer(meeting):
        raise AttendanceRefused(_("The meeting has started. You cannot change your answer now."))
    helper = helped_by(sign_in)
    values: dict = {"coming": coming, "answered_dt": utcnow(), "needs_cleared_dt": None, **helper}
    for name in NEED_FLAGS:
        values[name] = bool(coming and needs.get(name))
    for name, size in NEED_TEXTS.items():
        values[name] = ((needs.get(name) or "").strip()[:size]) if coming else ""
    upsert(db.session, Attendance, {"meeting_id": meeting.id, "user_id": user.id, **values},
           keys=["meeting_id", "user_id"], update=list(values))
    if helper["helper_id"] is not None or helper["helper_name"]:
        audit.record("attendance.answer", target=meeting, board_id=meeting.board_id, actor=user,
                     detail="coming" if coming else "apologies")
    db.session.flush()


@dataclass(frozen=True)
class Counts:
    coming: int
    apologies: int
    needs: dict[str, int]


def counts(meeting: Meeting) -> Counts:
    """How many are coming, sent apologies, and need each thing: one query."""
    need_columns = [func.coalesce(func.sum(case((Attendance.coming & getattr(Attendance, name), 1), else_=0)), 0)
                    for name in NEED_FLAGS]
    text_columns = [func.coalesce(func.sum(case((Attendance.coming & (getattr(Attendance, name) != ""), 1),
                                                else_=0)), 0) for name in NEED_TEXTS]
    row = db.session.execute(select(
        func.coalesce(func.sum(case((Attendance.coming, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Attendance.coming, 0), else_=1)), 0),
        *need_columns, *text_columns).where(Attendance.meeting_id == meeting.id)).one()
    names = list(NEED_FLAGS) + list(NEED_TEXTS)
    return Counts(coming=int(row[0]), apologies=int(row[1]),
                  needs={name: int(value) for name, value in zip(names, row[2:])})


def answers_page(meeting: Meeting, total: int, per_page: int = LIST_PAGE_SIZE,
                 number: int | None = None) -> paging.Page:
    """The answers with the people's names: coming first, then apologies, each by name."""
    statement = (select(Attendance, User.name).join(User, User.id == Attendance.user_id)
                 .where(Attendance.meeting_id == meeting.id)
                 .order_by(Attendance.coming.desc(), User.name, Attendance.id))
    return paging.page_from(statement, total, per_page, number)
