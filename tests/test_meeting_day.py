"""Ready for a real meeting (issue 14): questions open and close by the deadline whatever else the
secretary does, stopping them early is its own checked step, a meeting moved back a step is never
hidden, the secretary's "to do", private questions kept out of public counts, and "My questions"
newest first by meeting with drafts that can be thrown away. All through HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coprod.models import AuditEvent, Meeting, MeetingStatus, Question, QuestionStatus, utcnow
from tests import test_questions
from tests.test_questions import ask

meeting_setup = test_questions.meeting_setup  # the same board, meeting and people as the question tests

BOARD = "/boards/riverside-ld"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _status(client, meeting_id: int, status: str):
    response = client.post(f"{BOARD}/meetings/{meeting_id}/status", {"status": status})
    assert response.status_code == 302, _text(response)[:2000]
    return response


def test_publishing_the_agenda_does_not_close_questions(meeting_setup, db):
    ids, people, clients = meeting_setup
    helen, sam = clients["helen"], clients["sam"]
    _status(helen, ids["meeting"], "agenda_published")
    assert db.get(Meeting, ids["meeting"]).status == MeetingStatus.AGENDA_PUBLISHED

    # /ask still offers the meeting, and a question can be sent all the way through.
    ask_page = _text(sam.get(f"{BOARD}/ask"))
    assert "No meeting is taking questions now." not in ask_page
    assert "Board meeting in spring" in ask_page
    ask(sam, ids, about=f"item-{ids['item1']}", text="Can the short breaks house open at weekends?")

    # Every page that talks about the meeting says the same: send questions by the deadline.
    deadline_words = "Send your questions by"
    next_page = _text(sam.get(f"{BOARD}/meetings/next"))
    assert deadline_words in next_page and f"{BOARD}/ask" in next_page
    meeting_page = _text(sam.get(f"{BOARD}/meetings/{ids['meeting']}"))
    assert deadline_words in meeting_page and "You can send questions for this meeting now." in meeting_page
    questions_page = _text(sam.get(f"{BOARD}/meetings/{ids['meeting']}/questions"))
    assert f"{BOARD}/ask" in questions_page


def test_the_deadline_closes_questions_on_every_page(meeting_setup, db):
    ids, people, clients = meeting_setup
    sam = clients["sam"]
    _status(clients["helen"], ids["meeting"], "agenda_published")
    with db.context() as session:
        session.get(Meeting, ids["meeting"]).question_deadline_dt = utcnow() - timedelta(minutes=1)
        session.commit()
    assert "No meeting is taking questions now." in _text(sam.get(f"{BOARD}/ask"))
    next_page = _text(sam.get(f"{BOARD}/meetings/next"))
    assert "The time to send questions has passed." in next_page
    assert "Send your questions by" not in next_page
    assert "You can send questions for this meeting now." not in _text(sam.get(f"{BOARD}/meetings/{ids['meeting']}"))


def test_moving_a_meeting_back_a_step_never_hides_it(meeting_setup, db):
    ids, people, clients = meeting_setup
    helen, sam = clients["helen"], clients["sam"]
    _status(helen, ids["meeting"], "agenda_published")
    page = f"{BOARD}/meetings/{ids['meeting']}"
    assert sam.get(page).status_code == 200
    _status(helen, ids["meeting"], "taking_questions")
    response = sam.get(page)
    assert response.status_code == 200  # it was a 404
    assert "The secretary is changing this agenda." in _text(response)
    assert "Short breaks for families" in _text(response)
    assert page in _text(sam.get(f"{BOARD}/meetings"))
    assert f"{page}\"" in _text(sam.get(f"{BOARD}/meetings/next"))  # "Read the agenda"
    # Anybody, signed in or not, who kept the link still gets the page and its pack.
    assert sam.get(f"{page}/pack").status_code == 200


def test_stopping_questions_early_is_its_own_checked_step(meeting_setup, db, make_client):
    ids, people, clients = meeting_setup
    helen, sam, margaret = clients["helen"], clients["sam"], clients["margaret"]
    first = ask(sam, ids, about=f"item-{ids['item1']}", text="Can the buses run later?")
    ask(margaret, ids, about=f"item-{ids['item2']}", text="Can my son get a job coach?")
    # One of them is private (safeguarding): still counted for the secretary.
    assert helen.post(f"{BOARD}/questions/{first}/private", {"note": "Talk to Sam"}).status_code == 302

    manage = _text(helen.get(f"{BOARD}/meetings/{ids['meeting']}/manage"))
    stop = f"{BOARD}/meetings/{ids['meeting']}/stop-questions"
    assert stop in manage and "People can send questions now." in manage
    check = helen.get(stop)
    assert check.status_code == 200
    check_text = _text(check)
    assert "2 questions are still waiting for you." in check_text
    assert "1 of them is private." in check_text
    assert "<script" not in check_text.split("<main", 1)[1].split("</main>", 1)[0]  # no JavaScript needed
    assert db.get(Meeting, ids["meeting"]).questions_stopped_dt is None  # looking changes nothing

    # Without the form's key nothing happens; members cannot do it.
    assert helen.post(stop, {}, csrf=False).status_code == 400
    assert sam.post(stop).status_code in (403, 404)
    assert db.get(Meeting, ids["meeting"]).questions_stopped_dt is None

    response = helen.post(stop)
    assert response.status_code == 302
    assert db.get(Meeting, ids["meeting"]).questions_stopped_dt is not None
    assert "No meeting is taking questions now." in _text(sam.get(f"{BOARD}/ask"))
    assert "The secretary stopped taking questions for this meeting." in _text(sam.get(f"{BOARD}/meetings/next"))
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.stop-questions")) is not None
    # A question started before the stop cannot be sent after it; the words are kept.
    with db.context() as session:
        assert session.scalar(select(Question).where(Question.id == first)).status == QuestionStatus.SENT

    # Undone: questions open again until the deadline.
    response = helen.post(f"{BOARD}/meetings/{ids['meeting']}/reopen-questions")
    assert response.status_code == 302
    assert db.get(Meeting, ids["meeting"]).questions_stopped_dt is None
    assert "No meeting is taking questions now." not in _text(sam.get(f"{BOARD}/ask"))


def test_moving_to_taking_questions_opens_them_again(meeting_setup, db):
    ids, people, clients = meeting_setup
    helen = clients["helen"]
    assert helen.post(f"{BOARD}/meetings/{ids['meeting']}/stop-questions").status_code == 302
    _status(helen, ids["meeting"], "agenda_published")
    assert "No meeting is taking questions now." in _text(clients["sam"].get(f"{BOARD}/ask"))
    _status(helen, ids["meeting"], "taking_questions")
    assert "No meeting is taking questions now." not in _text(clients["sam"].get(f"{BOARD}/ask"))


def _plain(html: str) -> str:
    """The page's words with the markup taken out (and spaces made single)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_private_question_is_never_counted_publicly_and_has_its_own_section(meeting_setup, db):
    ids, people, clients = meeting_setup
    helen, sam, margaret = clients["helen"], clients["sam"], clients["margaret"]
    private = ask(sam, ids, about=f"item-{ids['item1']}", text="Someone at my house hurts me")
    ask(margaret, ids, about=f"item-{ids['item2']}", text="Can my son get a job coach?")
    assert helen.post(f"{BOARD}/questions/{private}/private", {"note": "Call Sam today"}).status_code == 302
    _status(helen, ids["meeting"], "agenda_published")

    for page in (f"{BOARD}/meetings/{ids['meeting']}", f"{BOARD}/meetings/{ids['meeting']}/pack",
                 f"{BOARD}/meetings/{ids['meeting']}/questions"):
        words = _plain(_text(margaret.get(page)))
        assert "1 question was sent." in words, page
        assert "1 is waiting for the secretary." in words, page
        assert "2 are waiting" not in words and "2 questions were sent" not in words

    queue = _text(helen.get(f"{BOARD}/meetings/{ids['meeting']}/questions/manage"))
    new_questions = queue.split("New questions", 1)[1].split("Private questions to look at", 1)[0]
    private_section = queue.split("Private questions to look at", 1)[1].split("Questions you have dealt with", 1)[0]
    assert "Someone at my house hurts me" not in new_questions
    assert "Can my son get a job coach?" in new_questions
    assert "Someone at my house hurts me" in private_section
    manage = _plain(_text(helen.get(f"{BOARD}/meetings/{ids['meeting']}/manage")))
    assert "1 new question. 1 private question." in manage


