"""Check-in on the day (issue 17): the secretary's tablet marks people present at a meeting, by
scanning the QR code on their login card, typing the card's short code, or tapping their name.

Checking someone in NEVER signs the tablet in as them: the card is only looked up (its person read),
no sign-in is made and the session is not touched. A stopped card, or the card of someone who is not
on the board, is refused with an easy-read message. Mistakes can be undone. Every check-in and every
undo is in the audit log (ids only: never a name, a token or a code).

Who sees it: the secretary (the check-in page, and the names in the minutes); the person sees their
own ("You were at this meeting"); everyone sees the counts and whether the meeting had its quorum.
Kept with the meeting as attendance is; in the person's "My data" file; deleted when they are erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, select

from coprod import audit, paging
from coprod.accounts import services as accounts
from coprod.errors import Refused
from coprod.extensions import db
from coprod.models import Attendance, Board, CheckIn, LoginCard, Meeting, Membership, PaymentClaim, User, utcnow
from coprod.models.upsert import upsert

PEOPLE_PAGE_SIZE = 50
# A card's token is 43 letters; anything much longer read from a QR code is not one of our cards.
LONGEST_SCAN = 2000


class CheckInRefused(Refused):
    pass


@dataclass(frozen=True)
class Done:
    """Who was checked in, and whether they were already."""
    person: User
    already: bool


def may_check_in(meeting: Meeting) -> bool:
    """People can be checked in (and undone) until the minutes are published: then the record is fixed."""
    return not meeting.minutes_are_public


def _check_open(meeting: Meeting) -> None:
    if not may_check_in(meeting):
        raise CheckInRefused(_("The minutes are published. You cannot change who was here now."))


def token_from_scan(text: str) -> str | None:
    """The card's token from what the camera read: a card's QR code holds its sign-in link
    (…/card/<token>); a bare token is accepted too. None when it is not a card's link."""
    text = (text or "").strip()
    if not text or len(text) > LONGEST_SCAN:
        return None
    try:
        path = urlsplit(text).path if "/" in text else "/card/" + text
    except ValueError:  # not an address at all (e.g. "http://[")
        return None
    parts = [unquote(part) for part in path.split("/") if part]
    if len(parts) >= 2 and parts[-2] == "card" and parts[-1].replace("-", "").replace("_", "").isalnum():
        return parts[-1]
    return None


def _refuse_unusable(card: LoginCard | None, board: Board) -> User:
    """The card's person, or an easy-read refusal: not a card, a stopped card, not on this board."""
    if card is None:
        raise CheckInRefused(_("We do not know this card. Check it is a login card for this site."))
    person = card.user
    if person_on_board(board, person.id) is None:
        raise CheckInRefused(_("This card is for someone who is not on this board. "
                               "They cannot be checked in to this meeting."))
    if card.is_revoked:
        raise CheckInRefused(_("This card was stopped. It does not work any more. "
                               "Tap the person's name below, and make them a new card."))
    if not person.is_active:
        raise CheckInRefused(_("This person's account is turned off. Ask the person who runs the site."))
    return person


def check_in_scanned(meeting: Meeting, board: Board, scanned: str, *, by: User) -> Done:
    """The camera read a login card's QR code: mark its person present. Never signs anyone in."""
    _check_open(meeting)
    token = token_from_scan(scanned)
    card = accounts.card_in_any_state(token=token) if token else None
    return _mark(meeting, _refuse_unusable(card, board), by=by, how="card", card=card)


def check_in_code(meeting: Meeting, board: Board, typed: str, *, by: User) -> Done:
    """The short code on a login card was typed: mark its person present. Never signs anyone in."""
    _check_open(meeting)
    card = accounts.card_in_any_state(code=typed)
    if card is None:
        raise CheckInRefused(_("That code does not work. Check the letters and numbers on the card."), field="code")
    try:
        return _mark(meeting, _refuse_unusable(card, board), by=by, how="code", card=card)
    except CheckInRefused as refused:
        refused.field = "code"
        raise


def person_on_board(board: Board, user_id: int) -> User | None:
    return db.session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                             .where(Membership.board_id == board.id, User.id == user_id,
                                    User.erased_dt.is_(None)))


def check_in_person(meeting: Meeting, board: Board, user_id: int, *, by: User) -> Done:
    """The secretary tapped a name on the board's list: mark that person present."""
    _check_open(meeting)
    person = person_on_board(board, user_id)
    if person is None:
        raise CheckInRefused(_("This person is not on this board."))
    return _mark(meeting, person, by=by, how="name")


def _mark(meeting: Meeting, person: User, *, by: User, how: str, card: LoginCard | None = None) -> Done:
    already = db.session.scalar(select(CheckIn.id).where(CheckIn.meeting_id == meeting.id,
                                                         CheckIn.user_id == person.id)) is not None
    if not already:
        # Two tablets checking in the same person at once: the second changes nothing.
        upsert(db.session, CheckIn, {"meeting_id": meeting.id, "user_id": person.id, "checked_in_dt": utcnow(),
                                     "by_id": by.id, "how": how},
               keys=["meeting_id", "user_id"], update=[])
        keep_quorum(meeting)
        detail = f"meeting {meeting.id}; {how}" + (f" (card {card.id})" if card is not None else "")
        audit.record("checkin.add", target=person, board_id=meeting.board_id, actor=by, detail=detail)
        db.session.flush()
    return Done(person=person, already=already)


