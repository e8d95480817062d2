"""The synthetic national data set (`coprod national-data`, coprod/national.py): its tiny scale makes
exactly the rows it says, keeps every rule of the schema and the app, and the pages open on it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from conftest import sign_in
from coprod import national
from coprod.extensions import db as _db
from coprod.models import (Action, ActionStatus, Ballot, Board, Feedback, Feeling, Meeting, MeetingStatus, Membership,
                           Proposal, Question, QuestionStatus, Record, Role, User, Vote)
from coprod.votes.services import voter_key


@pytest.fixture
def tiny(app):
    with app.test_request_context():
        counts = national.make("tiny")
        _db.session.commit()
    return counts


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_tiny_scale_makes_what_it_says(tiny, db):
    scale = national.SCALES["tiny"]
    expected = {Board: scale.boards, User: scale.people, Meeting: scale.meetings, Question: scale.questions,
                Proposal: scale.proposals, Vote: scale.votes, Ballot: scale.votes, Record: scale.records,
                Action: scale.actions}
    assert {model.__name__: _count(db, model) for model in expected} == \
        {model.__name__: number for model, number in expected.items()}
    assert tiny.votes == scale.votes and tiny.actions == scale.actions


def test_the_shapes_are_real_ones(tiny, db, app):
    today = national.utcnow().date()
    actions = db.scalars(select(Action))
    due = [action for action in actions if action.due_date < today]
    done = [action for action in due if action.status == ActionStatus.DONE]
    assert len(done) > len(due) * 0.6, "most actions that are due are done"
    assert any(action.is_late(today) for action in actions), "some actions are late"
    assert db.scalar(select(func.count()).select_from(Feedback).where(Feedback.feeling == Feeling.NOT_HAPPY))
    # Each board has a meeting with its agenda out, one taking questions with a queue, and past ones.
    for board in db.scalars(select(Board)):
        statuses = db.scalars(select(Meeting.status).where(Meeting.board_id == board.id))
        assert {MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.TAKING_QUESTIONS, MeetingStatus.HELD} <= set(statuses)
    assert db.scalar(select(func.count()).select_from(Question).where(Question.status == QuestionStatus.SENT))
    # Every vote is by someone who may vote on that board, and its ballot is under the app's own key.
    with app.app_context():
        rows = _db.session.execute(
            select(Vote.proposal_id, Vote.user_id, Membership.role)
            .join(Proposal, Proposal.id == Vote.proposal_id)
            .join(Membership, (Membership.board_id == Proposal.board_id) & (Membership.user_id == Vote.user_id))).all()
        keys = set(_db.session.execute(select(Ballot.proposal_id, Ballot.voter_key)).all())
        assert len(rows) == national.SCALES["tiny"].votes
        assert {role for _p, _u, role in rows} <= {Role.MEMBER, Role.CARER}
        assert {(proposal_id, voter_key(proposal_id, user_id)) for proposal_id, user_id, _role in rows} == keys


def test_it_is_made_once_unless_reset(tiny, app):
    with app.test_request_context():
        with pytest.raises(ValueError, match="--reset"):
            national.make("tiny")
        _db.session.rollback()


def test_the_pages_open_on_it(tiny, db, factory, make_client):
    board = db.scalar(select(Board).order_by(Board.id).limit(1))
    coming = db.scalar(select(Meeting).where(Meeting.board_id == board.id,
                                             Meeting.status == MeetingStatus.AGENDA_PUBLISHED))
    asking = db.scalar(select(Meeting).where(Meeting.board_id == board.id,
                                             Meeting.status == MeetingStatus.TAKING_QUESTIONS))
    proposal = db.scalar(select(Proposal).where(Proposal.board_id == board.id).order_by(Proposal.id.desc()).limit(1))

    def person(role):
        return db.scalar(select(User).join(Membership).where(Membership.board_id == board.id, Membership.role == role)
                         .order_by(User.id).limit(1))

    base = f"/boards/{board.slug}"
    public = make_client()
    member = sign_in(make_client(), factory, person(Role.MEMBER))
    secretary = sign_in(make_client(), factory, person(Role.SECRETARY))
    pages = [
        (member, f"{base}/meetings/next"), (member, f"{base}/meetings/{coming.id}"),
        (public, f"{base}/meetings/{coming.id}/pack"), (public, f"{base}/said-did"),
        (public, f"{base}/said-did/dashboard"), (public, f"{base}/said-did/records.csv"),
        (public, f"{base}/said-did/records.json"), (member, f"{base}/meetings/{coming.id}/questions"),
        (secretary, f"{base}/meetings/{asking.id}/questions/manage"), (secretary, f"{base}/proposals/{proposal.id}"),
        (member, f"{base}/votes/{proposal.id}"), (secretary, f"{base}/meetings/{coming.id}/manage"),
    ]
    answers = {path: client.get(path).status_code for client, path in pages}
    assert answers == {path: 200 for _client, path in pages}


def test_split_shares_exactly_within_caps():
    assert national.split(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(national.split(1_000, [1 / (n + 1) ** 0.5 for n in range(150)], least=1)) == 1_000
    assert national.split(10, [5, 1], caps=[3, 100]) == [3, 7]
    with pytest.raises(ValueError):
        national.split(10, [1, 1], caps=[3, 3])


def _came_back_by_loading_everything(meeting, today):
    """What came back to the board, worked out as it was before it was selected in SQL: every
    published record and action of the board read, then sifted in Python (the reference)."""
    from conftest import all_published_records

    records = {r.id: r for r in all_published_records(meeting.board)}
    item_ids = {item.id for item in meeting.items}
    found = {}
    for record in records.values():
        late = [a.id for a in record.actions if a.is_late(today)]
        if late:
            found[record.id] = {"not_happy": 0, "comments": [], "spoken": [], "late": late}
    for feedback in _db.session.scalars(select(Feedback).where(Feedback.record_id.in_(list(records)),
                                                               Feedback.feeling == Feeling.NOT_HAPPY)
                                        .order_by(Feedback.id)):
        record = records[feedback.record_id]
        if record.came_back_dt is not None and record.came_back_item_id not in item_ids \
                and feedback.updated_dt <= record.came_back_dt:
            continue
        entry = found.setdefault(record.id, {"not_happy": 0, "comments": [], "spoken": [], "late": []})
        entry["not_happy"] += 1
        if feedback.comment.strip():
            entry["comments"].append(feedback.comment)
        if feedback.audio_name:
            entry["spoken"].append(feedback.id)
    for record_id, entry in found.items():
        entry["on_this_agenda"] = records[record_id].came_back_item_id in item_ids
    # The most overdue first (the oldest due date of a late action), then the most "Not happy", then the newest.
    newest = sorted(found.items(), key=lambda pair: (records[pair[0]].published_dt, pair[0]), reverse=True)
    due = {a.id: a.due_date for r in records.values() for a in r.actions}
    return sorted(newest, key=lambda pair: (not pair[1]["late"], min((due[a] for a in pair[1]["late"]), default=None)
                                            or today, -pair[1]["not_happy"]))


def test_came_back_selected_in_sql_is_what_loading_everything_finds(app):
    """On the national shapes (several boards, records brought back before, late actions, "Not happy"
    answers with and without comments), the agenda's "came back" list is the same as the reference."""
    from sqlalchemy.orm import joinedload, selectinload

    from coprod.follow.queries import came_back_of, came_back_page
    from coprod.models import Record

    with app.test_request_context():
        national.make("tiny", seed=7)
        # Some answers with words and recordings, and a record brought back before some of them.
        unhappy = list(_db.session.scalars(select(Feedback).order_by(Feedback.id).limit(6)))
        assert len(unhappy) == 6
        for feedback in unhappy:
            feedback.feeling = Feeling.NOT_HAPPY
        unhappy[0].comment, unhappy[1].audio_name = "The letter never came.", "x.mp3"
        brought = _db.session.get(Record, unhappy[2].record_id)
        brought.came_back_dt = unhappy[2].updated_dt + national.timedelta(days=1)
        _db.session.commit()
        today = national.utcnow().date()
        compared = 0
        for meeting in _db.session.scalars(select(Meeting).options(joinedload(Meeting.board),
                                                                   selectinload(Meeting.items))):
            def shown(entry):
                return (entry.record.id, {"not_happy": entry.not_happy, "comments": entry.comments,
                                          "spoken": entry.spoken, "late": [a.id for a in entry.late],
                                          "on_this_agenda": entry.on_this_agenda})
            wanted = _came_back_by_loading_everything(meeting, today)
            found, number = [], 1
            while True:  # page by page, 4 at a time: every one once, in order
                page = came_back_page(meeting, today, 4, number)
                assert page.total == len(wanted)
                found += [shown(entry) for entry in page.items]
                if number >= page.pages:
                    break
                number += 1
            assert found == wanted
            # One record at a time (the secretary's "Add as an agenda item"): the same, or None.
            for record_id, entry in wanted[:3]:
                assert shown(came_back_of(meeting, _db.session.get(Record, record_id), today)) == (record_id, entry)
            compared += len(found)
        assert compared


