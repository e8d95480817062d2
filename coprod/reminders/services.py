"""Reminders people choose: the rules (issue 17).

- How a person is told (`choice_for`, `save_choice`): email, text message, both or none, and a
  supporter or carer who gets a copy. No row yet: email, if they have an address.
- What a board sends (`board_settings`, `save_board_settings`): each kind on or off, with the
  secretary's own easy-read words or the default ones.
- What is due now (`due`): a meeting a week away or tomorrow, questions closing tomorrow, a vote
  closing today (only to people who have not voted), "You said, we did" news. Days are the board's
  local days (config TIMEZONE); nothing is sent at night (REMINDER_HOURS).
- `claim_due`: for each due reminder, each person and each way of telling them, a `SentReminder`
  row is inserted with INSERT ... ON CONFLICT DO NOTHING. Only the rows this run inserted are
  handed to the worker to send. A second run (or a second worker at the same moment) inserts
  nothing, so it sends nothing.

Nothing here logs a number, an address, a name or words: only counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select

from coprod import audit, times
from coprod.extensions import db
from coprod.models import (Attendance, Board, BoardReminder, Meeting, MeetingStatus, Membership, Proposal,
                           ReminderChannel, ReminderChoice, ReminderHow, ReminderKind, SentReminder, SentStatus,
                           User, Vote, utcnow)
from coprod.models.follow import ActionUpdate, Record, RecordStatus
from coprod.models.upsert import upsert
from coprod.models.follow import Action

log = logging.getLogger(__name__)

# The kinds as sent (SentReminder.kind): "You said, we did" has two subjects, a record and an update.
SAID_DID_RECORD = "said_did_record"
SAID_DID_ACTION = "said_did_action"
# News older than this when the job first sees it is not sent (after a pause, or a first start).
NEWS_FRESH_FOR = timedelta(days=2)
# A row claimed but not handed to the worker (the job stopped between its commit and the queue)
# is handed over again after this long. Sending claims it again first, so it still goes once.
WAITING_TOO_LONG = timedelta(minutes=15)

DEFAULT_HOW = ReminderHow.EMAIL
# The meeting pack is posted once the agenda is published and the meeting is at most two weeks
# away, and no later than three days before it (second-class post can take three days: a pack that
# comes after the meeting is no use, and costs the board money).
PACK_POSTED_FROM = timedelta(days=14)
PACK_POSTED_BEFORE = timedelta(days=3)
# The meetings whose page members can see: reminders link to it.
_MEETING_SHOWN = (MeetingStatus.TAKING_QUESTIONS, MeetingStatus.AGENDA_PUBLISHED)


# ---- a person's choice -------------------------------------------------------------------------------

def choice_for(user_id: int) -> ReminderChoice | None:
    return db.session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == user_id))


def save_choice(user: User, *, how: ReminderHow, mobile: str | None, supporter_on: bool,
                supporter_name: str | None, supporter_email: str | None, supporter_mobile: str | None,
                pack_by_post: bool = False, pack_large_print: bool = False,
                postal_address: str | None = None) -> None:
    """Save how `user` is told (the form has checked the values). One row per person: two taps at
    once meet the unique key and the second one updates the first's row. The postal address is kept
    only while they want the pack by post."""
    values = {"user_id": user.id, "how": how, "mobile": mobile or None, "supporter_on": supporter_on,
              "supporter_name": (supporter_name or None) if supporter_on else None,
              "supporter_email": (supporter_email or None) if supporter_on else None,
              "supporter_mobile": (supporter_mobile or None) if supporter_on else None,
              "pack_by_post": pack_by_post, "pack_large_print": pack_large_print if pack_by_post else False,
              "postal_address": (postal_address or None) if pack_by_post else None,
              "updated_dt": utcnow()}
    upsert(db.session(), ReminderChoice, values, keys=("user_id",),
           update=[k for k in values if k != "user_id"])
    # Which way, never the number, the address or the supporter's details (the audit log is read more widely).
    audit.record("reminders.change", target=user,
                 detail=f"how={how.value}, mobile={'yes' if mobile else 'no'}, supporter={'yes' if supporter_on else 'no'}, "
                        f"pack_by_post={'yes' if pack_by_post else 'no'}")


def wants_pack_by_post(choice: ReminderChoice | None) -> bool:
    return choice is not None and choice.pack_by_post and bool(choice.postal_address)


def channels_for(user: User, choice: ReminderChoice | None,
                 kind: ReminderKind | None = None) -> list[ReminderChannel]:
    """The ways this person (and their supporter) are told of `kind`. The meeting pack goes only by
    post, only to people who asked for paper; nothing else goes by post."""
    if kind == ReminderKind.PACK_BY_POST:
        return [ReminderChannel.LETTER] if wants_pack_by_post(choice) else []
    how = choice.how if choice is not None else DEFAULT_HOW
    found = []
    if how in (ReminderHow.EMAIL, ReminderHow.BOTH) and user.email:
        found.append(ReminderChannel.EMAIL)
    if how in (ReminderHow.TEXT, ReminderHow.BOTH) and choice is not None and choice.mobile:
        found.append(ReminderChannel.TEXT)
    if choice is not None and choice.supporter_on:
        if choice.supporter_email:
            found.append(ReminderChannel.SUPPORTER_EMAIL)
        if choice.supporter_mobile:
            found.append(ReminderChannel.SUPPORTER_TEXT)
    return found


# ---- a board's settings ------------------------------------------------------------------------------

@dataclass
class KindSetting:
    kind: ReminderKind
    is_on: bool
    words: str  # the secretary's own; empty: the default words


def board_settings(board_id: int) -> dict[ReminderKind, KindSetting]:
    rows = {row.kind: row for row in db.session.scalars(select(BoardReminder).where(BoardReminder.board_id == board_id))}
    return {kind: KindSetting(kind, rows[kind].is_on if kind in rows else True, rows[kind].words if kind in rows else "")
            for kind in ReminderKind}


def board_words(board_id: int, kind: ReminderKind) -> str:
    """The secretary's own words for `kind`; empty: the default words."""
    return db.session.scalar(select(BoardReminder.words).where(BoardReminder.board_id == board_id,
                                                               BoardReminder.kind == kind)) or ""