def undo(meeting: Meeting, board: Board, user_id: int, *, by: User) -> User:
    """Take back a check-in made by mistake. Refused once the minutes are published."""
    _check_open(meeting)
    person = person_on_board(board, user_id)
    if person is None:
        raise CheckInRefused(_("This person is not on this board."))
    removed = db.session.execute(delete(CheckIn).where(CheckIn.meeting_id == meeting.id,
                                                       CheckIn.user_id == person.id))
    if removed.rowcount:  # type: ignore[attr-defined]
        audit.record("checkin.undo", target=person, board_id=meeting.board_id, actor=by,
                     detail=f"meeting {meeting.id}")
    db.session.flush()
    return person


# ---- what the pages show ----------------------------------------------------------------------

@dataclass(frozen=True)
class Quorum:
    here: int
    needed: int | None  # None: the board has not set its quorum

    @property
    def reached(self) -> bool | None:
        return None if self.needed is None else self.here >= self.needed


def keep_quorum(meeting: Meeting) -> None:
    """Keep the board's quorum with the meeting (the first check-in, or the meeting held): what the
    minutes say stays true if the board changes its quorum later."""
    if meeting.quorum_needed is None:
        meeting.quorum_needed = db.session.scalar(select(Board.quorum).where(Board.id == meeting.board_id))


def needed(meeting: Meeting, board: Board) -> int | None:
    return meeting.quorum_needed if meeting.quorum_needed is not None else board.quorum


def here_count(meeting: Meeting) -> int:
    return db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.meeting_id == meeting.id)) or 0


def quorum(meeting: Meeting, board: Board) -> Quorum:
    return Quorum(here=here_count(meeting), needed=needed(meeting, board))


def board_size(board: Board) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
                             .where(Membership.board_id == board.id, User.erased_dt.is_(None))) or 0


def people_page(meeting: Meeting, board: Board, total: int, number: int | None = None) -> paging.Page:
    """The board's people by name, each with their check-in (or None) and their answer to "Are you
    coming?" (or None): one query for the page."""
    statement = (select(User.id, User.name, Membership.role, CheckIn, Attendance.coming)
                 .join(Membership, and_(Membership.user_id == User.id, Membership.board_id == board.id))
                 .outerjoin(CheckIn, and_(CheckIn.user_id == User.id, CheckIn.meeting_id == meeting.id))
                 .outerjoin(Attendance, and_(Attendance.user_id == User.id, Attendance.meeting_id == meeting.id))
                 .where(User.erased_dt.is_(None))
                 .order_by(User.name, User.id))
    return paging.page_from(statement, total, PEOPLE_PAGE_SIZE, number)


def mine(meeting: Meeting, user) -> tuple[Attendance | None, CheckIn | None, PaymentClaim | None, bool]:
    """The signed-in person's own answer to "Are you coming?", their check-in and their payment claim
    at this meeting, and whether anyone was checked in at it, in one query ((None, None, None, False)
    when signed out): the meeting page shows all of them."""
    if not getattr(user, "is_authenticated", False):
        return None, None, None, False
    anyone_checked_in = exists().where(CheckIn.meeting_id == meeting.id)
    row = db.session.execute(
        select(Attendance, CheckIn, PaymentClaim, anyone_checked_in).select_from(User)
        .outerjoin(Attendance, and_(Attendance.user_id == User.id, Attendance.meeting_id == meeting.id))
        .outerjoin(CheckIn, and_(CheckIn.user_id == User.id, CheckIn.meeting_id == meeting.id))
        .outerjoin(PaymentClaim, and_(PaymentClaim.user_id == User.id, PaymentClaim.meeting_id == meeting.id))
        .where(User.id == user.id)).first()
    return (row[0], row[1], row[2], bool(row[3])) if row is not None else (None, None, None, False)


@dataclass(frozen=True)
class Record:
    """Who was there, for the minutes: counts for everyone; names only for the secretary."""
    quorum: Quorum
    apologies: int
    present_names: list[str] | None
    apologies_names: list[str] | None


def for_minutes(meeting: Meeting, board: Board, *, names: bool) -> Record:
    """Who was at the meeting, who sent apologies (said "I can't come" and were not checked in), and
    whether the meeting had its quorum. Names only when `names` (the secretary)."""
    here = select(CheckIn.user_id).where(CheckIn.meeting_id == meeting.id)
    apologies_where = and_(Attendance.meeting_id == meeting.id, Attendance.coming.is_(False),
                           Attendance.user_id.not_in(here))
    if names:
        present = list(db.session.scalars(select(User.name).join(CheckIn, CheckIn.user_id == User.id)
                                          .where(CheckIn.meeting_id == meeting.id).order_by(User.name, User.id)))
        sorry = list(db.session.scalars(select(User.name).join(Attendance, Attendance.user_id == User.id)
                                        .where(apologies_where).order_by(User.name, User.id)))
        return Record(quorum=Quorum(len(present), needed(meeting, board)), apologies=len(sorry),
                      present_names=present, apologies_names=sorry)
    counted = db.session.execute(select(
        select(func.count()).select_from(CheckIn).where(CheckIn.meeting_id == meeting.id).scalar_subquery(),
        select(func.count()).select_from(Attendance).where(apologies_where).scalar_subquery())).one()
    return Record(quorum=Quorum(int(counted[0] or 0), needed(meeting, board)), apologies=int(counted[1] or 0),
                  present_names=None, apologies_names=None)
