"""Involvement payments and expenses: the rules. Views are thin and call these.

- Who may claim: `eligibility` (the one place): they came, by the check-in on the day, or by their
  "I am coming" answer at a meeting where nobody was checked in.
- Money is whole pence. `parse_pence` reads what a person typed ("12.50", "£3", "4.5") or refuses with
  an easy-read reason; `pounds` shows pence as "£12.50".
- Bank details are sealed with the code key (coprod/accounts/tokens.py), shown masked ("ending 1234")
  to the person and the secretary, in full only in the finance spreadsheet (secretary or admin).
- Nothing here logs or audits an amount, a bank detail or anyone's words: the audit log says what was
  done to which claim (its id), and by whom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, select

from coprod import audit, outbox
from coprod.paging import Page, page_from
from coprod.accounts.tokens import seal, unseal
from coprod.errors import Refused
from coprod.extensions import db
from coprod.follow.exports import csv_text
from coprod.models import Attendance, Board, CheckIn, Meeting, Role, SignIn, User, utcnow
from coprod.models.auth import helped_by
from coprod.models.payment import ClaimStatus, PayBy, PaymentClaim
from coprod.models.upsert import upsert
from coprod.payments import receipts

# Who can claim: self-advocates and family carers (not staff, not supporters paid to be there).
CLAIM_ROLES = frozenset({Role.MEMBER, Role.CARER})
# The most a board can set or a person can claim: £10,000 (a typing slip beyond it is refused).
MAX_PENCE = 1_000_000
ANSWER_MAX = 1000
QUESTION_MAX = 500


class PaymentRefused(Refused):
    pass


# ---- money -----------------------------------------------------------------------------------------

_MONEY = re.compile(r"^(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_pence(typed: str | None, *, most: int = MAX_PENCE) -> int:
    """Pence from what was typed: "12", "12.5", "12.50", "£12.50", "1,200". Empty is 0. Refuses (ValueError
    with an easy-read message) letters, minus signs, more than 2 pence digits, and more than `most`.
    Checked as text first: int() of thousands of digits is slow and then refused by Python."""
    text = (typed or "").strip().replace(" ", "")
    if not text:
        return 0
    if len(text) > 20:
        raise ValueError(_("This number is too long. Type an amount in pounds. For example: 12.50."))
    text = text.removeprefix("£").replace(",", "")
    if text.startswith("-"):
        raise ValueError(_("The amount cannot be less than nothing. Type an amount in pounds. For example: 12.50."))
    found = _MONEY.match(text) if text.isascii() else None
    if found is None:
        raise ValueError(_("Type an amount in pounds, with numbers only. For example: 12.50."))
    pence = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    if pence > most:
        raise ValueError(_("This is more than %(most)s. Type an amount up to %(most)s.", most=pounds(most)))
    return pence


def pounds(pence: int | None) -> str:
    """"£12.50" (always 2 pence digits)."""
    pence = pence or 0
    return f"£{pence // 100:,}.{pence % 100:02d}"


def plain_pounds(pence: int | None) -> str:
    """"12.50" for the spreadsheet (no £ sign, no thousands commas)."""
    pence = pence or 0
    return f"{pence // 100}.{pence % 100:02d}"


# ---- bank details ----------------------------------------------------------------------------------

def clean_sort_code(typed: str | None) -> str:
    """6 digits from "12-34-56", "12 34 56" or "123456"; ValueError with an easy-read message."""
    digits = re.sub(r"[\s-]", "", typed or "")
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(_("A sort code is 6 numbers. For example: 12-34-56."))
    return digits


def clean_account_number(typed: str | None) -> str:
    """8 digits (a 7-digit account number gets a 0 in front, as banks do); ValueError otherwise."""
    digits = re.sub(r"[\s-]", "", typed or "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (7, 8):
        raise ValueError(_("An account number is 8 numbers. For example: 12345678."))
    return digits.rjust(8, "0")


def bank_details(claim: PaymentClaim) -> tuple[str, str] | None:
    """(sort code, account number) in full, or None (not given, deleted, or sealed with another key)."""
    opened = unseal(claim.bank_sealed) if claim.bank_sealed else None
    if not opened or ":" not in opened:
        return None
    sort_code, _colon, account = opened.partition(":")
    return sort_code, account


def masked(claim: PaymentClaim) -> str:
    """What the person and the secretary see of the bank details."""
    if claim.pay_by != PayBy.BANK:
        return _("Talk to the secretary about how to pay.")
    if claim.bank_deleted_dt is not None or not claim.account_last4:
        return _("The bank details were deleted after the payment.")
    return _("Bank account ending %(last)s.", last=claim.account_last4)


def sort_code_text(digits: str) -> str:
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"


# ---- who may claim ---------------------------------------------------------------------------------

def board_pays(board: Board) -> bool:
    return board.involvement_pence > 0 or board.travel_max_pence > 0


@dataclass(frozen=True)
class Came:
    """What says whether someone came to a meeting: their "I am coming" answer (None: no answer),
    whether the secretary checked them in, and whether the meeting used check-in at all."""
    said_coming: bool | None
    checked_in: bool
    check_in_used: bool


def came_to(meeting: Meeting, user) -> Came:
    """One statement: the person's answer, their check-in, and whether anyone was checked in."""
    row = db.session.execute(select(
        select(Attendance.coming).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
        .scalar_subquery(),
        exists().where(CheckIn.meeting_id == meeting.id, CheckIn.user_id == user.id),
        exists().where(CheckIn.meeting_id == meeting.id))).one()
    return Came(said_coming=row[0], checked_in=bool(row[1]), check_in_used=bool(row[2]))


