"""Rules for meetings, agenda items and minutes. Functions flush; the view commits once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, not_, or_, select, update
from sqlalchemy.orm import joinedload, object_session

from coprod.errors import Refused
from coprod import audit, paging
from coprod.content.services import forget as forget_languages
from coprod.content.services import writer_language
from coprod.extensions import db
from coprod.audio.publish import pages_of
from coprod.models import (AgendaItem, Board, Meeting, MeetingStatus, Proposal, Question, QuestionStatus, Record, Role,
                           User, utcnow)
from coprod.models.meeting import ACCESS_FIELDS, AGENDA_PUBLIC

# What the audit log calls each step.
STATUS_ACTIONS = {
    MeetingStatus.PLANNED: "meeting.planned",
    MeetingStatus.TAKING_QUESTIONS: "meeting.take-questions",
    MeetingStatus.AGENDA_PUBLISHED: "meeting.publish-agenda",
    MeetingStatus.HELD: "meeting.held",
    MeetingStatus.MINUTES_PUBLISHED: "meeting.publish-minutes",
}

# A meeting still counts as "next" for a few hours after it starts (people look during it).
STILL_NEXT_FOR = timedelta(hours=6)

MEETING_FIELDS = ("title", "about", "starts_dt", "ends_dt", "place", "place_notes", "place_picture",
                  "online_url", "question_deadline_dt", *ACCESS_FIELDS)
ITEM_FIELDS = ("title", "summary", "picture", "presenter", "starts_after_minutes", "length_minutes")


class MeetingRefused(Refused):
    """A change that cannot be made; the message is easy read."""


def may_manage(board: Board, user) -> bool:
    return user.is_authenticated and (user.is_admin or user.role_on(board) == Role.SECRETARY)


# ---- reading ------------------------------------------------------------------------------------

# Statuses in which a meeting takes questions (until its deadline, or until the secretary stops them).
ASKING = (MeetingStatus.TAKING_QUESTIONS, MeetingStatus.AGENDA_PUBLISHED)


def takes_questions(meeting: Meeting, now: datetime | None = None) -> bool:
    """Is this meeting taking questions now? The one rule, used by every page and every step:
    from "Taking questions" (publishing the agenda changes nothing) until the question deadline,
    or the meeting's start, or the secretary stopping questions early - whichever comes first."""
    now = now or utcnow()
    return (meeting.status in ASKING and meeting.starts_dt > now and meeting.questions_stopped_dt is None
            and (meeting.question_deadline_dt is None or meeting.question_deadline_dt > now))


def takes_questions_sql(now: datetime):
    """The same rule as `takes_questions`, as a WHERE clause."""
    return and_(Meeting.status.in_(ASKING), Meeting.starts_dt > now, Meeting.questions_stopped_dt.is_(None),
                or_(Meeting.question_deadline_dt.is_(None), Meeting.question_deadline_dt > now))


def meetings_on(board: Board, *, drafts: bool) -> list[Meeting]:
    """The board's meetings, newest first; with `drafts`, also those whose agenda is not published."""
    query = (select(Meeting).where(Meeting.board_id == board.id).options(joinedload(Meeting.board))
             .order_by(Meeting.starts_dt.desc()))
    if not drafts:
        query = query.where(or_(Meeting.status.in_(AGENDA_PUBLIC), Meeting.agenda_published_dt.is_not(None)))
    return list(db.session.scalars(query))


def _meetings(board: Board, drafts: bool):
    query = select(Meeting).where(Meeting.board_id == board.id).options(joinedload(Meeting.board))
    return query if drafts else query.where(or_(Meeting.status.in_(AGENDA_PUBLIC), Meeting.agenda_published_dt.is_not(None)))


def meetings_split(board: Board, *, drafts: bool, now: datetime, per_page: int, number: int | None = None
                   ) -> tuple[list[Meeting], paging.Page[Meeting]]:
    """The meetings still to come (soonest first; a few) and one page of the past ones (newest first):
    a board meets for years, so its past meetings are read a page at a time. A meeting is past once
    held, or STILL_NEXT_FOR after it started. Three statements."""
    past = or_(Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED]),
               Meeting.starts_dt < now - STILL_NEXT_FOR)
    coming = list(db.session.scalars(_meetings(board, drafts).where(not_(past)).order_by(Meeting.starts_dt)))
    total = db.session.scalar(select(func.count()).select_from(_meetings(board, drafts).where(past).subquery())) or 0
    return coming, paging.page_from(_meetings(board, drafts).where(past).order_by(Meeting.starts_dt.desc(), Meeting.id.desc()),
                                    total, per_page, number)


