"""Safeguarding rules: who the board's safeguarding lead is, concerns, telling the lead, the lead's notes.

A concern is made when a person sends a question with "I am worried about my safety" ticked (the
question is then private), or when the secretary marks a question private. The lead is told at once,
after the commit, by `tell_lead` - the one place that tells. The message never carries the question's
words or the person's name: only the board and a link that needs the lead to sign in.

Who sees what:
- a concern, the question's words and the person's contact: the board's lead and site admins only;
- the lead's notes: the same (never the secretary: they may name others, or what the person said);
- nothing here is on a public page, in open data, in a feed, a public cache or Listen audio of a
  public page (the question is private, and those only ever read public questions).

Every look at a concern, every note, every close or reopen and every change of lead is in the audit
log, with ids only (never words or names). Nothing here writes a log line.
Functions flush; the view commits once.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coprod import audit, outbox, paging
from coprod.errors import Refused
from coprod.extensions import db
from coprod.mail import send_email
from coprod.models import (Board, ConcernReason, Membership, Question, Role, SafeguardingConcern,
                           SafeguardingNote, User, utcnow)
from coprod.models.reminder import ReminderChoice
from coprod.tasks import deliver_text


class NotAllowed(Refused):
    """The rule says no; the message is easy read."""


# ---- the board's lead -----------------------------------------------------------------------------

def lead_of(board: Board) -> User | None:
    """The board's safeguarding lead, or None."""
    if board.safeguarding_lead_id is None:
        return None
    return db.session.get(User, board.safeguarding_lead_id)


def reachable(person: User | None) -> bool:
    """Can this person be told at once? (An account that is on, not erased, with an email address.)"""
    return person is not None and person.is_active and person.erased_dt is None and bool(person.email)


def lead_choices(board: Board) -> list[User]:
    """Who can be the lead: people on this board with an account that is on and an email address (the
    lead must be told at once)."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id == board.id, User.email.is_not(None), User.disabled_dt.is_(None),
               User.erased_dt.is_(None)).order_by(User.name, User.id)))


def set_lead(board: Board, person: User | None, *, by: User) -> None:
    """Name the board's safeguarding lead (or nobody). Audited as a role change."""
    if person is not None and person.id not in {p.id for p in lead_choices(board)}:
        raise NotAllowed(_("Choose someone on this board who has an email address."), field="lead")
    old = board.safeguarding_lead_id
    new = person.id if person is not None else None
    if old == new:
        return
    board.safeguarding_lead_id = new
    audit.record("role.change", target=person, board=board, actor=by,
                 detail=f"safeguarding lead: {'person ' + str(old) if old else 'none'} -> "
                        f"{'person ' + str(new) if new else 'none'}")
    db.session.flush()


def boards_without_lead(board_ids: list[int]) -> set[int]:
    """Which of these boards have no safeguarding lead (for the warning on the board page)."""
    if not board_ids:
        return set()
    return set(db.session.scalars(select(Board.id).where(Board.id.in_(board_ids),
                                                         Board.safeguarding_lead_id.is_(None))))


# ---- concerns --------------------------------------------------------------------------------------

def raise_concern(question: Question, reason: ConcernReason, *, by: User | None = None) -> SafeguardingConcern:
    """A concern about this question (one per question: a second call returns the first), and the lead
    is told. `by`: the secretary who marked it private (None when the person ticked the box)."""
    found = db.session.scalar(select(SafeguardingConcern).where(SafeguardingConcern.question_id == question.id))
    if found is not None:
        return found
    concern = SafeguardingConcern(board_id=question.board_id, question_id=question.id, person_id=question.asker_id,
                                  reason=reason, raised_by_id=by.id if by is not None else None)
    db.session.add(concern)
    db.session.flush()
    audit.record("safeguarding.concern", target=concern, board_id=question.board_id, actor=by,
                 detail=f"question {question.id}: {reason.value}")
    tell_lead(concern)
    return concern


def _told_instead(board_id: int) -> list[tuple[User, str]]:
    """With no lead to tell: the board's secretaries (a link to the question, which they can see) and
    the site admins (a link to the concern)."""
    secretaries = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.board_id == board_id, Membership.role == Role.SECRETARY).order_by(User.id))
    admins = db.session.scalars(select(User).where(User.is_admin.is_(True)).order_by(User.id))
    people: dict[int, tuple[User, str]] = {}
    for person in secretaries:
        people[person.id] = (person, "question")
    for person in admins:
        people[person.id] = (person, "concern")  # an admin who is also secretary gets the concern's link
    return [each for each in people.values() if reachable(each[0])]


