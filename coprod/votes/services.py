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

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from coprod import audit
from coprod.content.services import writer_language
from coprod.extensions import db
from coprod.models.auth import helped_by
from coprod.models import (Ballot, Board, Choice, Proposal, ProposalState, Role, RoomCount, SignIn,
                           User, Vote, utcnow)

DEFAULT_CHOICES = [("yes", "yes"), ("no", "no"), ("not sure", "question")]


class VoteRefused(Exception):
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


def proposals_on(board: Board) -> list[Proposal]:
    return list(db.session.scalars(
        select(Proposal).where(Proposal.board_id == board.id)
        .options(selectinload(Proposal.choices)).order_by(Proposal.created_dt.desc())
    ))


@functools.cache
def _proposal_query():
    # Built once and reused: every vote in a meeting's burst runs it, and building a statement (and
    # its cache key) each time cost more CPU than running it.
    return (select(Proposal).where(Proposal.id == bindparam("id"), Proposal.board_id == bindparam("board_id"))
            .options(joinedload(Proposal.choices)))


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
def _upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], update: tuple[str, ...]):
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET each `update` column to the new row's value.
    Built once per table and run with the values as parameters (Core, not the ORM's bulk path)."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(index_elements=list(keys), set_={c: insert.excluded[c] for c in update})


def _upsert(session: Session, model, values: dict, keys: tuple[str, ...], update: tuple[str, ...]):
    statement = _upsert_statement(session.get_bind().dialect.name, model.__table__, keys, update)
    return session.execute(statement, values)


@functools.cache
def _vote_statements(dialect: str) -> tuple:
    """The ballot's upsert and the vote's, with shared parameters (see record_vote).

    On PostgreSQL both go in one statement, the ballot's as a data-modifying WITH (PostgreSQL runs
    it even though nothing reads it): one round trip fewer per vote in a meeting's burst. SQLite
    cannot do that, so there they are two statements in the same transaction."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ballot = insert(Ballot.__table__).values(
        proposal_id=bindparam("proposal_id"), voter_key=bindparam("voter_key"), choice_id=bindparam("choice_id"),
        updated_dt=bindparam("now"))
    ballot = ballot.on_conflict_do_update(
        index_elements=["proposal_id", "voter_key"],
        set_={"choice_id": ballot.excluded.choice_id, "updated_dt": ballot.excluded.updated_dt})
    vote = insert(Vote.__table__).values(
        proposal_id=bindparam("proposal_id"), user_id=bindparam("user_id"),
        open_choice_id=bindparam("open_choice_id"), helper_id=bindparam("helper_id"),
        helper_name=bindparam("helper_name"), cast_dt=bindparam("now"), updated_dt=bindparam("now"))
    # cast_dt is left as it was: when the person first voted.
    vote = vote.on_conflict_do_update(
        index_elements=["proposal_id", "user_id"],
        set_={c: vote.excluded[c] for c in ("open_choice_id", "helper_id", "helper_name", "updated_dt")})
    if dialect == "postgresql":
        return (vote.add_cte(ballot.cte("ballot_upsert")),)
    return ballot, vote


def record_vote(session: Session, proposal: Proposal, user: User, choice: Choice,
                sign_in: SignIn | None) -> None:
    """Count `choice` as this person's vote, replacing any earlier one. Safe to run at the same time
    as any number of other attempts by the same person."""
    values = {
        "proposal_id": proposal.id, "now": utcnow(), "choice_id": choice.id,
        "voter_key": voter_key(proposal.id, user.id), "user_id": user.id,
        "open_choice_id": None if proposal.is_secret else choice.id,
        **helped_by(sign_in),
    }
    for statement in _vote_statements(session.get_bind().dialect.name):
        session.execute(statement, values)


def cast_vote(proposal: Proposal, user: User, choice_id: int | None, sign_in: SignIn | None) -> Choice:
    choice = check_vote(proposal, user, choice_id)
    record_vote(db.session, proposal, user, choice, sign_in)
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


def voters_of(proposal: Proposal) -> list[tuple[User, Vote]]:
    """Who voted (never how, in a secret vote)."""
    return [(user, vote) for user, vote in db.session.execute(
        select(User, Vote).join(Vote, Vote.user_id == User.id).where(Vote.proposal_id == proposal.id)
        .order_by(User.name)
    )]


def set_room_counts(proposal: Proposal, counts: dict[int, int], *, by: User) -> None:
    for choice in proposal.choices:
        _upsert(db.session, RoomCount,
                {"proposal_id": proposal.id, "choice_id": choice.id, "count": counts.get(choice.id, 0),
                 "entered_by_id": by.id, "entered_dt": utcnow()},
                ("proposal_id", "choice_id"), ("count", "entered_by_id", "entered_dt"))
    audit.record("proposal.room-count", target=proposal, board=proposal.board, actor=by,
                 detail=", ".join(f"{c.label}={counts.get(c.id, 0)}" for c in proposal.choices))
    db.session.flush()