def save_board_settings(board: Board, settings: dict[ReminderKind, tuple[bool, str]], *, by: User) -> None:
    now = utcnow()
    for kind, (is_on, words) in settings.items():
        upsert(db.session(), BoardReminder,
               {"board_id": board.id, "kind": kind, "is_on": is_on, "words": (words or "").strip(),
                "updated_by_id": by.id, "updated_dt": now},
               keys=("board_id", "kind"), update=("is_on", "words", "updated_by_id", "updated_dt"))
    audit.record("reminders.board", board=board,
                 detail=", ".join(f"{kind.value}={'on' if on else 'off'}" for kind, (on, _w) in settings.items()))


# ---- what is due -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Due:
    kind: ReminderKind      # the board setting it follows
    sent_kind: str          # SentReminder.kind
    subject_id: int
    board_id: int
    user_ids: frozenset[int]


def sending_hours() -> tuple[int, int]:
    return current_app.config.get("REMINDER_HOURS", (8, 20))


def _board_people(board_ids: set[int]) -> dict[int, dict[int, str]]:
    """board id -> {user id: role value} for people who can be told (not turned off, not erased)."""
    found: dict[int, dict[int, str]] = {board_id: {} for board_id in board_ids}
    if not board_ids:
        return found
    rows = db.session.execute(
        select(Membership.board_id, Membership.user_id, Membership.role).join(User, User.id == Membership.user_id)
        .where(Membership.board_id.in_(board_ids), User.disabled_dt.is_(None), User.erased_dt.is_(None)))
    for board_id, user_id, role in rows:
        found[board_id][user_id] = role.value
    return found


def _local(moment: datetime) -> datetime:
    local = times.to_local(moment)
    assert local is not None
    return local