def eligibility(meeting: Meeting, user, came: Came | None = None) -> str | None:
    """None if `user` may claim for `meeting`; else the easy-read reason why not.

    The one place the rule lives: the board pays; the person is a self-advocate or family carer on the
    meeting's board; the meeting has happened; they came. "Came" is the check-in on the day when the
    secretary used check-in at this meeting (someone who said "I am coming" but was not checked in
    did not come; someone checked in who never answered did); at a meeting where nobody was checked
    in, it is their "I am coming" answer. `came`: read by the caller already (see `came_to`)."""
    board = meeting.board
    if not board_pays(board):
        return _("This board does not pay for coming to meetings.")
    if not getattr(user, "is_authenticated", False) or user.role_on(board) not in CLAIM_ROLES:
        return _("Only self-advocates and family carers on the board can claim.")
    if not meeting.is_over:
        return _("You can claim after the meeting.")
    if came is None:
        came = came_to(meeting, user)
    if came.check_in_used and not came.checked_in:
        return _("You can claim if you were checked in at the meeting. If you were there, tell your board secretary.")
    if not came.check_in_used and not came.said_coming:
        return _("You can claim if you came to the meeting.")
    return None


def claim_of(meeting: Meeting, user) -> PaymentClaim | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(PaymentClaim).where(PaymentClaim.meeting_id == meeting.id,
                                                        PaymentClaim.user_id == user.id))


def block_for_page(meeting: Meeting, came: Came, mine: PaymentClaim | None) -> dict | None:
    """For the meeting page: the person's claim, or that they can claim; None: nothing shown.
    `came` and `mine`: whether they came and their claim, read by the page with its other personal
    rows in one statement (coprod/meetings/checkin.py mine); no statement here."""
    from flask_login import current_user

    if not meeting.is_over or not current_user.is_authenticated \
            or current_user.role_on(meeting.board) not in CLAIM_ROLES:
        return None
    if mine is None and eligibility(meeting, current_user, came=came) is not None:
        return None
    return {"mine": mine}


# ---- the person ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimInput:
    travel_pence: int
    receipt: bytes | None          # already checked and re-made by receipts.make
    pay_by: PayBy
    account_name: str = ""
    sort_code: str = ""
    account_number: str = ""


def _bank_values(given: ClaimInput) -> dict:
    if given.pay_by != PayBy.BANK:
        return {"account_name": None, "bank_sealed": None, "account_last4": None}
    return {"account_name": given.account_name.strip()[:120],
            "bank_sealed": seal(f"{given.sort_code}:{given.account_number}"),
            "account_last4": given.account_number[-4:]}


