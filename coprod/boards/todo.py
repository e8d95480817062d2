"""The secretary's "to do": what is waiting for them on each board, each a number and a link.

Counted in SQL, a fixed number of queries whatever the number of boards (the home page shows every
board the person is secretary of). Private questions are counted apart, and only here: this is
shown to the board's secretaries (and site admins) only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, or_, select

from coprod.extensions import db
from coprod.models import Meeting, MeetingStatus, Proposal, Question, QuestionStatus, utcnow
from coprod.models.follow import FINISHED, Action, Feedback, Feeling, Record, RecordStatus


@dataclass
class Todo:
    board_id: int
    waiting: int = 0  # questions sent, not yet dealt with (not private)
    private: int = 0  # private (safeguarding) questions not yet dealt with
    not_happy: int = 0  # "Not happy" answers not yet brought back to the board
    late: int = 0  # actions past their date, not done
    votes_to_open: int = 0
    votes_to_close: int = 0
    # The meeting whose queue the "questions" links go to: the soonest with questions waiting,
    # else the next meeting.
    queue_meeting_id: int | None = None
    private_meeting_id: int | None = None
    next_meeting_id: int | None = None

    @property
    def total(self) -> int:
        return (self.waiting + self.private + self.not_happy + self.late + self.votes_to_open
                + self.votes_to_close)


def todo_for(board_ids: list[int], *, now: datetime | None = None, today: date | None = None) -> dict[int, Todo]:
    """Each board's to do, by board id: five queries."""
    from coprod.follow.services import today as board_today
    from coprod.meetings.services import STILL_NEXT_FOR

    now = now or utcnow()
    today = today or board_today()
    found = {board_id: Todo(board_id) for board_id in board_ids}
    if not board_ids:
        return found

    # Questions waiting, public and private, by meeting (soonest meeting first).
    soonest: dict[tuple[int, bool], datetime] = {}
    for board_id, meeting_id, starts_dt, private, count in db.session.execute(
            select(Question.board_id, Question.meeting_id, Meeting.starts_dt, Question.private, func.count())
            .join(Meeting, Meeting.id == Question.meeting_id)
            .where(Question.board_id.in_(board_ids), Question.status == QuestionStatus.SENT)
            .group_by(Question.board_id, Question.meeting_id, Meeting.starts_dt, Question.private)):
        todo = found[board_id]
        key = (board_id, bool(private))
        if private:
            todo.private += count
        else:
            todo.waiting += count
        if key not in soonest or starts_dt < soonest[key]:
            soonest[key] = starts_dt
            if private:
                todo.private_meeting_id = meeting_id
            else:
                todo.queue_meeting_id = meeting_id

    for board_id, meeting_id in db.session.execute(
            select(Meeting.board_id, Meeting.id).where(
                Meeting.board_id.in_(board_ids), Meeting.starts_dt >= now - STILL_NEXT_FOR,
                Meeting.status.not_in([MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED]))
            .order_by(Meeting.starts_dt.desc())):
        found[board_id].next_meeting_id = meeting_id  # the last one written is the soonest
    for todo in found.values():
        todo.queue_meeting_id = todo.queue_meeting_id or todo.next_meeting_id

    # "Not happy" answers since the record last came back to the board.
    for board_id, count in db.session.execute(
            select(Record.board_id, func.count()).join(Feedback, Feedback.record_id == Record.id)
            .where(Record.board_id.in_(board_ids), Record.status == RecordStatus.PUBLISHED,
                   Feedback.feeling == Feeling.NOT_HAPPY,
                   or_(Record.came_back_dt.is_(None), Feedback.updated_dt > Record.came_back_dt))
            .group_by(Record.board_id)):
        found[board_id].not_happy = count

    # Late actions on published records.
    for board_id, count in db.session.execute(
            select(Record.board_id, func.count()).join(Action, Action.record_id == Record.id)
            .where(Record.board_id.in_(board_ids), Record.status == RecordStatus.PUBLISHED,
                   Action.status.not_in(list(FINISHED)), Action.due_date < today,
                   Action.removed_dt.is_(None))
            .group_by(Record.board_id)):
        found[board_id].late = count

    # Votes the secretary opens or closes by hand: not closed, and no time set to do it.
    is_open = or_(Proposal.opened_dt <= now, Proposal.opens_dt <= now)
    for board_id, to_open, to_close in db.session.execute(
            select(Proposal.board_id,
                   func.sum(case((is_open, 0), (Proposal.opens_dt.is_(None), 1), else_=0)),
                   func.sum(case((is_open, case((Proposal.closes_dt.is_(None), 1), else_=0)), else_=0)))
            .where(Proposal.board_id.in_(board_ids), Proposal.closed_dt.is_(None),
                   or_(Proposal.closes_dt.is_(None), Proposal.closes_dt > now))
            .group_by(Proposal.board_id)):
        found[board_id].votes_to_open = int(to_open or 0)
        found[board_id].votes_to_close = int(to_close or 0)
    return found