def test_the_secretarys_to_do_counts_and_links(meeting_setup, db, cast):
    from coprod.models import Proposal
    from coprod.models.follow import Action, Feedback, Feeling, Record, RecordStatus

    ids, people, clients = meeting_setup
    helen, sam, margaret = clients["helen"], clients["sam"], clients["margaret"]
    ask(sam, ids, about=f"item-{ids['item1']}", text="Can the buses run later?")
    ask(margaret, ids, about=f"item-{ids['item2']}", text="Can my son get a job coach?")
    private = ask(clients["jo"], ids, about=f"item-{ids['item2']}", text="I do not feel safe")
    assert helen.post(f"{BOARD}/questions/{private}/private", {"note": "Call Jo"}).status_code == 302
    now = utcnow()
    with db.context() as session:
        record = Record(board_id=cast.board.id, title="Job coaches", status=RecordStatus.PUBLISHED, published_dt=now)
        draft = Record(board_id=cast.board.id, title="A draft", status=RecordStatus.DRAFT)
        session.add_all([record, draft])
        session.flush()
        session.add_all([
            Action(record_id=record.id, board_id=cast.board.id, what="Hire two job coaches", who_name="David",
                   who_organisation="Council", due_date=(now - timedelta(days=10)).date()),
            Action(record_id=record.id, board_id=cast.board.id, what="Tell the board", who_name="David",
                   who_organisation="Council", due_date=(now + timedelta(days=10)).date()),
            Action(record_id=draft.id, board_id=cast.board.id, what="Not public yet", who_name="David",
                   who_organisation="Council", due_date=(now - timedelta(days=10)).date()),
            Feedback(record_id=record.id, user_id=people["sam"].id, feeling=Feeling.NOT_HAPPY),
            Feedback(record_id=record.id, user_id=people["margaret"].id, feeling=Feeling.HAPPY),
            Proposal(board_id=cast.board.id, title="Open by hand"),
            Proposal(board_id=cast.board.id, title="Open now", opened_dt=now - timedelta(hours=1)),
            Proposal(board_id=cast.board.id, title="Closed", opened_dt=now - timedelta(days=2),
                     closed_dt=now - timedelta(days=1)),
        ])
        session.commit()

    queue = f"{BOARD}/meetings/{ids['meeting']}/questions/manage"
    for page in ("/", BOARD):
        html = _text(helen.get(page))
        words = _plain(html)
        assert "To do: Riverside Learning Disability Partnership Board" in words, page
        assert "2 questions are waiting." in words
        assert "1 private question to look at." in words
        assert "1 person is not happy with an answer." in words
        assert "1 action is late." in words
        assert "2 votes to open or close." in words
        assert f'href="{queue}"' in html  # the queue, one click from here
        assert f'href="{queue}#private"' in html
        assert f'href="{BOARD}/said-did?status=late"' in html or "status=late" in html

    # Nobody else sees it: not members, not the public.
    for client in (sam, clients["margaret"]):
        assert "To do:" not in _text(client.get("/"))
        assert "To do:" not in _text(client.get(BOARD))
    # A new secretary finds the queue from the board page with no questions waiting too.
    with db.context() as session:
        for question in session.scalars(select(Question)):
            question.status = QuestionStatus.NOT_TAKEN
        session.commit()
    html = _text(helen.get(BOARD))
    assert "No new questions are waiting." in _plain(html)
    assert "0 questions are waiting." not in _plain(html)
    assert f'href="{queue}"' in html