def make_claim(meeting: Meeting, user: User, given: ClaimInput, *, sign_in: SignIn | None) -> PaymentClaim:
    """Send a claim: the board's involvement payment and the travel typed (up to the board's most, with
    a receipt photo). One claim per person per meeting, also when the form is sent twice at once."""
    reason = eligibility(meeting, user)
    if reason is not None:
        raise PaymentRefused(reason)
    board = meeting.board
    if given.travel_pence > board.travel_max_pence:
        raise PaymentRefused(_("The most you can claim for travel is %(most)s.", most=pounds(board.travel_max_pence)),
                             field="travel")
    if given.travel_pence and given.receipt is None:
        raise PaymentRefused(_("Add a photo of your ticket or receipt."), field="receipt")
    receipt_name = receipts.keep(given.receipt) if given.receipt is not None and given.travel_pence else None
    values = {"board_id": board.id, "meeting_id": meeting.id, "user_id": user.id,
              "involvement_pence": board.involvement_pence, "travel_pence": given.travel_pence,
              "receipt_name": receipt_name, "pay_by": given.pay_by.value, "status": ClaimStatus.SENT.value,
              "question_text": "", "answer_text": "", "created_dt": utcnow(), **_bank_values(given),
              **helped_by(sign_in)}
    claim_id = upsert(db.session(), PaymentClaim, values, keys=["meeting_id", "user_id"], returning=PaymentClaim.id)
    if claim_id is None:
        if receipt_name:
            receipts.delete(receipt_name)
        raise PaymentRefused(_("You already sent a claim for this meeting."))
    # If the commit fails, the file no row knows is removed by the retention job a day later.
    claim = db.session.get_one(PaymentClaim, claim_id)
    audit.record("payment.claim", target=claim, board_id=board.id, actor=user)
    db.session.flush()
    return claim


def answer_question(claim: PaymentClaim, user: User, *, answer: str, receipt: bytes | None,
                    sign_in: SignIn | None) -> None:
    """The person answers the secretary's question (and may add a new receipt photo)."""
    if claim.user_id != user.id:
        raise PaymentRefused(_("This is not your claim."))
    if claim.status != ClaimStatus.QUESTION:
        raise PaymentRefused(_("The secretary did not ask you anything about this claim."))
    text = (answer or "").strip()
    if not text:
        raise PaymentRefused(_("Type your answer."), field="answer")
    claim.answer_text = text[:ANSWER_MAX]
    claim.answered_dt = utcnow()
    claim.status = ClaimStatus.ANSWERED
    helper = helped_by(sign_in)
    if helper["helper_id"] is not None or helper["helper_name"]:
        claim.helper_id, claim.helper_name = helper["helper_id"], helper["helper_name"]
    if receipt is not None:
        old = claim.receipt_name
        claim.receipt_name = receipts.keep(receipt)
        if old:
            outbox.after_commit(receipts.delete, old)
    audit.record("payment.answer", target=claim, board_id=claim.board_id, actor=user)
    db.session.flush()


# ---- the secretary ---------------------------------------------------------------------------------

def claim_on(board: Board, claim_id: int) -> PaymentClaim | None:
    """A claim of this board whose person is still there (an erased person's paid claim is only a
    number in the finance file)."""
    return db.session.scalar(select(PaymentClaim).where(PaymentClaim.id == claim_id, PaymentClaim.board_id == board.id,
                                                        PaymentClaim.user_id.is_not(None)))


def may_see(claim: PaymentClaim, user, board: Board) -> bool:
    """The person, or the board's secretary (or an admin). Never other members."""
    from coprod.meetings.services import may_manage

    return getattr(user, "is_authenticated", False) and (claim.user_id == user.id or may_manage(board, user))


def ask_question(claim: PaymentClaim, *, by: User, question: str) -> None:
    if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
        raise PaymentRefused(_("This claim is already approved."))
    text = (question or "").strip()
    if not text:
        raise PaymentRefused(_("Type your question."), field="question")
    claim.question_text = text[:QUESTION_MAX]
    claim.question_dt = utcnow()
    claim.answer_text, claim.answered_dt = "", None
    claim.status = ClaimStatus.QUESTION
    audit.record("payment.question", target=claim, board_id=claim.board_id, actor=by)
    db.session.flush()