def due(now: datetime) -> list[Due]:
    """Everything due at `now` (UTC), whoever it goes to (before the board's on/off settings)."""
    today = _local(now).date()
    found: list[tuple[ReminderKind, str, int, int, set[int] | None]] = []  # None: everyone on the board

    def days_to(moment: datetime | None) -> int | None:
        return (_local(moment).date() - today).days if moment is not None else None

    meetings = db.session.scalars(select(Meeting).where(
        Meeting.starts_dt > now, Meeting.starts_dt < now + timedelta(days=9), Meeting.status.in_(_MEETING_SHOWN)))
    for meeting in meetings:
        days = days_to(meeting.starts_dt)
        kind = ReminderKind.WEEK_BEFORE if days in (6, 7) else ReminderKind.DAY_BEFORE if days == 1 else None
        if kind is not None:
            found.append((kind, kind.value, meeting.id, meeting.board_id, None))
    # The pack by post: once the agenda is published, while a letter can still arrive in time.
    for meeting in db.session.scalars(select(Meeting).where(
            Meeting.status == MeetingStatus.AGENDA_PUBLISHED, Meeting.starts_dt > now + PACK_POSTED_BEFORE,
            Meeting.starts_dt < now + PACK_POSTED_FROM)):
        kind = ReminderKind.PACK_BY_POST
        found.append((kind, kind.value, meeting.id, meeting.board_id, None))
    closing = db.session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.TAKING_QUESTIONS, Meeting.questions_stopped_dt.is_(None),
        Meeting.question_deadline_dt > now, Meeting.question_deadline_dt < now + timedelta(days=3)))
    for meeting in closing:
        if days_to(meeting.question_deadline_dt) == 1:
            kind = ReminderKind.QUESTIONS_CLOSE
            found.append((kind, kind.value, meeting.id, meeting.board_id, None))
    votes = db.session.scalars(select(Proposal).where(
        Proposal.closed_dt.is_(None), Proposal.closes_dt > now, Proposal.closes_dt < now + timedelta(days=2)))
    voting: list[Proposal] = []
    for proposal in votes:
        if days_to(proposal.closes_dt) == 0 and proposal.state(now).value == "open":
            voting.append(proposal)
    cutoff = now - NEWS_FRESH_FOR
    records = db.session.execute(select(Record.id, Record.board_id).where(
        Record.status == RecordStatus.PUBLISHED, Record.published_dt > cutoff, Record.published_dt <= now))
    for record_id, board_id in records:
        found.append((ReminderKind.SAID_DID, SAID_DID_RECORD, record_id, board_id, None))
    updates = db.session.execute(
        select(ActionUpdate.id, Action.board_id).join(Action, Action.id == ActionUpdate.action_id)
        .join(Record, Record.id == Action.record_id)
        .where(Record.status == RecordStatus.PUBLISHED, ActionUpdate.created_dt > cutoff,
               ActionUpdate.created_dt <= now, ActionUpdate.created_dt > Record.published_dt,
               ActionUpdate.change.in_(("status", "due_date"))))
    for update_id, board_id in updates:
        found.append((ReminderKind.SAID_DID, SAID_DID_ACTION, update_id, board_id, None))

    people = _board_people({board_id for *_x, board_id, _p in found} | {p.board_id for p in voting})
    result = []
    not_coming: dict[int, set[int]] = {}
    meeting_ids = [subject for kind, _s, subject, _b, _p in found
                   if kind in (ReminderKind.WEEK_BEFORE, ReminderKind.DAY_BEFORE)]
    if meeting_ids:
        for meeting_id, user_id in db.session.execute(select(Attendance.meeting_id, Attendance.user_id).where(
                Attendance.meeting_id.in_(meeting_ids), Attendance.coming.is_(False))):
            not_coming.setdefault(meeting_id, set()).add(user_id)
    for kind, sent_kind, subject, board_id, _p in found:
        users = set(people.get(board_id, {}))
        if kind in (ReminderKind.WEEK_BEFORE, ReminderKind.DAY_BEFORE):
            users -= not_coming.get(subject, set())  # they said they cannot come
        if users:
            result.append(Due(kind, sent_kind, subject, board_id, frozenset(users)))
    for proposal in voting:
        roles = {role.value for role in proposal.roles_who_vote}
        voted = set(db.session.scalars(select(Vote.user_id).where(Vote.proposal_id == proposal.id)))
        users = {uid for uid, role in people.get(proposal.board_id, {}).items() if role in roles} - voted
        if users:
            kind = ReminderKind.VOTING_CLOSES
            result.append(Due(kind, kind.value, proposal.id, proposal.board_id, frozenset(users)))
    return result


def claim_due(now: datetime | None = None) -> list[int]:
    """Claim every reminder due now: a `SentReminder` row each (person, kind, subject, way). Returns the
    ids of the rows this call inserted, to be sent after the commit. A row already there (an earlier
    run, or another worker now) is not inserted again, and not returned."""
    now = now or utcnow()
    start, end = sending_hours()
    if not start <= _local(now).hour < end:
        return []  # nobody gets a reminder at night
    claimed: list[int] = []
    settings: dict[int, dict[ReminderKind, KindSetting]] = {}
    for item in due(now):
        if item.board_id not in settings:
            settings[item.board_id] = board_settings(item.board_id)
        if not settings[item.board_id][item.kind].is_on:
            continue
        people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(item.user_ids)))}
        choices = {c.user_id: c for c in db.session.scalars(
            select(ReminderChoice).where(ReminderChoice.user_id.in_(item.user_ids)))}
        for user_id in sorted(item.user_ids):
            for channel in channels_for(people[user_id], choices.get(user_id), item.kind):
                new_id = upsert(db.session(), SentReminder,
                                {"user_id": user_id, "board_id": item.board_id, "kind": item.sent_kind,
                                 "subject_id": item.subject_id, "channel": channel, "status": SentStatus.WAITING,
                                 "tries": 0, "created_dt": now},
                                keys=("user_id", "kind", "subject_id", "channel"), returning=SentReminder.id)
                if new_id is not None:
                    claimed.append(new_id)
    if claimed:
        log.info("reminders: %d claimed to send", len(claimed))
    return claimed


