"""One commit per request, refusals handled one way, and side effects only after the commit.

Everything goes through HTTP, as a person (or a browser) would use the site; emails go to a real
SMTP server on loopback and jobs to the real (SQLite) queue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from coprod.models import (AgendaItem, AuditEvent, Board, Group, LoginAttempt, Meeting, MeetingStatus, Question,
                           QuestionStatus, Role, utcnow)
from coprod.questions.services import QuestionRefused
from coprod.tasks import huey

BOARD = "/boards/riverside-ld"
SORRY = "Sorry. Something went wrong on our side."


# `smtp_inbox` (a real SMTP server on loopback) is in conftest.py.


@pytest.fixture
def question_waiting(factory, db, signed_in):
    """Margaret (with an email address) sent a question; Helen, the secretary, is signed in."""
    board = factory.board()
    helen = factory.person("Helen Carter", board=board, role=Role.SECRETARY)
    margaret = factory.person("Margaret Jones", board=board, role=Role.CARER, email="margaret@example.org")
    with db.context() as session:
        meeting = Meeting(board_id=board.id, title="Board meeting in spring", starts_dt=utcnow() + timedelta(days=30),
                          place="Riverside Library", status=MeetingStatus.TAKING_QUESTIONS)
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, position=0, title="Short breaks for families")
        question = Question(board_id=board.id, meeting_id=meeting.id, asker_id=margaret.id,
                            text="When will the short breaks open again?", status=QuestionStatus.SENT,
                            sent_dt=utcnow())
        session.add_all([item, question])
        session.flush()
        ids = {"item": item.id, "question": question.id}
    return ids, signed_in(helen)


def _place(office, ids, **kwargs):
    """Put the question on the agenda: the service changes it and emails Margaret (via the outbox)."""
    data = {"item": str(ids["item"]), "csrf_token": office.csrf()}
    return office.post(f"{BOARD}/questions/{ids['question']}/place", data, **kwargs)


def _untouched(db, ids) -> bool:
    question = db.get(Question, ids["question"])
    return (question.status == QuestionStatus.SENT and question.agenda_item_id is None
            and db.scalar(select(AuditEvent).where(AuditEvent.action == "question.place")) is None)


class FailingCommit:
    """Every commit fails while this is on (as when the database goes away at the last moment)."""

    @staticmethod
    def _fail(session):
        raise RuntimeError("the database went away")

    def on(self) -> None:
        event.listen(Session, "before_commit", self._fail)

    def off(self) -> None:
        if event.contains(Session, "before_commit", self._fail):
            event.remove(Session, "before_commit", self._fail)


@pytest.fixture
def failing_commit():
    switch = FailingCommit()
    yield switch
    switch.off()


# ---- emails only after the commit ---------------------------------------------------------------

def test_an_email_is_sent_after_a_change_is_saved(question_waiting, db, smtp_inbox):
    ids, office = question_waiting
    response = _place(office, ids)
    assert response.status_code == 302
    assert db.get(Question, ids["question"]).status == QuestionStatus.ON_AGENDA
    assert [to for to, _message in smtp_inbox.messages] == [["margaret@example.org"]]
    assert "News about your question" in smtp_inbox.messages[0][1]


def test_no_email_about_a_change_whose_commit_failed(question_waiting, db, smtp_inbox, failing_commit):
    ids, office = question_waiting
    token = office.csrf()
    failing_commit.on()
    response = office.post(f"{BOARD}/questions/{ids['question']}/place",
                           {"item": str(ids["item"]), "csrf_token": token})
    assert response.status_code == 500 and SORRY in response.get_data(as_text=True)
    assert "Location" not in response.headers
    assert "Content-Security-Policy" in response.headers, "the security headers stay"
    assert smtp_inbox.messages == [], "Margaret is never told about a change that was not saved"


def test_the_failed_commit_leaves_nothing_and_says_nothing_was_saved(question_waiting, db, failing_commit):
    ids, office = question_waiting
    token = office.csrf()
    failing_commit.on()
    office.post(f"{BOARD}/questions/{ids['question']}/place", {"item": str(ids["item"]), "csrf_token": token})
    failing_commit.off()
    assert _untouched(db, ids)
    page = office.get(f"{BOARD}/questions/{ids['question']}/moderate").get_data(as_text=True)
    assert "The question is on the agenda." not in page, "no message says it was saved"


def test_a_view_that_fails_after_the_change_leaves_nothing_and_sends_nothing(question_waiting, db, smtp_inbox,
                                                                            monkeypatch):
    ids, office = question_waiting

    def broken(question, message):
        raise RuntimeError("a bug after the change")

    monkeypatch.setattr("coprod.questions.views._done", broken)
    response = _place(office, ids)
    assert response.status_code == 500 and SORRY in response.get_data(as_text=True)
    assert _untouched(db, ids)
    assert smtp_inbox.messages == []


def test_a_refusal_after_the_change_undoes_it_says_why_and_sends_nothing(question_waiting, db, smtp_inbox,
                                                                        monkeypatch):
    ids, office = question_waiting
    moderate = f"{BOARD}/questions/{ids['question']}/moderate"

    def refused(question, message):  # a rule that says no only after the question was changed
        raise QuestionRefused("Someone else changed this question. Look at it again.")

    monkeypatch.setattr("coprod.questions.views._done", refused)
    response = _place(office, ids, headers={"Referer": f"http://localhost{moderate}"})
    assert response.status_code == 302 and response.location.endswith(moderate), "back to the page with the button"
    assert "Someone else changed this question. Look at it again." in office.get(response.location).get_data(
        as_text=True)
    assert _untouched(db, ids)
    assert smtp_inbox.messages == []


def test_a_refused_button_without_a_page_before_goes_home(question_waiting, db, monkeypatch):
    ids, office = question_waiting
    def refused(question, message):
        raise QuestionRefused("No.")

    monkeypatch.setattr("coprod.questions.views._done", refused)
    response = _place(office, ids, headers={"Referer": "http://elsewhere.example/page"})
    assert response.status_code == 302 and response.location == "/"
    assert _untouched(db, ids)


# ---- a refused form: nothing half-done ----------------------------------------------------------

def test_a_form_refused_half_way_keeps_nothing_and_says_why_next_to_the_field(factory, signed_in, db, monkeypatch):
    from coprod.boards.services import NotAllowed

    board = factory.board()
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))

    def refuse(*args, **kwargs):  # the group row is already flushed when this says no
        raise NotAllowed("There is already a group with this name on this board.")

    monkeypatch.setattr("coprod.audit.record", refuse)
    response = office.post(f"{BOARD}/groups", {"name": "Riverside People First"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="name-error"[^>]*>.*There is already a group with this name', page, re.S), \
        "the message is next to the field"
    assert 'value="Riverside People First"' in page, "what was typed is kept"
    assert db.scalar(select(Group)) is None


# ---- keep_changes: failed sign-ins count although the answer is an error -----------------------

def test_failed_card_sign_ins_are_counted_although_the_answer_is_not_found(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "THROTTLE_PER_ADDRESS", 3)
    for _attempt in range(3):
        assert client.post("/card/not-a-real-card").status_code == 404
    assert len(db.scalars(select(LoginAttempt))) == 3
    assert client.post("/card/not-a-real-card").status_code == 429, "the throttle holds"


# ---- jobs: after the commit too ------------------------------------------------------------------

@pytest.fixture
def queue(app, tmp_path, monkeypatch):
    """A real (SQLite) queue, not immediate mode, and audio in a fresh folder."""
    monkeypatch.setitem(app.config, "AUDIO_DIR", str(tmp_path / "audio"))
    monkeypatch.setitem(app.config, "AUDIO_ENGINE", "fake")
    huey.immediate = False
    huey.flush()
    try:
        yield lambda: [task.name for task in huey.pending()]
    finally:
        huey.flush()
        huey.immediate = True


def test_a_new_boards_audio_is_asked_for_only_once_it_is_saved(factory, signed_in, db, queue, failing_commit):
    admin = signed_in(factory.person("Ann Admin", is_admin=True))
    data = {"name": "Carers' Forum", "slug": "carers", "about": "For carers.", "csrf_token": admin.csrf()}
    huey.flush()
    failing_commit.on()
    assert admin.post("/admin/boards/new", data).status_code == 500
    assert queue() == [], "no job for a board that was not saved"
    failing_commit.off()

    assert db.scalar(select(Board).where(Board.slug == "carers")) is None
    data["csrf_token"] = admin.csrf()
    huey.flush()
    assert admin.post("/admin/boards/new", data).status_code == 302
    assert queue() == ["prepare_page_audio"]


def test_an_error_page_still_asks_for_its_listen_audio(client, queue):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "make_audio_clip" in queue(), "the job does not depend on the request's changes: sent anyway"