def meetings_page(board: Board, *, per_page: int, number: int | None = None) -> paging.Page[Meeting]:
    """One page of all the board's meetings, drafts too, newest first (for the secretary). Two statements."""
    total = db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.board_id == board.id)) or 0
    return paging.page_from(_meetings(board, True).order_by(Meeting.starts_dt.desc(), Meeting.id.desc()),
                            total, per_page, number)


def meeting_on(board: Board, meeting_id: int) -> Meeting | None:
    """The meeting with its items, only if it is this board's."""
    # Items and their papers joined in the same statement (a meeting has a handful): one statement
    # fewer on every meeting page than loading them after it.
    return db.session.scalars(
        select(Meeting).where(Meeting.id == meeting_id, Meeting.board_id == board.id)
        .options(joinedload(Meeting.board), joinedload(Meeting.items).joinedload(AgendaItem.papers))).unique().first()


def next_meeting(board: Board, now: datetime | None = None) -> Meeting | None:
    now = now or utcnow()
    # Which meeting is next in a subquery (its LIMIT counts meetings, not joined item rows), loaded
    # with its board and items in the same statement.
    next_id = (select(Meeting.id).where(Meeting.board_id == board.id, Meeting.starts_dt >= now - STILL_NEXT_FOR,
                                        Meeting.status.not_in([MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED]))
               .order_by(Meeting.starts_dt).limit(1).scalar_subquery())
    return db.session.scalars(select(Meeting).where(Meeting.id == next_id).options(
        joinedload(Meeting.board), joinedload(Meeting.items).joinedload(AgendaItem.papers))).unique().first()


def proposals_by_item(meeting: Meeting) -> dict[int, list[Proposal]]:
    """The proposals decided under each of the meeting's items, in one query."""
    found: dict[int, list[Proposal]] = {}
    item_ids = [item.id for item in meeting.items]
    if not item_ids:
        return found
    for proposal in db.session.scalars(select(Proposal).where(Proposal.agenda_item_id.in_(item_ids))
                                       .order_by(Proposal.created_dt)):
        found.setdefault(proposal.agenda_item_id, []).append(proposal)
    return found


def proposals_to_link(board: Board) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(Proposal.board_id == board.id)
                                   .order_by(Proposal.created_dt.desc())))


# ---- meetings -----------------------------------------------------------------------------------

def check_times(*, starts_dt: datetime, ends_dt: datetime | None, question_deadline_dt: datetime | None,
                now: datetime, starts_changed: bool) -> dict[str, str]:
    """Easy-read problems with a meeting's times, by form field."""
    problems = {}
    if starts_changed and starts_dt <= now:
        problems["starts"] = _("This time has passed. Choose a later time.")
    if ends_dt is not None and ends_dt <= starts_dt:
        problems["ends"] = _("The meeting must end after it starts.")
    if question_deadline_dt is not None:
        if question_deadline_dt >= starts_dt:
            problems["question_deadline"] = _("Questions must be sent before the meeting starts.")
        elif starts_changed and question_deadline_dt <= now:
            problems["question_deadline"] = _("This time has passed. Choose a later time.")
    return problems


def create_meeting(board: Board, *, by: User, **fields) -> Meeting:
    meeting = Meeting(board_id=board.id, status=MeetingStatus.PLANNED, created_by_id=by.id,
                      **{name: fields[name] for name in MEETING_FIELDS})
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.create", target=meeting, board=board, actor=by, detail=meeting.title)
    return meeting


def update_meeting(meeting: Meeting, *, by: User, **fields) -> None:
    changed = [name for name in MEETING_FIELDS if getattr(meeting, name) != fields[name]]
    for name in changed:
        setattr(meeting, name, fields[name])
    if changed:
        audit.record("meeting.edit", target=meeting, board=meeting.board, actor=by, detail=", ".join(changed))
    db.session.flush()