def test_my_questions_newest_first_by_meeting_and_drafts_can_be_thrown_away(meeting_setup, db, cast):
    ids, people, clients = meeting_setup
    sam = clients["sam"]
    now = utcnow()
    with db.context() as session:
        older = Meeting(board_id=cast.board.id, title="Board meeting in winter", starts_dt=now - timedelta(days=60),
                        place="Riverside Library", status=MeetingStatus.MINUTES_PUBLISHED)
        session.add(older)
        session.flush()
        # Sent long ago for an older meeting, but started (created) after the newer ones: the
        # page must not be ordered by when the rows were made.
        session.add(Question(board_id=cast.board.id, meeting_id=older.id, asker_id=people["sam"].id,
                             text="What about the old bus pass?", status=QuestionStatus.SENT,
                             sent_dt=now - timedelta(days=70), status_dt=now - timedelta(days=70),
                             created_dt=now + timedelta(minutes=5)))
        session.commit()
    first = ask(sam, ids, about=f"item-{ids['item1']}", text="First question about short breaks")
    with db.context() as session:  # sent a day earlier than the next one
        session.get(Question, first).sent_dt = now - timedelta(days=1)
        session.commit()
    ask(sam, ids, about=f"item-{ids['item2']}", text="Second question about jobs")
    # A draft started and left: it can be carried on or thrown away.
    response = sam.post(f"{BOARD}/ask", {"meeting": str(ids["meeting"])})
    draft = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    sam.post(f"{BOARD}/ask/{draft}/about", {"about": "topic-housing"})
    sam.post(f"{BOARD}/ask/{draft}/words", {"text": "Half a question about"}, content_type="multipart/form-data")

    page = _text(sam.get("/my-questions"))
    order = ["Board meeting in spring", "Half a question about", "Second question about jobs",
             "First question about short breaks", "Board meeting in winter", "What about the old bus pass?"]
    assert sorted(order, key=page.index) == order
    throw = f"{BOARD}/ask/{draft}/throw-away"
    assert throw in page and f"{BOARD}/ask/{draft}/check" in page

    # The check page says what goes; nothing happens until the button.
    check = sam.get(throw)
    assert check.status_code == 200 and "Half a question about" in _text(check)
    assert "<script" not in _text(check).split("<main", 1)[1].split("</main>", 1)[0]
    assert db.get(Question, draft) is not None
    # Only the person's own draft, with the form's key, never a sent question.
    assert clients["margaret"].get(throw).status_code == 404
    assert clients["margaret"].post(throw).status_code == 302  # the same answer as for a draft not there
    assert sam.post(throw, {}, csrf=False).status_code == 400
    assert db.get(Question, draft) is not None
    assert sam.post(f"{BOARD}/ask/{first}/throw-away").status_code == 302
    assert db.get(Question, first) is not None

    response = sam.post(throw)
    assert response.status_code == 302 and response.location.endswith("/my-questions")
    assert db.get(Question, draft) is None
    assert "Half a question about" not in _text(sam.get("/my-questions"))
    assert sam.get(throw).status_code == 404
    again = sam.post(throw)  # a second press: nothing there, said plainly
    assert again.status_code == 302 and again.location.endswith("/my-questions")
    assert "This question is not there any more." in _text(sam.get("/my-questions"))
