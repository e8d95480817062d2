"""Writing records and actions, feedback and following. Functions flush; the view commits once.

Emails are not sent here: a change returns the `Notice`s it made, and the view sends them after
its commit, so nobody is told about something that was then rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from coprod.errors import Refused
from coprod import audit, times
from coprod.content.services import writer_language
from coprod.extensions import db
from coprod.models.auth import helped_by
from coprod.mail import send_email
from coprod.models import (Action, ActionStatus, ActionUpdate, AgendaItem, Board, Feedback, Feeling, Follower,
                           Meeting, PersonUpdate, Proposal, ProposalState, Question, QuestionStatus, Record,
                           RecordQuestion, RecordStatus, Role, SignIn, UpdateKind, User, utcnow)
from coprod.models.follow import FINISHED
from coprod.models.upsert import upsert


class FollowRefused(Refused):
    """A change that cannot be made; the message is easy read. `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Notice:
    email: str
    subject: str
    body: str


def today() -> date:
    """Today in the board's own time zone: dates on actions are the board's days."""
    return times.to_local(utcnow()).date()


def may_write(board: Board, user) -> bool:
    return user.is_authenticated and (user.is_admin or user.role_on(board) in (Role.SECRETARY, Role.COMMISSIONER))


# ---- what a record can link to ------------------------------------------------------------------

def may_see_private(board: Board, user) -> bool:
    """Safeguarding: private questions are for the board's secretaries (and admins) only."""
    return user.is_authenticated and (user.is_admin or user.role_on(board) == Role.SECRETARY)


def questions_to_link(board: Board, user) -> list[Question]:
    """This board's sent questions that lead (a joined question follows the one it was joined to).
    Private ones only for the people allowed to read them."""
    query = select(Question).where(Question.board_id == board.id, Question.status != QuestionStatus.DRAFT,
                                   Question.joined_to_id.is_(None))
    if not may_see_private(board, user):
        query = query.where(Question.private.is_(False))
    return list(db.session.scalars(query.order_by(Question.sent_dt.desc(), Question.id.desc())))


def proposals_to_link(board: Board) -> list[Proposal]:
    """Closed votes: a record answers a result, not a vote still going on."""
    now = utcnow()
    return [p for p in db.session.scalars(select(Proposal).where(Proposal.board_id == board.id)
                                          .order_by(Proposal.created_dt.desc()))
            if p.state(now) == ProposalState.CLOSED]


def meetings_to_link(board: Board) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.board_id == board.id)
                                   .order_by(Meeting.starts_dt.desc())))


def _check_links(board: Board, question_ids: list[int], proposal_id: int | None, meeting_id: int | None,
                 by: User) -> None:
    if question_ids:
        query = select(Question.id).where(Question.id.in_(question_ids), Question.board_id == board.id)
        if not may_see_private(board, by):
            query = query.where(Question.private.is_(False))
        if set(db.session.scalars(query)) != set(question_ids):
            raise FollowRefused(_("You can only link questions asked to this board."), "questions")
    if proposal_id is not None and proposal_id not in {p.id for p in proposals_to_link(board)}:
        raise FollowRefused(_("Choose a vote of this board that has finished."), "proposal")
    if meeting_id is not None and db.session.scalar(
            select(Meeting.id).where(Meeting.id == meeting_id, Meeting.board_id == board.id)) is None:
        raise FollowRefused(_("Choose a meeting of this board."), "meeting")


# ---- records ------------------------------------------------------------------------------------

RECORD_FIELDS = ("title", "said_text", "topic", "meeting_id", "proposal_id", "did_text", "did_picture")


def record_on(board: Board, record_id: int) -> Record | None:
    """The record with its actions, history and questions, only if it is this board's."""
    return db.session.scalar(
        select(Record).where(Record.id == record_id, Record.board_id == board.id)
        .options(selectinload(Record.actions).selectinload(Action.updates),
                 selectinload(Record.links).selectinload(RecordQuestion.question).selectinload(Question.asker),
                 selectinload(Record.proposal).selectinload(Proposal.choices),
                 selectinload(Record.meeting), joinedload(Record.board)))


def create_record(board: Board, *, question_ids: list[int], by: User, **fields) -> Record:
    _check_links(board, question_ids, fields.get("proposal_id"), fields.get("meeting_id"), by)
    record = Record(board_id=board.id, created_by_id=by.id, language=writer_language(), **{name: fields[name] for name in RECORD_FIELDS})
    db.session.add(record)
    db.session.flush()
    db.session.add_all(RecordQuestion(record_id=record.id, question_id=qid) for qid in question_ids)
    audit.record("record.create", target=record, board=board, actor=by, detail=record.title)
    db.session.flush()
    return record


def update_record(record: Record, *, question_ids: list[int], by: User, **fields) -> None:
    # Links a commissioner cannot see (a private question the secretary linked) stay as they are.
    hidden = {link.question_id for link in record.links if link.question.private} \
        if not may_see_private(record.board, by) else set()
    question_ids = [qid for qid in question_ids if qid not in hidden]
    _check_links(record.board, question_ids, fields.get("proposal_id"), fields.get("meeting_id"), by)
    question_ids += sorted(hidden)
    changed = [name for name in RECORD_FIELDS if getattr(record, name) != fields[name]]
    for name in changed:
        setattr(record, name, fields[name])
    linked = {link.question_id for link in record.links}
    if linked != set(question_ids):
        changed.append("questions")
        for link in list(record.links):
            if link.question_id not in question_ids:
                record.links.remove(link)
                db.session.delete(link)
        db.session.add_all(RecordQuestion(record_id=record.id, question_id=qid)
                           for qid in question_ids if qid not in linked)
    if changed:
        audit.record("record.edit", target=record, board=record.board, actor=by, detail=", ".join(changed))
    db.session.flush()


def publish(record: Record, *, by: User) -> list[Notice]:
    if record.is_published:
        return []
    if not record.did_text.strip():
        raise FollowRefused(_("Write what was done before you publish."))
    record.status = RecordStatus.PUBLISHED
    record.published_dt = utcnow()
    record.published_by_id = by.id
    audit.record("record.publish", target=record, board=record.board, actor=by, detail=record.title)
    notices = _tell(record, UpdateKind.ANSWERED)
    db.session.flush()
    return notices


# ---- actions ------------------------------------------------------------------------------------

def add_action(record: Record, *, what: str, how: str, who_name: str, who_organisation: str, due_date: date,
               by: User) -> Action:
    if not who_name.strip():
        raise FollowRefused(_("Type the name of the person who will do it."), "who_name")
    if due_date < today():
        raise FollowRefused(_("This date has passed. Choose today or a later date."), "due_date")
    action = Action(record_id=record.id, board_id=record.board_id, what=what, how=how, who_name=who_name,
                    who_organisation=who_organisation, due_date=due_date, status=ActionStatus.PLANNED)
    db.session.add(action)
    db.session.flush()
    record.actions.append(action)
    db.session.add(ActionUpdate(action_id=action.id, status=ActionStatus.PLANNED, by_id=by.id))
    audit.record("action.add", target=action, board=record.board, actor=by, detail=what[:200])
    db.session.flush()
    return action


def change_action(action: Action, *, status: ActionStatus, note: str, reason: str, by: User) -> list[Notice]:
    """Adds a dated update; the action shows its newest status. Earlier updates stay as they were."""
    if status == ActionStatus.COULD_NOT_DO and not reason.strip():
        raise FollowRefused(_("Say why it could not be done."), "reason")
    if status == action.status and not note.strip():
        raise FollowRefused(_("Choose a new step, or write what happened."), "note")
    changed = status != action.status
    action.status = status
    action.status_dt = utcnow()
    action.reason = reason if status == ActionStatus.COULD_NOT_DO else ""
    action.finished_date = today() if status in FINISHED else None
    db.session.add(ActionUpdate(action_id=action.id, status=status, by_id=by.id,
                                note=reason if status == ActionStatus.COULD_NOT_DO and not note else note))
    audit.record("action.status", target=action, board=action.record.board, actor=by,
                 detail=status.value if changed else "note")
    notices = _tell(action.record, UpdateKind.ACTION, action) if action.record.is_published else []
    db.session.flush()
    return notices


def change_due_date(action: Action, *, due_date: date, reason: str, by: User) -> list[Notice]:
    """A new date, said honestly: the old and new dates and the reason are added to the history."""
    if not reason.strip():
        raise FollowRefused(_("Say why the date is changing."), "reason")
    if due_date == action.due_date:
        raise FollowRefused(_("This is the date it has now. Type a different date."), "due_date")
    if due_date < today() and action.status not in FINISHED:
        raise FollowRefused(_("This date has passed. Choose today or a later date."), "due_date")
    before = action.due_date
    action.due_date = due_date
    db.session.add(ActionUpdate(action_id=action.id, status=action.status, by_id=by.id, change="due_date",
                                due_date=due_date, note=reason))
    audit.record("action.due-date", target=action, board=action.record.board, actor=by,
                 detail=f"{before.isoformat()} -> {due_date.isoformat()}")
    notices = _tell(action.record, UpdateKind.ACTION, action) if action.record.is_published else []
    db.session.flush()
    return notices


def remove_action(action: Action, *, reason: str, by: User) -> None:
    """Take away an action added by mistake (a copy). It is not deleted: the record's page lists it
    under "Taken away", with the reason, and its history stays."""
    if not reason.strip():
        raise FollowRefused(_("Say why you are taking it away."), "reason")
    if action.removed_dt is not None:
        return
    action.removed_dt = utcnow()
    action.removed_reason = reason
    action.removed_by_id = by.id
    db.session.add(ActionUpdate(action_id=action.id, status=action.status, by_id=by.id, change="removed",
                                note=reason))
    audit.record("action.remove", target=action, board=action.record.board, actor=by, detail=action.what[:200])
    db.session.flush()


def removed_actions(record: Record) -> list[Action]:
    """The actions taken away from this record, with their history (shown under "Taken away")."""
    return list(db.session.scalars(
        select(Action).where(Action.record_id == record.id, Action.removed_dt.is_not(None))
        .options(selectinload(Action.updates)).order_by(Action.id)))


def action_on(record: Record, action_id: int, *, taken_away_too: bool = False) -> Action | None:
    found = next((a for a in record.actions if a.id == action_id), None)
    if found is None and taken_away_too:
        found = db.session.scalar(select(Action).where(Action.id == action_id, Action.record_id == record.id))
    return found


# ---- who is told --------------------------------------------------------------------------------

def askers_of(record: Record) -> set[int]:
    """People who asked a linked question, or a question joined to one (they keep the credit)."""
    linked = [link.question_id for link in record.links]
    if not linked:
        return set()
    return set(db.session.scalars(select(Question.asker_id).where(
        or_(Question.id.in_(linked), Question.joined_to_id.in_(linked)))))


def followers_of(record: Record) -> set[int]:
    return set(db.session.scalars(select(Follower.user_id).where(Follower.record_id == record.id)))


def _tell(record: Record, kind: UpdateKind, action: Action | None = None) -> list[Notice]:
    askers = askers_of(record)
    people = askers | followers_of(record)
    if not people:
        return []
    for user_id in sorted(people):
        shown_kind = UpdateKind.PUBLISHED if kind == UpdateKind.ANSWERED and user_id not in askers else kind
        db.session.add(PersonUpdate(user_id=user_id, record_id=record.id, kind=shown_kind,
                                    action_id=action.id if action else None,
                                    status=action.status if action else None))
    link = current_app.config["PUBLIC_URL"].rstrip("/") + url_for(
        "follow.record", slug=record.board.slug, record_id=record.id)
    subject = _("News about: %(title)s", title=record.title)
    notices = []
    for user in db.session.scalars(select(User).where(User.id.in_(people), User.email.is_not(None),
                                                      User.disabled_dt.is_(None))):
        lines = [_("Hello %(name)s.", name=user.name)]
        if kind == UpdateKind.ANSWERED:
            lines.append(_("The board has written what it did about: %(title)s.", title=record.title))
        else:
            lines.append(_("An action has changed: %(what)s.", what=action.what))
        lines += [_("Read it here:"), link]
        notices.append(Notice(user.email, subject, "\n\n".join(lines)))
    send(notices)
    return notices


def send(notices: list[Notice]) -> None:
    """Email the people told; the outbox sends them after the commit (never if it rolls back)."""
    for notice in notices:
        send_email(notice.email, notice.subject, notice.body)


# ---- following and feedback ---------------------------------------------------------------------

def is_following(record: Record, user) -> bool:
    return user.is_authenticated and db.session.scalar(
        select(Follower.id).where(Follower.record_id == record.id, Follower.user_id == user.id)) is not None


def set_following(record: Record, user: User, follow: bool) -> None:
    found = db.session.scalar(select(Follower).where(Follower.record_id == record.id, Follower.user_id == user.id))
    if follow and found is None:
        upsert(db.session, Follower, {"record_id": record.id, "user_id": user.id, "created_dt": utcnow()},
               keys=["record_id", "user_id"])
    elif not follow and found is not None:
        db.session.delete(found)
    db.session.flush()


def may_give_feedback(record: Record, user) -> bool:
    return user.is_authenticated and record.is_published and user.id in askers_of(record)


def my_feedback(record: Record, user) -> Feedback | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Feedback).where(Feedback.record_id == record.id, Feedback.user_id == user.id))


def give_feedback(record: Record, user: User, feeling: Feeling, comment: str, sign_in: SignIn | None,
                  audio: tuple[str, int] | None = None) -> None:
    """One answer per person: a second replaces the first, recording and all (safe under double taps).
    `audio`: a spoken comment, already checked and stored by questions.recordings."""
    if not record.is_published:
        raise FollowRefused(_("You can say if you are happy when this is published."))
    if user.id not in askers_of(record):
        raise FollowRefused(_("Only the people who asked about this can say if they are happy."))
    helper = helped_by(sign_in)
    now = utcnow()
    spoken = {"audio_name": audio[0] if audio else None, "audio_seconds": audio[1] if audio else None}
    values = {"feeling": feeling.value, "comment": comment, "updated_dt": now, **helper, **spoken}
    upsert(db.session, Feedback, {"record_id": record.id, "user_id": user.id, **values},
           keys=["record_id", "user_id"], update=values)
    audit.record("record.feedback", target=record, board=record.board, actor=user, detail=feeling.value)
    db.session.flush()


# ---- the loop back ------------------------------------------------------------------------------

def bring_back(record: Record, meeting: Meeting, *, by: User, title: str, summary: str) -> AgendaItem:
    """Put a record that came back on the meeting's agenda, as one item."""
    from coprod.meetings import services as meetings

    if meeting.is_over:
        raise FollowRefused(_("This meeting has happened. Choose a meeting that is coming."))
    item = meetings.add_item(meeting, by=by, title=title[:200], summary=summary, picture="warning",
                             presenter="", starts_after_minutes=None, length_minutes=None)
    record.came_back_item_id = item.id
    record.came_back_dt = utcnow()
    audit.record("record.came-back", target=record, board=record.board, actor=by, detail=str(meeting.id))
    db.session.flush()
    return item