def set_status(meeting: Meeting, status: MeetingStatus, *, by: User, now: datetime | None = None) -> None:
    """Move the meeting on (or back). Publishing needs something to publish."""
    now = now or utcnow()
    if status == meeting.status:
        return
    if status == MeetingStatus.AGENDA_PUBLISHED and not meeting.items:
        raise MeetingRefused(_("Add an item to the agenda first. Then you can publish it."))
    if status == MeetingStatus.AGENDA_PUBLISHED:
        from coprod.meetings import papers  # papers build on meetings

        waiting = papers.waiting_for_easy_read(meeting)
        if waiting:
            raise MeetingRefused(_("The paper “%(title)s” has no easy-read version. Add it, or say why "
                                   "there is none. Then you can publish the agenda.", title=waiting[0].title))
    if status in (MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED) and meeting.starts_dt > now:
        raise MeetingRefused(_("The meeting has not happened yet."))
    if status == MeetingStatus.MINUTES_PUBLISHED and not any(item.minutes_text for item in meeting.items):
        raise MeetingRefused(_("Write the minutes first. Then you can publish them."))
    before = meeting.status
    meeting.status = status
    if status == MeetingStatus.TAKING_QUESTIONS and meeting.questions_stopped_dt is not None:
        # Moved (back) to "Taking questions" on purpose: questions open again, until the deadline.
        meeting.questions_stopped_dt = None
    if status == MeetingStatus.AGENDA_PUBLISHED:
        meeting.agenda_published_dt = now
    if status == MeetingStatus.MINUTES_PUBLISHED:
        meeting.minutes_published_dt = now
    if status in (MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED):
        from coprod.meetings.checkin import keep_quorum  # check-in builds on meetings

        keep_quorum(meeting)
    audit.record(STATUS_ACTIONS[status], target=meeting, board=meeting.board, actor=by,
                 detail=f"{before.value} -> {status.value}")
    db.session.flush()
    if status == MeetingStatus.TAKING_QUESTIONS and before == MeetingStatus.PLANNED:
        from coprod.questions.services import tell_board_questions_open  # questions build on meetings

        tell_board_questions_open(meeting)


def unhandled(meeting: Meeting) -> dict[str, int]:
    """Questions sent for the meeting that the secretary has not dealt with yet, public and
    private (for the secretary's eyes only): one query."""
    rows = dict(db.session.execute(
        select(Question.private, func.count()).where(Question.meeting_id == meeting.id,
                                                     Question.status == QuestionStatus.SENT)
        .group_by(Question.private)).all())
    return {"public": rows.get(False, 0), "private": rows.get(True, 0)}


def stop_questions(meeting: Meeting, *, by: User, now: datetime | None = None) -> None:
    """Stop taking questions before the deadline. Questions already sent are kept; the secretary
    still deals with them. Undone by `reopen_questions`."""
    now = now or utcnow()
    if not takes_questions(meeting, now):
        raise MeetingRefused(_("This meeting is not taking questions now."))
    meeting.questions_stopped_dt = now
    audit.record("meeting.stop-questions", target=meeting, board=meeting.board, actor=by)
    db.session.flush()


def reopen_questions(meeting: Meeting, *, by: User, now: datetime | None = None) -> None:
    """Take questions again after stopping them early (until the deadline)."""
    now = now or utcnow()
    if meeting.questions_stopped_dt is None:
        raise MeetingRefused(_("This meeting is already taking questions."))
    meeting.questions_stopped_dt = None
    if not takes_questions(meeting, now):
        raise MeetingRefused(_("The time to send questions for this meeting has passed."))
    audit.record("meeting.reopen-questions", target=meeting, board=meeting.board, actor=by)
    db.session.flush()


# ---- agenda items -------------------------------------------------------------------------------

def item_on(meeting: Meeting, item_id: int) -> AgendaItem | None:
    """The item, only if it is on this meeting (so only on this board)."""
    return next((item for item in meeting.items if item.id == item_id), None)


def add_item(meeting: Meeting, *, by: User, proposal_id: int | None = None, **fields) -> AgendaItem:
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(meeting_id=meeting.id, position=(last + 1) if last is not None else 0,
                      language=writer_language(),
                      **{name: fields[name] for name in ITEM_FIELDS})
    db.session.add(item)
    db.session.flush()
    meeting.items.append(item)
    _link_proposal(meeting, item, proposal_id)
    audit.record("agenda-item.add", target=item, board=meeting.board, actor=by, detail=item.title)
    db.session.flush()
    return item


def update_item(meeting: Meeting, item: AgendaItem, *, by: User, proposal_id: int | None = None,
                **fields) -> None:
    changed = [name for name in ITEM_FIELDS if getattr(item, name) != fields[name]]
    for name in changed:
        setattr(item, name, fields[name])
    if _link_proposal(meeting, item, proposal_id):
        changed.append("proposal")
    if changed:
        audit.record("agenda-item.edit", target=item, board=meeting.board, actor=by, detail=", ".join(changed))
    db.session.flush()