def tell_lead(concern: SafeguardingConcern) -> int:
    """Tell the board's safeguarding lead about the concern at once (after the commit): the one place
    that tells. No lead, or a lead who cannot be reached: the board's secretaries and the site admins
    are told instead. Returns how many people were told.

    The message carries no words of the question and no name: "Someone on <board> needs you", and a
    link that needs the reader to sign in.

    The same words go by text message (GOV.UK Notify) to whoever is told and has a mobile number in
    their reminders settings (coprod/reminders), whatever reminders they chose: this is not a reminder."""
    board = db.session.get_one(Board, concern.board_id)
    lead = lead_of(board)
    told: list[tuple[User, str]] = [(lead, "concern")] if lead is not None and reachable(lead) \
        else _told_instead(board.id)
    site = current_app.config["PUBLIC_URL"].rstrip("/")  # never the request's Host header
    for person, page in told:
        link = site + (url_for("safeguarding.concern", concern_id=concern.id) if page == "concern"
                       else url_for("questions.moderate", slug=board.slug, question_id=concern.question_id))
        with force_locale(person.locale or "en"):
            body = "\n\n".join([_("Someone on %(board)s needs you.", board=board.name),
                                _("Open Coprod to see it:") + "\n" + link])
            assert person.email  # reachable()
            send_email(person.email, _("Someone needs you"), body)
            mobile = db.session.scalar(select(ReminderChoice.mobile).where(ReminderChoice.user_id == person.id))
            if mobile:
                outbox.after_commit(deliver_text, mobile, body, f"concern-{concern.id}")
    concern.told_dt = utcnow()
    concern.told = "lead" if lead is not None and reachable(lead) else "others"
    db.session.flush()
    return len(told)


# ---- the lead's pages ------------------------------------------------------------------------------

def _visible_to(user: User):
    """The concerns this person may see: those of the boards they are the lead of (a site admin: all)."""
    if user.is_admin:
        return SafeguardingConcern.id.is_not(None)
    return SafeguardingConcern.board_id.in_(select(Board.id).where(Board.safeguarding_lead_id == user.id))


def concerns_page(user: User, per_page: int, number: int | None = None) -> tuple[paging.Page, int]:
    """The concerns this person may see, open ones first, newest first: one page, and how many are open
    (both counted in SQL, in one statement)."""
    visible = _visible_to(user)
    total, still_open = db.session.execute(
        select(func.count(), func.count(SafeguardingConcern.id).filter(SafeguardingConcern.closed_dt.is_(None)))
        .select_from(SafeguardingConcern).where(visible)).one()
    page = paging.page_from(
        select(SafeguardingConcern).where(visible)
        .options(joinedload(SafeguardingConcern.board), joinedload(SafeguardingConcern.person))
        .order_by(SafeguardingConcern.closed_dt.is_not(None), SafeguardingConcern.created_dt.desc(),
                  SafeguardingConcern.id.desc()), total, per_page, number)
    return page, still_open or 0


def concern_for(user: User, concern_id: int) -> SafeguardingConcern | None:
    """One concern with what its page shows, or None if this person may not see it (or there is none)."""
    return db.session.scalar(
        select(SafeguardingConcern).where(SafeguardingConcern.id == concern_id, _visible_to(user))
        .options(joinedload(SafeguardingConcern.board), joinedload(SafeguardingConcern.person),
                 joinedload(SafeguardingConcern.question).joinedload(Question.meeting),
                 selectinload(SafeguardingConcern.notes).joinedload(SafeguardingNote.by)))


def raised_by(concern: SafeguardingConcern) -> User | None:
    """The secretary who marked the question private (None: the person told us themselves)."""
    return db.session.get(User, concern.raised_by_id) if concern.raised_by_id is not None else None


def seen(concern: SafeguardingConcern, *, by: User) -> None:
    """Every look at a concern's page is in the audit log."""
    audit.record("safeguarding.view", target=concern, board_id=concern.board_id, actor=by)


def add_note(concern: SafeguardingConcern, text: str, *, close: bool, by: User) -> SafeguardingNote | None:
    """What was done (dated, by whom), and whether the concern is dealt with (closed) or still open.
    An empty note only closes or reopens it."""
    note = None
    if text:
        note = SafeguardingNote(concern_id=concern.id, by_id=by.id, text=text)
        db.session.add(note)
        db.session.flush()
        audit.record("safeguarding.note", target=concern, board_id=concern.board_id, actor=by,
                     detail=f"note {note.id}")
    if close and concern.is_open:
        concern.closed_dt, concern.closed_by_id = utcnow(), by.id
        audit.record("safeguarding.close", target=concern, board_id=concern.board_id, actor=by)
    elif not close and not concern.is_open:
        concern.closed_dt = concern.closed_by_id = None
        audit.record("safeguarding.reopen", target=concern, board_id=concern.board_id, actor=by)
    elif not text:
        raise NotAllowed(_("Write what was done."), field="note")
    db.session.flush()
    return note


def recording_for(user: User, concern_id: int) -> Question | None:
    """The question of a concern this person may see (to play its recording)."""
    concern = concern_for(user, concern_id)
    return concern.question if concern is not None else None


def open_concerns(user: User) -> int:
    """How many open concerns this person (a lead, or a site admin) has to look at."""
    return db.session.scalar(select(func.count()).select_from(SafeguardingConcern)
                             .where(_visible_to(user), SafeguardingConcern.closed_dt.is_(None))) or 0

