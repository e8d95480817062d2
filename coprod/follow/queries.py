"""Reading records for the tracker, the dashboard, the loop back and open data.

Each function makes a fixed number of queries, however many records, actions or answers there are.
Nothing here ever reads a private question, or an asker's name unless they chose to show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, String, and_, case, func, literal, not_, or_, select, type_coerce, union_all
from sqlalchemy.orm import joinedload, selectinload

from coprod import paging
from coprod.extensions import db
from coprod.follow.services import today
from coprod.paging import Page
from coprod.models.follow import FINISHED
from coprod.models import (Action, ActionStatus, ActionUpdate, Board, Feedback, Feeling, Meeting, PersonUpdate,
                           Question, QuestionStatus, Record, RecordQuestion, RecordStatus, User)


# The writers' page: drafts and published records, each list with its own pages.
WRITER_LISTS = ("drafts", "published")


def records_for_writers(board: Board, per_page: int, numbers: dict[str, int]) -> dict[str, Page[Record]]:
    """One page of drafts and one of published records, newest first, with their actions: the two
    lists' lengths in one GROUP BY, then each page with its actions (five statements)."""
    is_published = Record.status == RecordStatus.PUBLISHED
    totals = dict(db.session.execute(select(is_published, func.count()).where(Record.board_id == board.id)
                                     .group_by(is_published)).all())
    pages = {}
    for name, published in (("drafts", False), ("published", True)):
        statement = (select(Record).where(Record.board_id == board.id, is_published if published else ~is_published)
                     .options(joinedload(Record.board), selectinload(Record.actions))
                     .order_by(Record.created_dt.desc(), Record.id.desc()))
        pages[name] = paging.page_from(statement, totals.get(published, 0), per_page, numbers[name])
    return pages


# ---- the tracker --------------------------------------------------------------------------------

@dataclass
class Filters:
    status: str = ""  # an ActionStatus value, or "late"
    topic: str = ""
    meeting: int | None = None


def _late(today: date):
    """An action in force, not finished, past its due date."""
    return and_(Action.removed_dt.is_(None), Action.status.not_in(sorted(FINISHED)), Action.due_date < today)


def _published(board_id: int):
    return and_(Record.board_id == board_id, Record.status == RecordStatus.PUBLISHED)


def _has_action(*conditions):
    """The record has an action in force meeting these conditions (EXISTS, correlated to Record)."""
    return select(Action.id).where(Action.record_id == Record.id, Action.removed_dt.is_(None), *conditions).exists()


def _matching(board: Board, filters: Filters, today: date) -> list:
    """The tracker's filters as SQL conditions on Record."""
    found = [_published(board.id)]
    if filters.topic:
        found.append(Record.topic == filters.topic)
    if filters.meeting:
        found.append(Record.meeting_id == filters.meeting)
    if filters.status == "late":
        found.append(_has_action(_late(today)))
    elif filters.status:
        found.append(_has_action(Action.status == ActionStatus(filters.status)))
    return found


@dataclass
class Tracker:
    """One page of the tracker and the numbers beside its filters, all counted in SQL."""
    page: Page[Record]
    total: int  # published records on the board
    counts: dict[str, int]  # records with an action in each step, and with a late one ("late")
    topic_counts: dict[str | None, int]
    meeting_counts: dict[int | None, int]


SHOWN = "*shown"  # not a step: how many records match the filters, among the counts


def tracker(board: Board, filters: Filters, today: date, per_page: int, number: int | None = None) -> Tracker:
    """Four statements whatever the board holds: the numbers by topic and meeting (one GROUP BY);
    by step, with a late action and matching the filters (one UNION ALL of counts); then the page's
    records and their actions."""
    topic_counts: dict[str | None, int] = {}
    meeting_counts: dict[int | None, int] = {}
    for topic, meeting_id, number_of in db.session.execute(
            select(Record.topic, Record.meeting_id, func.count()).where(_published(board.id))
            .group_by(Record.topic, Record.meeting_id)):
        topic_counts[topic] = topic_counts.get(topic, 0) + number_of
        meeting_counts[meeting_id] = meeting_counts.get(meeting_id, 0) + number_of
    # Records with an action in each step, with a late one, and matching the filters: one statement.
    in_force = and_(Action.board_id == board.id, _published(board.id), Action.removed_dt.is_(None))
    matching = _matching(board, filters, today)
    numbers = dict(db.session.execute(union_all(
        select(type_coerce(Action.status, String), func.count(Action.record_id.distinct()))
        .join(Record, Record.id == Action.record_id).where(in_force).group_by(Action.status),
        select(literal("late", String), func.count(Action.record_id.distinct()))
        .join(Record, Record.id == Action.record_id).where(in_force, _late(today)),
        select(literal(SHOWN, String), func.count()).select_from(Record).where(*matching))).all())
    shown = numbers.pop(SHOWN, 0)
    counts = {s.value: 0 for s in ActionStatus} | {"late": 0} | numbers
    page = paging.page_from(
        select(Record).where(*matching).options(joinedload(Record.board), selectinload(Record.actions))
        .order_by(Record.published_dt.desc(), Record.id.desc()), shown, per_page, number)
    return Tracker(page, sum(topic_counts.values()), counts, topic_counts, meeting_counts)


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
    late: list[LateAction] = field(default_factory=list)
    on_this_agenda: bool = False


@dataclass(frozen=True)
class LateAction:
    """What the came-back list shows of a late action."""
    id: int
    what: str
    who_name: str
    due_date: date


