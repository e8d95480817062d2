"""One person, one vote, under 10,000 simultaneous attempts by 2,000 people (SQLite and PostgreSQL).

CONSUL let people vote twice (no unique constraint); Decidim had a race giving double endorsements.
Here every attempt runs in its own thread with its own database connection, at the same time."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session

from coprod.extensions import db as _db
from coprod.models import Ballot, Board, Choice, Membership, Proposal, Role, User, Vote, utcnow
from coprod.votes.services import record_vote

pytestmark = pytest.mark.slow  # 10,000 attempts in 24 threads

PEOPLE = 2_000
ATTEMPTS = 10_000
THREADS = 24


def _setup(app):
    with app.app_context():
        session = _db.session
        board = Board(slug="riverside-ld", name="Riverside")
        session.add(board)
        session.flush()
        proposal = Proposal(board_id=board.id, title="Should the board meet in the library?", opened_dt=utcnow(),
                            is_secret=True, voter_roles="member,carer")
        session.add(proposal)
        session.flush()
        session.add_all(Choice(proposal_id=proposal.id, position=i, label=label) for i, label in
                        enumerate(["Yes", "No", "Not sure"]))
        session.execute(insert(User), [{"name": f"Voter {i}", "is_admin": False, "text_size": "normal",
                                        "contrast": "normal", "created_dt": utcnow()} for i in range(PEOPLE)])
        user_ids = list(session.scalars(select(User.id).order_by(User.id)))
        session.execute(insert(Membership), [{"board_id": board.id, "user_id": uid, "role": Role.MEMBER,
                                              "created_dt": utcnow()} for uid in user_ids])
        session.commit()
        choice_ids = list(session.scalars(select(Choice.id).where(Choice.proposal_id == proposal.id)
                                          .order_by(Choice.position)))
        return proposal.id, choice_ids, user_ids


def test_ten_thousand_simultaneous_attempts_leave_one_vote_per_person(app):
    proposal_id, choice_ids, user_ids = _setup(app)
    rng = random.Random(2026)
    first = {uid: rng.choice(choice_ids) for uid in user_ids}
    changers = set(rng.sample(user_ids, PEOPLE // 5))
    final = {uid: (rng.choice([c for c in choice_ids if c != first[uid]]) if uid in changers else first[uid])
             for uid in user_ids}

    # Round one: everyone's first choice, twice each, all at once (4,000 attempts).
    # Round two: 6,000 more at once; the people changing their mind send their new choice.
    round_one = [(uid, first[uid]) for uid in user_ids for _ in range(2)]
    round_two = [(uid, final[uid]) for uid in user_ids for _ in range(3)]
    assert len(round_one) + len(round_two) == ATTEMPTS
    rng.shuffle(round_one)
    rng.shuffle(round_two)

    errors: list[BaseException] = []
    lock = threading.Lock()
    # A connection for every thread, so no attempt waits for the pool (that would hide a race).
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"], pool_size=THREADS, max_overflow=0, pool_timeout=120)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], **options)
    with app.app_context():
        board_id = _db.session.get(Proposal, proposal_id).board_id
    not_counted = []

    def attempt(item):
        uid, choice_id = item
        try:
            with app.app_context(), Session(engine) as session:
                if not record_vote(session, board_id=board_id, proposal_id=proposal_id, user_id=uid,
                                   role=Role.MEMBER, choice_id=choice_id, sign_in=None):
                    with lock:
                        not_counted.append(item)
                session.commit()
        except BaseException as error:  # noqa: BLE001 - every failure is counted, none hidden
            with lock:
                errors.append(error)

    for batch in (round_one, round_two):
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(attempt, batch))

    engine.dispose()
    assert errors == [], f"{len(errors)} errors, first: {errors[0]!r}"
    assert not_counted == []
    with app.app_context():
        session = _db.session
        assert session.scalar(select(func.count()).select_from(Vote)) == PEOPLE
        assert session.scalar(select(func.count()).select_from(Ballot)) == PEOPLE
        tallies = dict(session.execute(select(Ballot.choice_id, func.count()).group_by(Ballot.choice_id)).all())
        assert tallies == dict(Counter(final.values())), "every person's last choice is the one counted"
        secret_choices = session.scalar(select(func.count()).select_from(Vote).where(Vote.open_choice_id.isnot(None)))
        assert secret_choices == 0, "a secret vote never stores the choice beside the person"
