"""Rules for proposals and votes. Functions flush; the view commits once.

One person, one vote, under any number of simultaneous attempts: both the vote and the ballot are
written with INSERT ... ON CONFLICT DO UPDATE against a unique constraint, so a second attempt
changes the existing row instead of adding one or failing.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, String, bindparam, case, delete, func, literal, null, or_, select, true
from sqlalchemy.orm import Session, joinedload

from coprod.errors import Refused
from coprod import audit, paging
from coprod.content.services import writer_language
from coprod.extensions import db
from coprod.models.auth import helped_by
from coprod.models import (Ballot, Board, Choice, Proposal, ProposalState, Role, RoomCount, SignIn,
                           User, Vote, utcnow)
from coprod.models.upsert import insert, on_conflict, upsert
from coprod.paging import Page

DEFAULT_CHOICES = [("yes", "yes"), ("no", "no"), ("not sure", "question")]


class VoteRefused(Refused):
    """A vote that cannot be counted; the message is easy read."""


# ---- proposals ----------------------------------------------------------------------------------

def create_proposal(board: Board, *, title: str, body: str, picture: str, choices: list[tuple[str, str]],
                    opens_dt=None, closes_dt=None, voter_roles: set[Role], is_secret: bool,
                    results_hidden: bool, by: User) -> Proposal:
    proposal = Proposal(
        board_id=board.id, language=writer_language(), title=title, body=body, picture=picture, opens_dt=opens_dt, closes_dt=closes_dt,
        voter_roles=",".join(sorted(r.value for r in voter_roles)), is_secret=is_secret,
        results_hidden_until_closed=results_hidden, created_by_id=by.id,
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add_all(Choice(proposal_id=proposal.id, position=i, label=label, picture=pic)
                       for i, (label, pic) in enumerate(choices))
    audit.record("proposal.create", target=proposal, board=board, actor=by)
    db.session.flush()
    return proposal


# Proposals on one page of a list (a board's whole history of votes was one page before issue 15).
PROPOSALS_PAGE_SIZE = 25


def state_order(now: datetime):
    """Proposal.state() in SQL, as the order lists show them: 0 open now, 1 coming, 2 finished."""
    closed = or_(Proposal.closed_dt <= now, Proposal.closes_dt <= now)
    opened = or_(Proposal.opened_dt <= now, Proposal.opens_dt <= now)
    return case((closed, 2), (opened, 0), else_=1)


def proposals_page(board: Board, *, now: datetime, by_state: bool) -> Page[Proposal]:
    """One page of the board's proposals, newest first; `by_state` puts open ones first, then
    coming, then finished (for members). Two queries, whatever the board holds."""
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(Proposal.board_id == board.id)) or 0
    order = [Proposal.created_dt.desc(), Proposal.id.desc()]
    if by_state:
        order.insert(0, state_order(now))
    return paging.page_from(select(Proposal).where(Proposal.board_id == board.id).order_by(*order),
                            total, PROPOSALS_PAGE_SIZE)


@functools.cache
def _proposal_query():
    # Built once and reused: every vote in a meeting's burst runs it, and building a statement (and
    # its cache key) each time cost more CPU than running it.
    return (select(Proposal).where(Proposal.id == bindparam("id"), Proposal.board_id == bindparam("board_id"))
            .options(joinedload(Proposal.board), joinedload(Proposal.choices)))


def proposal_on(board: Board, proposal_id: int) -> Proposal | None:
    """The proposal, only if it is this board's."""
    return db.session.scalars(_proposal_query(), {"id": proposal_id, "board_id": board.id}).unique().first()


def open_voting(proposal: Proposal, *, by: User) -> None:
    state = proposal.state()
    if state == ProposalState.CLOSED:
        raise VoteRefused(_("Voting on this is closed. It cannot open again."))
    if state == ProposalState.OPEN:
        return
    proposal.opened_dt = utcnow()
    audit.record("proposal.open", target=proposal, board=proposal.board, actor=by)
    db.session.flush()


def close_voting(proposal: Proposal, *, by: User) -> None:
    if proposal.state() == ProposalState.CLOSED:
        return
    proposal.closed_dt = utcnow()
    audit.record("proposal.close", target=proposal, board=proposal.board, actor=by)
    db.session.flush()
    reorder_ballots(proposal.id)


def reorder_ballots(proposal_id: int) -> None:
    """Write the proposal's ballots again, in the order of their keys, all in this transaction.

    On PostgreSQL a table's rows lie in the order they were written (a dump lists them so, and
    each row's xmin names its transaction). Written again at the close, the ballots lie in key
    order, with one transaction for all of them: neither lines up with the votes any more. (The
    old row versions stay in the file until PostgreSQL's vacuum clears them; see README "Voting".)"""
    table = Ballot.__table__
    rows = [dict(row) for row in db.session.execute(
        delete(table).where(table.c.proposal_id == proposal_id)
        .returning(table.c.proposal_id, table.c.voter_key, table.c.choice_id)).mappings()]
    if rows:
        db.session.execute(table.insert(), sorted(rows, key=lambda row: row["voter_key"]))