def _answered_days_by_subquery(board):
    """The dashboard's answer times as they were worked out before (a subquery per question): the reference."""
    from sqlalchemy import or_

    from coprod.models import RecordQuestion, RecordStatus

    published = select(Record.id, Record.published_dt).where(
        Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED).subquery()
    answer = (select(func.min(published.c.published_dt))
              .join(RecordQuestion, RecordQuestion.record_id == published.c.id)
              .where(or_(RecordQuestion.question_id == Question.id, RecordQuestion.question_id == Question.joined_to_id))
              .correlate(Question).scalar_subquery())
    sent = answered = 0
    days = []
    for sent_dt, status, status_dt, answered_dt in _db.session.execute(
            select(Question.sent_dt, Question.status, Question.status_dt, answer)
            .where(Question.board_id == board.id, Question.status != QuestionStatus.DRAFT,
                   Question.sent_dt.is_not(None))):
        sent += 1
        when = answered_dt or (status_dt if status == QuestionStatus.ANSWERED else None)
        if when is not None:
            answered += 1
            days.append(max((when - sent_dt).total_seconds() / 86400, 0))
    import statistics

    return sent, answered, round(statistics.median(days)) if days else None


def _action_kinds_by_loading_every_action(board, today):
    """The dashboard's action numbers as they were worked out before (every action read into Python)."""
    from coprod.models import Action, ActionStatus, RecordStatus

    found = dict.fromkeys(("on_time", "done_late", "late", "on_track", "could_not_do"), 0)
    for status, due, finished in _db.session.execute(
            select(Action.status, Action.due_date, Action.finished_date).join(Record, Record.id == Action.record_id)
            .where(Action.board_id == board.id, Record.status == RecordStatus.PUBLISHED, Action.removed_dt.is_(None))):
        if status == ActionStatus.DONE:
            found["on_time" if finished is None or finished <= due else "done_late"] += 1
        elif status == ActionStatus.COULD_NOT_DO:
            found["could_not_do"] += 1
        else:
            found["late" if due < today else "on_track"] += 1
    return found


def test_the_dashboard_answer_times_are_what_a_subquery_per_question_finds(app):
    from coprod.follow.queries import dashboard

    with app.test_request_context():
        national.make("tiny", seed=3)
        _db.session.commit()
        today = national.utcnow().date()
        for board in _db.session.scalars(select(Board)):
            found = dashboard(board, today)
            assert (found.questions_sent, found.questions_answered, found.median_days) == \
                _answered_days_by_subquery(board)
            assert found.questions_answered
            # The actions' numbers, counted in SQL, are what reading every action finds.
            assert found.actions == _action_kinds_by_loading_every_action(board, today)
            assert found.actions["late"] and found.actions["on_time"]