def _came_back_rows(meeting: Meeting, today: date, record_id: int | None = None):
    """The records that came back to the board, one row each with how many actions are late (and
    the oldest due date among them) and how many "Not happy" answers were not heard yet; most
    overdue first, then the most "Not happy", then the newest. Each part grouped in SQL."""
    board_id = meeting.board_id
    item_ids = [item.id for item in meeting.items]
    published = _published(board_id) if record_id is None else and_(_published(board_id), Record.id == record_id)
    late = (select(Action.record_id, func.min(Action.due_date).label("oldest_due"), func.count().label("late"))
            .join(Record, Record.id == Action.record_id).where(Action.board_id == board_id, published, _late(today))
            .group_by(Action.record_id).subquery("late"))
    unhappy = (select(Feedback.record_id, func.count().label("not_happy"))
               .join(Record, Record.id == Feedback.record_id)
               .where(published, Feedback.feeling == Feeling.NOT_HAPPY, not_(_heard(item_ids)))
               .group_by(Feedback.record_id).subquery("unhappy"))
    chosen = (select(Record, late.c.late, unhappy.c.not_happy).where(published)
              .outerjoin(late, late.c.record_id == Record.id).outerjoin(unhappy, unhappy.c.record_id == Record.id)
              .where(or_(late.c.record_id.is_not(None), unhappy.c.record_id.is_not(None))))
    ordered = chosen.options(joinedload(Record.board)).order_by(
        late.c.oldest_due.is_(None), late.c.oldest_due, func.coalesce(unhappy.c.not_happy, 0).desc(),
        Record.published_dt.desc(), Record.id.desc())
    return chosen, ordered, item_ids


def _heard(item_ids: list[int]):
    """A "Not happy" answer already heard: given before the record was brought back to an earlier
    meeting (not this one); only answers since then come back again."""
    return and_(Record.came_back_dt.is_not(None),
                or_(Record.came_back_item_id.is_(None), Record.came_back_item_id.not_in(item_ids)),
                Feedback.updated_dt <= Record.came_back_dt)


def _came_back_entries(rows, item_ids: list[int], today: date) -> list[CameBack]:
    """What is shown of each record: its late actions and the words of its "Not happy" answers
    (one UNION ALL statement, for these records only)."""
    entries = [CameBack(record, not_happy=not_happy or 0, on_this_agenda=record.came_back_item_id in item_ids)
               for record, _late_count, not_happy in rows]
    by_id = {entry.record.id: entry for entry in entries}
    if not by_id:
        return entries
    ids = sorted(by_id)
    late = (select(literal("late", String).label("kind"), Action.record_id, Action.id, Action.what, Action.who_name,
                   Action.due_date, literal(None, String).label("audio_name"))
            .where(Action.record_id.in_(ids), _late(today)))
    said = (select(literal("said", String), Feedback.record_id, Feedback.id, Feedback.comment, literal(None, String),
                   literal(None, Date), Feedback.audio_name)
            .join(Record, Record.id == Feedback.record_id)
            .where(Feedback.record_id.in_(ids), Feedback.feeling == Feeling.NOT_HAPPY, not_(_heard(item_ids))))
    both = union_all(late, said).subquery()
    for kind, record_id, row_id, words, who_name, due_date, audio_name in db.session.execute(
            select(both).order_by(both.c.kind, both.c.id)):
        entry = by_id[record_id]
        if kind == "late":
            entry.late.append(LateAction(row_id, words, who_name, due_date))
            continue
        if words.strip():
            entry.comments.append(words)
        if audio_name:
            entry.spoken.append(row_id)
    return entries


def came_back_page(meeting: Meeting, today: date, per_page: int, number: int | None = None) -> Page[CameBack]:
    """One page of the records that came back to the board (late actions, "Not happy" answers),
    most overdue first. Three statements whatever the board holds (two for the first page): how
    many, the page's records, their late actions and "Not happy" answers. The board's other
    records are never read."""
    chosen, ordered, item_ids = _came_back_rows(meeting, today)
    number = number if number is not None else paging.page_number()
    if number == 1:  # the agenda, the pack, the secretary's page: the first few and how many, in one statement
        counted = db.session.execute(ordered.add_columns(func.count().over().label("total")).limit(per_page)).all()
        total = counted[0].total if counted else 0
        rows = Page([tuple(row)[:3] for row in counted], 1, max(1, -(-total // per_page)), total, 1 if counted else 0)
    else:
        total = db.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
        rows = paging.page_from(ordered, total, per_page, number)
    return Page(_came_back_entries(rows.items, item_ids, today), rows.number, rows.pages, rows.total, rows.first)


def came_back_of(meeting: Meeting, record: Record, today: date) -> CameBack | None:
    """Why one record came back to the board for this meeting (None if it did not)."""
    _chosen, ordered, item_ids = _came_back_rows(meeting, today, record.id)
    return next(iter(_came_back_entries(db.session.execute(ordered).all(), item_ids, today)), None)


def came_back(meeting: Meeting, per_page: int, number: int | None = 1) -> Page[CameBack]:
    """For the meetings pages: what came back to the board, for a meeting still to happen (the
    first `per_page`, most overdue first, and how many in all)."""
    if meeting.is_over:
        return Page([], 1, 1, 0, 0)
    return came_back_page(meeting, today(), per_page, number)


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


def open_record(board: Board, record_id: int, today: date) -> dict | None:
    """One published record as open data (the API's record): only that record is read."""
    record = db.session.scalar(
        select(Record).where(Record.id == record_id, Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .options(selectinload(Record.actions).selectinload(Action.updates),
                 selectinload(Record.links).selectinload(RecordQuestion.question).selectinload(Question.asker)))
    if record is None:
        return None
    return record_data(record, feelings_for([record.id])[record.id], today)


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