def linked_proposal_id(item: AgendaItem) -> int | None:
    return db.session.scalar(select(Proposal.id).where(Proposal.agenda_item_id == item.id).limit(1))


def _link_proposal(meeting: Meeting, item: AgendaItem, proposal_id: int | None) -> bool:
    """Decide `proposal_id` (one of this board's proposals) under `item`. True if anything changed."""
    current = linked_proposal_id(item)
    if current == proposal_id:
        return False
    if current is not None:
        db.session.execute(update(Proposal).where(Proposal.id == current).values(agenda_item_id=None))
    if proposal_id is not None:
        db.session.execute(update(Proposal).where(Proposal.id == proposal_id, Proposal.board_id == meeting.board_id)
                           .values(agenda_item_id=item.id))
    return True


def move_item(meeting: Meeting, item: AgendaItem, direction: str, *, by: User) -> None:
    """Swap the item with the one above or below it."""
    items = list(meeting.items)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0:
        raise MeetingRefused(_("This is the first item. It cannot go up."))
    if other >= len(items):
        raise MeetingRefused(_("This is the last item. It cannot go down."))
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):  # renumbered 0..n-1, whatever was there before
        each.position = position
    audit.record("agenda-item.move", target=item, board=meeting.board, actor=by,
                 detail=f"{direction}: {index + 1} -> {other + 1}")
    db.session.flush()
    db.session.expire(meeting, ["items"])


def remove_item(meeting: Meeting, item: AgendaItem, *, by: User) -> None:
    """Take an item off the agenda and leave nothing pointing at it: its questions go back to the
    secretary's queue (words and all), proposals and records stay without it, and its versions in
    other languages go with it. (The foreign keys would set most of these to nothing anyway; doing it
    here also puts the questions back in the queue, and keeps the loaded objects true.)"""
    from coprod.questions.services import put_back  # questions build on meetings

    placed = db.session.scalars(select(Question).where(Question.agenda_item_id == item.id,
                                                       Question.status == QuestionStatus.ON_AGENDA)
                                .options(joinedload(Question.asker), joinedload(Question.meeting))).all()
    for question in placed:
        put_back(question, by=by)
    db.session.execute(update(Question).where(Question.agenda_item_id == item.id)
                       .values(agenda_item_id=None).execution_options(synchronize_session="fetch"))
    db.session.execute(update(Question).where(Question.asked_item_id == item.id)
                       .values(asked_item_id=None).execution_options(synchronize_session="fetch"))
    db.session.execute(update(Proposal).where(Proposal.agenda_item_id == item.id).values(agenda_item_id=None)
                       .execution_options(synchronize_session="fetch"))
    db.session.execute(update(Record).where(Record.came_back_item_id == item.id).values(came_back_item_id=None)
                       .execution_options(synchronize_session="fetch"))
    forget_languages(item)
    audit.record("agenda-item.remove", target=item, board=meeting.board, actor=by, detail=item.title)
    meeting.items.remove(item)
    db.session.delete(item)
    for position, each in enumerate(meeting.items):
        each.position = position
    db.session.flush()


def save_minutes(meeting: Meeting, texts: dict[int, str], *, by: User) -> None:
    changed = []
    for item in meeting.items:
        text = texts.get(item.id, item.minutes_text)
        if text != item.minutes_text:
            item.minutes_text = text
            changed.append(str(item.position + 1))
    if changed:
        audit.record("meeting.minutes", target=meeting, board=meeting.board, actor=by,
                     detail="items " + ", ".join(changed))
    db.session.flush()


# ---- audio made ahead of time -------------------------------------------------------------------
# A published agenda is read by many people before the meeting: when it (or an item, or a question
# shown on it) changes, its pages' audio is made by a worker at once, not on the first Listen.

def _public_meeting_pages(session, meeting_id: int | None) -> list[str]:
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None or not meeting.agenda_is_public:
        return []
    board = session.get(Board, meeting.board_id)
    base = f"/boards/{board.slug}/meetings"
    return [base, f"{base}/{meeting.id}", f"{base}/{meeting.id}/pack"]


pages_of(Meeting)(lambda meeting: _public_meeting_pages(object_session(meeting), meeting.id))
pages_of(AgendaItem)(lambda item: _public_meeting_pages(object_session(item), item.meeting_id))
pages_of(Question)(lambda question: [] if question.status == QuestionStatus.DRAFT
                   else _public_meeting_pages(object_session(question), question.meeting_id))