def approve(claim: PaymentClaim, *, by: User) -> None:
    if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
        return  # a double tap: already done
    claim.status, claim.approved_dt, claim.approved_by_id = ClaimStatus.APPROVED, utcnow(), by.id
    audit.record("payment.approve", target=claim, board_id=claim.board_id, actor=by)
    db.session.flush()


def mark_paid(claim: PaymentClaim, *, by: User) -> None:
    if claim.status == ClaimStatus.PAID:
        return
    if claim.status != ClaimStatus.APPROVED:
        raise PaymentRefused(_("Approve the claim before you mark it paid."))
    claim.status, claim.paid_dt, claim.paid_by_id = ClaimStatus.PAID, utcnow(), by.id
    audit.record("payment.paid", target=claim, board_id=claim.board_id, actor=by)
    db.session.flush()


@dataclass(frozen=True)
class Listed:
    claim: PaymentClaim
    name: str


CLAIMS_PAGE_SIZE = 50


@dataclass(frozen=True)
class ClaimsPage:
    page: Page[Listed]
    total_pence: int  # of every claim listed on all the pages


def claims_page(meeting: Meeting, number: int | None = None) -> ClaimsPage:
    """The meeting's claims with the people's names, by name, 50 at a time; how many and their total
    counted in SQL. Erased people's claims are only in the finance file."""
    from sqlalchemy import func

    listed = (select(PaymentClaim, User.name).join(User, User.id == PaymentClaim.user_id)
              .where(PaymentClaim.meeting_id == meeting.id))
    count, total = db.session.execute(
        select(func.count(PaymentClaim.id),
               func.coalesce(func.sum(PaymentClaim.involvement_pence + PaymentClaim.travel_pence), 0))
        .join(User, User.id == PaymentClaim.user_id).where(PaymentClaim.meeting_id == meeting.id)).one()
    page = page_from(listed.order_by(User.name, PaymentClaim.id), count, CLAIMS_PAGE_SIZE, number)
    return ClaimsPage(Page([Listed(claim, name) for claim, name in page.items], page.number, page.pages,
                                  page.total, page.first), int(total))


def person_name(claim: PaymentClaim) -> str:
    return db.session.scalar(select(User.name).where(User.id == claim.user_id)) or ""


STATUS_WORDS = {
    ClaimStatus.SENT: "waiting", ClaimStatus.QUESTION: "question asked", ClaimStatus.ANSWERED: "answered",
    ClaimStatus.APPROVED: "approved", ClaimStatus.PAID: "paid",
}
CSV_COLUMNS = ["claim", "meeting", "meeting_date", "name", "involvement", "travel", "total", "pay_by",
               "account_name", "sort_code", "account_number", "status", "approved", "paid", "helped_by"]


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


def finance_csv(meeting: Meeting, *, by: User) -> str:
    """The council's finance file for one meeting: approved and paid claims, bank details in full.
    Every cell guarded against spreadsheet formulas. Audited (who downloaded it), never what is in it."""
    rows = db.session.execute(
        select(PaymentClaim, User.name).outerjoin(User, User.id == PaymentClaim.user_id)
        .where(PaymentClaim.meeting_id == meeting.id,
               PaymentClaim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PAID]))
        .order_by(PaymentClaim.id))
    lines: list[list] = [CSV_COLUMNS]
    for claim, name in rows:
        bank = bank_details(claim) if claim.pay_by == PayBy.BANK else None
        lines.append([claim.id, meeting.title, _day(meeting.starts_dt), name or "[erased]",
                      plain_pounds(claim.involvement_pence), plain_pounds(claim.travel_pence),
                      plain_pounds(claim.total_pence), claim.pay_by.value, claim.account_name or "",
                      sort_code_text(bank[0]) if bank else "", bank[1] if bank else "",
                      STATUS_WORDS[claim.status], _day(claim.approved_dt), _day(claim.paid_dt),
                      claim.helper_name or ""])
    audit.record("payment.csv", target=meeting, board_id=meeting.board_id, actor=by)
    return csv_text(lines)


def set_amounts(board: Board, *, involvement_pence: int, travel_max_pence: int, by: User) -> None:
    board.involvement_pence, board.travel_max_pence = involvement_pence, travel_max_pence
    audit.record("payment.settings", board=board, actor=by)
    db.session.flush()