def left_waiting(now: datetime | None = None) -> list[int]:
    """Rows claimed a while ago but never tried (the job stopped before handing them over)."""
    now = now or utcnow()
    return list(db.session.scalars(select(SentReminder.id).where(and_(
        SentReminder.status == SentStatus.WAITING, SentReminder.created_dt < now - WAITING_TOO_LONG,
        SentReminder.created_dt > now - timedelta(days=1)))))


# ---- the meeting pack by post: the secretary's list ---------------------------------------------------

PAPER_PAGE_SIZE = 50


@dataclass(frozen=True)
class PaperPerson:
    user_id: int
    name: str
    address: str
    large_print: bool
    status: SentStatus | None  # None: not due yet (or the agenda is not published)
    sent_dt: datetime | None


def _paper_people(board: Board, meeting: Meeting):
    letter = and_(SentReminder.user_id == User.id, SentReminder.kind == ReminderKind.PACK_BY_POST.value,
                  SentReminder.subject_id == meeting.id, SentReminder.channel == ReminderChannel.LETTER)
    return (select(User.id, User.name, ReminderChoice.postal_address, ReminderChoice.pack_large_print,
                   SentReminder.status, SentReminder.sent_dt)
            .join(Membership, and_(Membership.user_id == User.id, Membership.board_id == board.id))
            .join(ReminderChoice, ReminderChoice.user_id == User.id)
            .outerjoin(SentReminder, letter)
            .where(ReminderChoice.pack_by_post.is_(True), ReminderChoice.postal_address.is_not(None),
                   User.disabled_dt.is_(None), User.erased_dt.is_(None)))


def paper_people_page(board: Board, meeting: Meeting, number: int | None = None):
    """The people on the board who asked for the pack on paper, with whether theirs was posted: a page
    of 50 at a time, by name."""
    from sqlalchemy import func

    from coprod import paging

    statement = _paper_people(board, meeting)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = paging.page_from(statement.order_by(User.name, User.id), total, PAPER_PAGE_SIZE, number)
    return paging.Page([PaperPerson(*row) for row in page.items], page.number, page.pages, page.total, page.first)


def paper_person(board: Board, meeting: Meeting, user_id: int) -> PaperPerson | None:
    row = db.session.execute(_paper_people(board, meeting).where(User.id == user_id)).first()
    return PaperPerson(*row) if row is not None else None


def letter_for(board: Board, meeting: Meeting, person: PaperPerson):
    """What coprod/reminders/letters.py needs to make this person's letters."""
    from coprod.reminders import letters

    language = db.session.scalar(select(User.locale).where(User.id == person.user_id))
    return letters.PackLetter(
        meeting_id=meeting.id, board_slug=board.slug,
        language=language if language and language in current_app.config["LANGUAGES"] else "en",
        large_print=person.large_print, address_lines=letters.address_lines(person.name, person.address),
        words=board_words(board.id, ReminderKind.PACK_BY_POST), person_name=person.name)


# ---- the site admin: what was not sent ------------------------------------------------------------------

PROBLEMS_PAGE_SIZE = 50
# Not sent, and nobody is trying any more (or a worker stopped mid-send over an hour ago).
NOT_SENT = (SentStatus.REFUSED, SentStatus.SKIPPED, SentStatus.FAILED)
STUCK_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class NotSent:
    when: datetime
    person: str
    board: str
    kind: str
    channel: ReminderChannel
    status: SentStatus
    tries: int


def status_counts() -> dict[SentStatus, int]:
    """How many reminders, texts and letters are in each state (the rows kept: KEEP_SENT_REMINDER_DAYS)."""
    from sqlalchemy import func

    found = dict(db.session.execute(select(SentReminder.status, func.count()).group_by(SentReminder.status)).all())
    return {status: found.get(status, 0) for status in SentStatus}


def _not_sent(now: datetime):
    return or_(SentReminder.status.in_(NOT_SENT),
               and_(SentReminder.status == SentStatus.SENDING, SentReminder.created_dt < now - STUCK_AFTER))


def not_sent_page(number: int | None = None, now: datetime | None = None):
    """What was not sent, newest first, 50 a page: who (their name only: never the number, the address
    or the words), which board, what, how, and why."""
    from sqlalchemy import func

    from coprod import paging

    now = now or utcnow()
    where = _not_sent(now)
    total = db.session.scalar(select(func.count()).select_from(SentReminder).where(where)) or 0
    statement = (select(SentReminder.created_dt, User.name, Board.name, SentReminder.kind, SentReminder.channel,
                        SentReminder.status, SentReminder.tries)
                 .join(User, User.id == SentReminder.user_id).join(Board, Board.id == SentReminder.board_id)
                 .where(where).order_by(SentReminder.created_dt.desc(), SentReminder.id.desc()))
    page = paging.page_from(statement, total, PROBLEMS_PAGE_SIZE, number)
    return paging.Page([NotSent(*row) for row in page.items], page.number, page.pages, page.total, page.first)
