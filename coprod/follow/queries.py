"""Reading records for the tracker, the dashboard, the loop back and open data.

Each function makes a fixed number of queries, however many records, actions or answers there are.
Nothing here ever reads a private question, or an asker's name unless they chose to show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from coprod.extensions import db
from coprod.follow.services import today
from coprod.models.follow import FINISHED
from coprod.models import (Action, ActionStatus, ActionUpdate, Board, Feedback, Feeling, Meeting, PersonUpdate,
                           Question, QuestionStatus, Record, RecordQuestion, RecordStatus, User)


def published_records(board: Board) -> list[Record]:
    """The board's published records with their actions: two queries."""
    return list(db.session.scalars(
        select(Record).where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .options(joinedload(Record.board), selectinload(Record.actions)).order_by(Record.published_dt.desc(), Record.id.desc())))


def all_records(board: Board) -> list[Record]:
    """Drafts too, for the people who write them."""
    return list(db.session.scalars(
        select(Record).where(Record.board_id == board.id)
        .options(joinedload(Record.board), selectinload(Record.actions)).order_by(Record.created_dt.desc(), Record.id.desc())))


# ---- the tracker --------------------------------------------------------------------------------

@dataclass
class Filters:
    status: str = ""  # an ActionStatus value, or "late"
    topic: str = ""
    meeting: int | None = None


def matches(record: Record, filters: Filters, today: date) -> bool:
    if filters.topic and record.topic != filters.topic:
        return False
    if filters.meeting and record.meeting_id != filters.meeting:
        return False
    if filters.status == "late":
        return any(a.is_late(today) for a in record.actions)
    if filters.status:
        return any(a.status.value == filters.status for a in record.actions)
    return True


def counts(records: list[Record], today: date) -> dict[str, int]:
    """How many records have an action in each step, and how many have a late one."""
    found = {s.value: 0 for s in ActionStatus} | {"late": 0}
    for record in records:
        for value in {a.status.value for a in record.actions}:
            found[value] += 1
        if any(a.is_late(today) for a in record.actions):
            found["late"] += 1
    return found


def counts_by(records: list[Record], attribute: str) -> dict:
    """How many records there are for each topic (or meeting)."""
    found: dict = {}
    for record in records:
        key = getattr(record, attribute)
        found[key] = found.get(key, 0) + 1
    return found


def feelings_for(record_ids: list[int]) -> dict[int, dict[str, int]]:
    """Happy / OK / Not happy counts per record, in one query."""
    found: dict[int, dict[str, int]] = {rid: {f.value: 0 for f in Feeling} for rid in record_ids}
    if not record_ids:
        return found
    for record_id, feeling, number in db.session.execute(
            select(Feedback.record_id, Feedback.feeling, func.count()).where(Feedback.record_id.in_(record_ids))
            .group_by(Feedback.record_id, Feedback.feeling)):
        found[record_id][feeling.value] = number
    return found


def public_questions(record: Record) -> list[Question]:
    """The linked questions anyone may see: never a private one, never a draft."""
    return [link.question for link in record.links if link.question.is_public]


def person_updates(user: User, limit: int = 50) -> list[PersonUpdate]:
    return list(db.session.scalars(
        select(PersonUpdate).where(PersonUpdate.user_id == user.id)
        .options(selectinload(PersonUpdate.record).selectinload(Record.board), selectinload(PersonUpdate.action))
        .order_by(PersonUpdate.created_dt.desc(), PersonUpdate.id.desc()).limit(limit)))


# ---- the loop back ------------------------------------------------------------------------------

@dataclass
class CameBack:
    record: Record
    not_happy: int = 0
    comments: list[str] = field(default_factory=list)
    spoken: list[int] = field(default_factory=list)  # ids of Feedback with a recording
    late: list[Action] = field(default_factory=list)
    on_this_agenda: bool = False