# ---- voting -------------------------------------------------------------------------------------

def voter_key(proposal_id: int, user_id: int) -> str:
    secret = current_app.config["BALLOT_SECRET"].encode()
    return hmac.new(secret, f"ballot:{proposal_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def may_vote(proposal: Proposal, user: User) -> bool:
    return user.role_on(proposal.board) in proposal.roles_who_vote


def check_vote(proposal: Proposal, user: User, choice_id: int | None) -> Choice:
    """The choice to count, or VoteRefused with a reason people can understand."""
    if not may_vote(proposal, user):
        raise VoteRefused(_("This vote is for other people on the board. You cannot vote on it."))
    state = proposal.state()
    if state == ProposalState.COMING:
        raise VoteRefused(_("Voting has not started yet."))
    if state == ProposalState.CLOSED:
        raise VoteRefused(_("Voting has finished. Your vote was not counted."))
    choice = next((c for c in proposal.choices if c.id == choice_id), None)
    if choice is None:
        raise VoteRefused(_("Choose one of the answers."))
    return choice


@functools.cache
def _vote_statements(dialect: str) -> tuple:
    """The ballot's upsert and the vote's, each inserting only what `allowed` selects: the chosen
    answer, if at that moment it belongs to the proposal, the proposal is this board's, voting on it
    is open and the person's role may vote (the same rules as check_vote, decided by the database in
    the statement that counts the vote, so a vote that arrives as voting closes is judged at once).

    On PostgreSQL it is all one statement, the ballot's upsert a data-modifying WITH (PostgreSQL
    runs it even though nothing reads it): a meeting's burst of votes costs one round trip each.
    SQLite cannot do that, so there they are two statements in the same transaction. Built once
    and reused with new parameters."""
    proposal, choice = Proposal.__table__, Choice.__table__
    now = bindparam("now", type_=DateTime())
    allowed = (
        select(choice.c.id.label("choice_id"), proposal.c.is_secret)
        .join_from(choice, proposal, proposal.c.id == choice.c.proposal_id)
        .where(
            choice.c.id == bindparam("choice_id", type_=Integer()),
            proposal.c.id == bindparam("proposal_id", type_=Integer()),
            proposal.c.board_id == bindparam("board_id", type_=Integer()),
            # Proposal.state(): open once opened (by hand or by the clock), until closed either way.
            or_(proposal.c.opened_dt <= now, proposal.c.opens_dt <= now),
            or_(proposal.c.closed_dt.is_(None), proposal.c.closed_dt > now),
            or_(proposal.c.closes_dt.is_(None), proposal.c.closes_dt > now),
            # voter_roles is a comma-separated list such as "carer,member".
            (literal(",") + proposal.c.voter_roles + literal(",")).like(bindparam("role_pattern", type_=String())),
        )
    )
    if dialect == "postgresql":
        allowed = allowed.cte("allowed")
    else:
        allowed = allowed.subquery("allowed")

    # The ballot has no time and no id of its own: nothing in it lines up with the vote row.
    ballot = insert(dialect, Ballot.__table__).from_select(
        ["proposal_id", "voter_key", "choice_id"],
        select(bindparam("proposal_id", type_=Integer()), bindparam("voter_key", type_=String()),
               allowed.c.choice_id).where(true()))
    ballot = on_conflict(ballot, ["proposal_id", "voter_key"], update=["choice_id"])
    vote = insert(dialect, Vote.__table__).from_select(
        ["proposal_id", "user_id", "open_choice_id", "helper_id", "helper_name", "cast_dt"],
        select(bindparam("proposal_id", type_=Integer()), bindparam("user_id", type_=Integer()),
               # Only an open vote says who chose what.
               case((allowed.c.is_secret, null()), else_=allowed.c.choice_id),
               bindparam("helper_id", type_=Integer()), bindparam("helper_name", type_=String()), now)
        .where(true()))
    # cast_dt is left as it was: when the person first voted. No "changed" time is kept.
    vote = on_conflict(vote, ["proposal_id", "user_id"],
                       update=["open_choice_id", "helper_id", "helper_name"]).returning(Vote.__table__.c.id)
    if dialect == "postgresql":
        return (vote.add_cte(ballot.cte("ballot_upsert")),)
    return ballot, vote


def record_vote(session: Session, *, board_id: int, proposal_id: int, user_id: int, role: Role | None,
                choice_id: int, sign_in: SignIn | None, now: datetime | None = None) -> bool:
    """Count `choice_id` as this person's vote, replacing any earlier one, if the rules allow it at
    `now`; say whether it was counted. Safe to run at the same time as any number of other attempts
    by the same person: one vote and one ballot each, whatever happens."""
    if role is None:
        return False
    values = {
        "board_id": board_id, "proposal_id": proposal_id, "choice_id": choice_id, "user_id": user_id,
        "role_pattern": f"%,{role.value},%", "now": now or utcnow(),
        "voter_key": voter_key(proposal_id, user_id), **helped_by(sign_in),
    }
    *before, vote = _vote_statements(session.get_bind().dialect.name)
    for statement in before:
        session.execute(statement, values)
    return session.execute(vote, values).first() is not None


def count_vote(board: Board, proposal_id: int, user: User, choice_id: int, sign_in: SignIn | None) -> bool:
    """The quick way in a meeting: count the vote if the rules allow it, without loading anything."""
    return record_vote(db.session, board_id=board.id, proposal_id=proposal_id, user_id=user.id,
                       role=user.role_on(board), choice_id=choice_id, sign_in=sign_in)


def cast_vote(proposal: Proposal, user: User, choice_id: int | None, sign_in: SignIn | None) -> Choice:
    """Check the vote (with a reason people can understand if it cannot count), then count it."""
    choice = check_vote(proposal, user, choice_id)
    if not count_vote(proposal.board, proposal.id, user, choice.id, sign_in):
        # Voting opened or closed between the check and the count.
        raise VoteRefused(_("Voting has just changed. Your vote was not counted. Please try again."))
    return choice


def my_choice(proposal: Proposal, user: User) -> Choice | None:
    """What this person chose - shown to them alone, also in a secret vote."""
    choice_id = db.session.scalar(select(Ballot.choice_id).where(
        Ballot.proposal_id == proposal.id, Ballot.voter_key == voter_key(proposal.id, user.id)))
    return next((c for c in proposal.choices if c.id == choice_id), None)


def my_vote(proposal: Proposal, user: User) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.proposal_id == proposal.id, Vote.user_id == user.id))


# ---- results ------------------------------------------------------------------------------------

@dataclass
class ChoiceResult:
    choice: Choice
    tablets: int
    room: int

    @property
    def total(self) -> int:
        return self.tablets + self.room


@dataclass
class Results:
    rows: list[ChoiceResult]
    voters: int

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def room_total(self) -> int:
        return sum(r.room for r in self.rows)

    def percent(self, row: ChoiceResult) -> int:
        return round(100 * row.total / self.total) if self.total else 0

    @property
    def winners(self) -> list[ChoiceResult]:
        best = max((r.total for r in self.rows), default=0)
        return [r for r in self.rows if r.total == best and best > 0]


def results(proposal: Proposal) -> Results:
    """Counted in SQL with GROUP BY; the number of rows read does not grow with votes."""
    tablets = dict(db.session.execute(
        select(Ballot.choice_id, func.count()).where(Ballot.proposal_id == proposal.id).group_by(Ballot.choice_id)
    ).all())
    room = dict(db.session.execute(
        select(RoomCount.choice_id, RoomCount.count).where(RoomCount.proposal_id == proposal.id)
    ).all())
    rows = [ChoiceResult(c, tablets.get(c.id, 0), room.get(c.id, 0)) for c in proposal.choices]
    return Results(rows=rows, voters=sum(tablets.values()))


def voters_page(proposal: Proposal, per_page: int, number: int | None = None) -> paging.Page:
    """One page of who voted, by name (never how, in a secret vote): (person, vote) pairs. Two
    statements, however many voted: how many (counted in SQL), then the page."""
    total = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.proposal_id == proposal.id)) or 0
    return paging.page_from(
        select(User, Vote).join(Vote, Vote.user_id == User.id).where(Vote.proposal_id == proposal.id)
        .order_by(User.name, User.id), total, per_page, number)


def set_room_counts(proposal: Proposal, counts: dict[int, int], *, by: User) -> None:
    for choice in proposal.choices:
        upsert(db.session, RoomCount,
               {"proposal_id": proposal.id, "choice_id": choice.id, "count": counts.get(choice.id, 0),
                "entered_by_id": by.id, "entered_dt": utcnow()},
               keys=("proposal_id", "choice_id"), update=("count", "entered_by_id", "entered_dt"))
    audit.record("proposal.room-count", target=proposal, board=proposal.board, actor=by,
                 detail=", ".join(f"{c.label}={counts.get(c.id, 0)}" for c in proposal.choices))
    db.session.flush()