def came_back_for(meeting: Meeting, today: date) -> list[CameBack]:
    """Published records of the meeting's board with "Not happy" answers or late actions. Three queries,
    each selecting only what comes back (the board's other records and actions are never read)."""
    board_id = meeting.board_id
    item_ids = [item.id for item in meeting.items]
    published = and_(Record.board_id == board_id, Record.status == RecordStatus.PUBLISHED)
    late: dict[int, list[Action]] = {}
    for action in db.session.scalars(
            select(Action).join(Record, Record.id == Action.record_id)
            .where(published, Action.removed_dt.is_(None), Action.status.not_in(sorted(FINISHED)), Action.due_date < today)
            .order_by(Action.id)):
        late.setdefault(action.record_id, []).append(action)
    # Already brought back to an earlier meeting (not this one): only answers since then come back again.
    heard = and_(Record.came_back_dt.is_not(None),
                 or_(Record.came_back_item_id.is_(None), Record.came_back_item_id.not_in(item_ids)),
                 Feedback.updated_dt <= Record.came_back_dt)
    unhappy = db.session.execute(
        select(Feedback.record_id, Feedback.comment, Feedback.id, Feedback.audio_name)
        .join(Record, Record.id == Feedback.record_id)
        .where(published, Feedback.feeling == Feeling.NOT_HAPPY, not_(heard)).order_by(Feedback.id)).all()
    record_ids = set(late) | {row.record_id for row in unhappy}
    if not record_ids:
        return []
    records = {record.id: record for record in db.session.scalars(
        select(Record).where(Record.id.in_(sorted(record_ids))).options(joinedload(Record.board)))}
    found = {record_id: CameBack(records[record_id], late=actions) for record_id, actions in late.items()}
    for record_id, comment, feedback_id, audio_name in unhappy:
        entry = found.setdefault(record_id, CameBack(records[record_id]))
        entry.not_happy += 1
        if comment.strip():
            entry.comments.append(comment)
        if audio_name:
            entry.spoken.append(feedback_id)
    for entry in found.values():
        entry.on_this_agenda = entry.record.came_back_item_id in item_ids
    return sorted(found.values(), key=lambda e: (e.record.published_dt, e.record.id), reverse=True)


def came_back(meeting: Meeting) -> list[CameBack]:
    """For the meetings pages: what came back to the board, for a meeting still to happen."""
    if meeting.is_over:
        return []
    return came_back_for(meeting, today())


# ---- the dashboard ------------------------------------------------------------------------------

@dataclass
class Dashboard:
    questions_sent: int = 0
    questions_answered: int = 0
    median_days: int | None = None  # whole days: easy to read
    actions: dict[str, int] = field(default_factory=dict)
    feelings: dict[str, int] = field(default_factory=dict)

    @property
    def actions_total(self) -> int:
        return sum(self.actions.values())

    @property
    def feelings_total(self) -> int:
        return sum(self.feelings.values())


ACTION_KINDS = ("on_time", "done_late", "late", "on_track", "could_not_do")


def _days_between(earlier, later):
    """(later - earlier) in days, as a fraction, in SQL: SQLite and PostgreSQL say it differently."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400
    return func.julianday(later) - func.julianday(earlier)


def _median(values):
    """The median of a subquery's column `value` in SQL (NULLs left out), portable: the middle one or
    two values by ROW_NUMBER, averaged. One statement, however many rows."""
    ranked = (select(values.c.value, func.row_number().over(order_by=values.c.value).label("position"),
                     func.count().over().label("number"))
              .where(values.c.value.is_not(None)).subquery())
    # Integer division: n = 5 gives positions 3 and 3; n = 4 gives 2 and 3.
    return (select(func.avg(ranked.c.value))
            .where(ranked.c.position.in_([(ranked.c.number + 1) / 2, (ranked.c.number + 2) / 2])))


def dashboard(board: Board, today: date) -> Dashboard:
    """Five statements, each counting or finding the median in SQL: the cost does not grow with the
    rows in Python (issue 15)."""
    result = Dashboard()
    # When each question was first answered by a published record: grouped once per question, then
    # joined twice (its own links, and the links of the question it was joined to). Never a subquery
    # run once per question (an OR in it made SQLite read every link for every question).
    first = (select(RecordQuestion.question_id, func.min(Record.published_dt).label("answered_dt"))
             .join(Record, Record.id == RecordQuestion.record_id)
             .where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
             .group_by(RecordQuestion.question_id).subquery())
    own, lead = first.alias("own"), first.alias("lead")
    both = and_(own.c.answered_dt.is_not(None), lead.c.answered_dt.is_not(None))
    answered_dt = case((and_(both, own.c.answered_dt <= lead.c.answered_dt), own.c.answered_dt),
                       (both, lead.c.answered_dt),
                       else_=func.coalesce(own.c.answered_dt, lead.c.answered_dt))
    when = func.coalesce(answered_dt, case((Question.status == QuestionStatus.ANSWERED, Question.status_dt)))
    days = _days_between(Question.sent_dt, when)
    sent = (select(case((days < 0, 0), else_=days).label("value"), when.label("when"))
            .outerjoin(own, own.c.question_id == Question.id).outerjoin(lead, lead.c.question_id == Question.joined_to_id)
            .where(Question.board_id == board.id, Question.status != QuestionStatus.DRAFT,
                   Question.sent_dt.is_not(None))).subquery()
    result.questions_sent, result.questions_answered = db.session.execute(
        select(func.count(), func.count(sent.c.when)).select_from(sent)).one()
    median = db.session.scalar(_median(sent))
    result.median_days = round(median) if median is not None else None

    finished_in_time = or_(Action.finished_date.is_(None), Action.finished_date <= Action.due_date)
    kind = case((and_(Action.status == ActionStatus.DONE, finished_in_time), "on_time"),
                (Action.status == ActionStatus.DONE, "done_late"),
                (Action.status == ActionStatus.COULD_NOT_DO, "could_not_do"),
                (Action.due_date < today, "late"), else_="on_track")
    result.actions = dict.fromkeys(ACTION_KINDS, 0) | dict(db.session.execute(
        select(kind, func.count()).join(Record, Record.id == Action.record_id)
        .where(Action.board_id == board.id, Record.status == RecordStatus.PUBLISHED, Action.removed_dt.is_(None))
        .group_by(kind)).all())

    result.feelings = {f.value: 0 for f in Feeling}
    for feeling, number in db.session.execute(
            select(Feedback.feeling, func.count()).join(Record, Record.id == Feedback.record_id)
            .where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED).group_by(Feedback.feeling)):
        result.feelings[feeling.value] = number
    return result


# ---- open data ----------------------------------------------------------------------------------

def open_records(board: Board, today: date) -> list[dict]:
    """Published records and their actions as plain data. Five queries. No personal data: the only
    names are the people responsible for actions (their job) and askers who chose to be named."""
    records = list(db.session.scalars(
        select(Record).where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .options(selectinload(Record.actions).selectinload(Action.updates),
                 selectinload(Record.links).selectinload(RecordQuestion.question).selectinload(Question.asker))
        .order_by(Record.published_dt.desc(), Record.id.desc())))
    feelings = feelings_for([r.id for r in records])
    return [record_data(r, feelings[r.id], today) for r in records]


def record_data(record: Record, feelings: dict[str, int], today: date) -> dict:
    return {
        "id": record.id,
        "title": record.title,
        "you_said": record.said_text,
        "topic": record.topic,
        "meeting_id": record.meeting_id,
        "proposal_id": record.proposal_id,
        "we_did": record.did_text,
        "published": record.published_dt.isoformat() if record.published_dt else None,
        "questions": [{"id": q.id, "text": q.shown_text, "asked_by": q.asker.name if q.show_name else None}
                      for q in public_questions(record)],
        "feelings": feelings,
        "actions": [action_data(a, today) for a in record.actions],
    }


def action_data(action: Action, today: date) -> dict:
    return {
        "id": action.id,
        "what": action.what,
        "how": action.how,
        "who": action.who_name,
        "organisation": action.who_organisation,
        "due": action.due_date.isoformat(),
        "status": action.status.value,
        "late": action.is_late(today),
        "reason": action.reason,
        "history": [{"date": u.created_dt.isoformat(), "status": u.status.value, "note": u.note,
                     "change": u.change, "due": u.due_date.isoformat() if u.due_date else None}
                    for u in action.updates],
    }


def feed_entries(board: Board, limit: int = 50) -> tuple[list[Record], list[ActionUpdate]]:
    """New records and action changes on published records, newest first."""
    records = list(db.session.scalars(
        select(Record).where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .order_by(Record.published_dt.desc()).limit(limit)))
    updates = list(db.session.scalars(
        select(ActionUpdate).join(Action, Action.id == ActionUpdate.action_id)
        .join(Record, Record.id == Action.record_id)
        .where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .options(selectinload(ActionUpdate.action).selectinload(Action.record))
        .order_by(ActionUpdate.created_dt.desc(), ActionUpdate.id.desc()).limit(limit)))
    return records, updates
