"""Ask (part two): questions before a meeting, typed or spoken, "me too", "My questions", and the
secretary's moderation, all through HTTP. Bad input, other boards, privacy and the audit log."""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from datetime import timedelta

import av
import pytest
from sqlalchemy import select

from coprod.models import (AgendaItem, AuditEvent, Group, GroupMember, Meeting, MeetingStatus, MeToo, Question,
                           QuestionStatus, Role, utcnow)

BOARD = "/boards/riverside-ld"


def _text(response) -> str:
    return response.get_data(as_text=True)


def wav_bytes(seconds: float = 2.0, rate: int = 16_000) -> bytes:
    """A real WAV file: a quiet tone, as a phone's voice recorder would make."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(i / 8))) for i in range(int(seconds * rate))))
    return out.getvalue()


def webm_bytes(seconds: float = 2.0) -> bytes:
    """WebM with Opus, which is what Chrome's and Firefox's MediaRecorder make."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.layout = "mono"
        samples = int(seconds * 48_000)
        pcm = b"".join(struct.pack("<h", int(3000 * math.sin(i / 8))) for i in range(samples))
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(pcm)
        frame.sample_rate = 48_000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


@pytest.fixture
def meeting_setup(cast, factory, db, signed_in):
    """The cast's board with a meeting taking questions and two agenda items, and more people who ask."""
    board = cast.board
    people = {
        "helen": cast.secretary,
        "sam": cast.member,
        "margaret": cast.carer,
        "priya": factory.person("Priya Shah", board=board),
        "jo": factory.person("Jo Evans", board=board),
        "alex": factory.person("Alex Brown", board=board),
    }
    with db.context() as session:
        group = Group(board_id=board.id, name="Riverside People First")
        session.add(group)
        session.flush()
        session.add(GroupMember(group_id=group.id, user_id=people["priya"].id, is_facilitator=True))
        now = utcnow()
        meeting = Meeting(board_id=board.id, title="Board meeting in spring", starts_dt=now + timedelta(days=30),
                          place="Riverside Library", question_deadline_dt=now + timedelta(days=20),
                          status=MeetingStatus.TAKING_QUESTIONS)
        session.add(meeting)
        session.flush()
        items = [AgendaItem(meeting_id=meeting.id, position=0, title="Short breaks for families", picture="family"),
                 AgendaItem(meeting_id=meeting.id, position=1, title="Jobs for people with a learning disability",
                            picture="job")]
        session.add_all(items)
        session.commit()
        ids = {"board": board.id, "meeting": meeting.id, "group": group.id, "item1": items[0].id, "item2": items[1].id}
    return ids, people, {name: signed_in(person) for name, person in people.items()}


def ask(client, ids, *, about, text="", recording=None, asker="me", show_name="yes") -> int:
    """Go through every page of asking, as a person would. Returns the question's id."""
    response = client.post(f"{BOARD}/ask", {"meeting": str(ids["meeting"])})
    assert response.status_code == 302, _text(response)[:1500]
    question_id = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    response = client.post(f"{BOARD}/ask/{question_id}/about", {"about": about})
    assert response.location.endswith(f"/ask/{question_id}/words"), _text(response)[:1500]
    data = {"text": text}
    if recording is not None:
        data["recording"] = (io.BytesIO(recording[1]), recording[0])
    response = client.post(f"{BOARD}/ask/{question_id}/words", data, content_type="multipart/form-data")
    assert response.location.endswith(f"/ask/{question_id}/who"), _text(response)[:3000]
    response = client.post(f"{BOARD}/ask/{question_id}/who", {"asker": asker, "show_name": show_name})
    assert response.location.endswith(f"/ask/{question_id}/check")
    page = _text(client.get(f"{BOARD}/ask/{question_id}/check"))
    assert "Check your question" in page
    if text:
        assert text in page  # read back before sending (and by the Listen button)
    response = client.post(f"{BOARD}/ask/{question_id}/send")
    assert response.location.endswith(f"/ask/{question_id}/sent"), _text(response)[:1500]
    sent = _text(client.get(response.location))
    assert "Your question is sent" in sent
    if text:
        assert text in sent  # the confirmation shows the question back
    return question_id


def test_the_whole_flow(meeting_setup, db, smtp_inbox, make_client):
    ids, people, clients = meeting_setup
    item1, item2 = f"item-{ids['item1']}", f"item-{ids['item2']}"

    # Two members and a group ask; one question is spoken.
    sam_q = ask(clients["sam"], ids, about=item1, text="When will the short breaks open again?")
    margaret_q = ask(clients["margaret"], ids, about=item1, recording=("my question.webm", webm_bytes()),
                     show_name="no")
    group_q = ask(clients["priya"], ids, about=item2, text="How many people got a paid job this year?",
                  asker=f"group-{ids['group']}")
    jo_q = ask(clients["jo"], ids, about="topic-money", text="Can the board pay my gas bill?")
    alex_q = ask(clients["alex"], ids, about="topic-safe", text="Someone at my house takes my money.")

    spoken = db.get(Question, margaret_q)
    assert spoken.audio_name and spoken.audio_seconds == 2 and spoken.text == ""
    assert db.get(Question, group_q).group_id == ids["group"]

    # The spoken question plays for the asker and the secretary, as MP3; for nobody else.
    played = clients["margaret"].get(f"{BOARD}/questions/{margaret_q}/recording")
    assert played.status_code == 200 and played.mimetype == "audio/mpeg"
    assert played.data[:3] == b"ID3" or played.data[0] == 0xFF
    assert clients["helen"].get(f"{BOARD}/questions/{margaret_q}/recording").status_code == 200
    assert clients["sam"].get(f"{BOARD}/questions/{margaret_q}/recording").status_code == 404

    # The secretary's queue: oldest first, with the spoken one marked.
    office = clients["helen"]
    queue = _text(office.get(f"{BOARD}/meetings/{ids['meeting']}/questions/manage"))
    assert queue.index("Sam Taylor") < queue.index("Margaret Jones") < queue.index("Priya Shah")
    assert "A spoken question." in queue

    # Write down what was said; put Sam's on the agenda; join Margaret's with it.
    assert office.post(f"{BOARD}/questions/{margaret_q}/wording",
                       {"transcript": "Are short breaks coming back? My son needs them.", "public_text": ""}
                       ).status_code == 302
    assert office.post(f"{BOARD}/questions/{sam_q}/place", {"item": str(ids["item1"])}).status_code == 302
    assert office.post(f"{BOARD}/questions/{group_q}/place", {"item": str(ids["item2"])}).status_code == 302

    # Others say "me too" (once each) before the join: Jo on Margaret's... which is not public yet.
    refused = clients["jo"].post(f"{BOARD}/questions/{margaret_q}/me-too")
    assert refused.status_code == 302
    assert "You cannot say" in _text(clients["jo"].get(refused.location))
    assert clients["jo"].post(f"{BOARD}/questions/{sam_q}/me-too").status_code == 302
    again = clients["jo"].post(f"{BOARD}/questions/{sam_q}/me-too")
    assert "You already said you want to ask this too" in _text(clients["jo"].get(again.location))
    own = clients["sam"].post(f"{BOARD}/questions/{sam_q}/me-too")
    assert "This is your own question" in _text(clients["sam"].get(own.location))
    assert clients["priya"].post(f"{BOARD}/questions/{group_q}/me-too").status_code == 302  # own: refused
    assert clients["alex"].post(f"{BOARD}/questions/{group_q}/me-too").status_code == 302

    # Joining with itself is refused in words; joining with Sam's works and carries credit over.
    itself = office.post(f"{BOARD}/questions/{margaret_q}/join", {"lead": str(margaret_q)})
    assert itself.status_code == 400 and "cannot be joined with itself" in _text(itself)
    assert office.post(f"{BOARD}/questions/{margaret_q}/join", {"lead": str(sam_q)}).status_code == 302

    # Decline Jo's with a common reason; Alex's is a safeguarding matter: private at once.
    assert office.post(f"{BOARD}/questions/{jo_q}/decline", {"reason": "personal", "own_reason": ""}).status_code == 302
    marked = office.post(f"{BOARD}/questions/{alex_q}/private", {"note": "Rang Alex. Told the safeguarding lead."})
    assert marked.status_code == 302
    assert "If someone is in danger now, call 999." in _text(office.get(marked.location))

    with db.context() as session:
        joined = session.get(Question, margaret_q)
        assert joined.status == QuestionStatus.JOINED and joined.joined_to_id == sam_q
        # Margaret counts on Sam's question now, with Jo: nobody twice, never the asker.
        me_toos = set(session.scalars(select(MeToo.user_id).where(MeToo.question_id == sam_q)))
        assert me_toos == {people["jo"].id, people["margaret"].id}
        assert session.get(Question, jo_q).reason.startswith("This is about one person.")
        assert session.get(Question, alex_q).private
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for step in ("question.send", "question.wording", "question.place", "question.join", "question.decline",
                 "question.private", "question.me-too"):
        assert step in actions, step

    # Margaret has an email address: she was told her question was joined.
    assert any("margaret@example.org" in to for to, _message in smtp_inbox.messages)

    # Publish the agenda; everyone sees the questions under the items, names only where allowed.
    assert office.post(f"{BOARD}/meetings/{ids['meeting']}/status",
                       {"status": "agenda_published"}).status_code == 302
    agenda = _text(clients["jo"].get(f"{BOARD}/meetings/{ids['meeting']}"))
    assert "When will the short breaks open again?" in agenda and "Asked by Sam Taylor" in agenda
    assert "How many people got a paid job this year?" in agenda and "Riverside People First" in agenda
    assert agenda.index("short breaks open again") < agenda.index("paid job this year")
    assert "Margaret Jones" not in agenda  # she chose not to show her name
    assert "takes my money" not in agenda and "gas bill" not in agenda
    # Alex's private question is never counted publicly (issue 14).
    assert "4 questions were sent." in agenda and "2 are on the agenda." in agenda
    assert "1 was joined with a question like it." in agenda and "1 was not taken." in agenda
    assert "2 people want to ask this too." in agenda

    # Signed out, the public agenda shows the same and nothing private.
    from_outside = _text(make_client().get(f"{BOARD}/meetings/{ids['meeting']}"))
    assert "When will the short breaks open again?" in from_outside and "takes my money" not in from_outside

    # The pack prints the questions with who asked, and space for notes.
    pack = _text(office.get(f"{BOARD}/meetings/{ids['meeting']}/pack"))
    assert "When will the short breaks open again?" in pack and "Asked by Sam Taylor" in pack
    assert "takes my money" not in pack

    # Each asker sees what happened, in words.
    assert "It is on the agenda for the meeting." in _text(clients["sam"].get("/my-questions"))
    margaret_page = _text(clients["margaret"].get("/my-questions"))
    assert "Your question was joined with it" in margaret_page
    assert "When will the short breaks open again?" in margaret_page
    jo_page = _text(clients["jo"].get("/my-questions"))
    assert "The board did not take it." in jo_page and "This is about one person." in jo_page
    alex_page = _text(clients["alex"].get("/my-questions"))
    assert "Only you and the secretary can see this question." in alex_page
    assert "Rang Alex" not in alex_page  # the secretary's note is for secretaries
    assert "on the agenda for the meeting" in _text(clients["priya"].get("/my-questions"))


def test_spoken_questions_are_checked(meeting_setup, db):
    ids, _people, clients = meeting_setup
    sam = clients["sam"]
    response = sam.post(f"{BOARD}/ask", {"meeting": str(ids["meeting"])})
    question_id = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    url = f"{BOARD}/ask/{question_id}/words"
    cases = {
        "not-audio.mp3": (b"<html><script>alert(1)</script></html>" * 50, "could not play this sound file"),
        "broken.wav": (wav_bytes()[:60], "could not play this sound file"),
        "empty.m4a": (b"", "This file is empty"),
        "long.wav": (wav_bytes(seconds=5 * 60 + 5, rate=8000), "too long"),
        "short.wav": (wav_bytes(seconds=0.2), "too short"),
        "huge.wav": (b"\0" * (20 * 1024 * 1024 + 10), "too big"),
    }
    for name, (data, message) in cases.items():
        response = sam.post(url, {"text": "My typed words stay.", "recording": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")
        page = _text(response)
        assert response.status_code == 400, name
        assert message in page, name
        assert "My typed words stay." in page, name  # nothing typed is lost
        assert db.get(Question, question_id).audio_name is None, name
    # A good WAV is kept as MP3 under a name the server made.
    response = sam.post(url, {"text": "", "recording": (io.BytesIO(wav_bytes()), "../../etc/passwd.wav")},
                        content_type="multipart/form-data")
    assert response.status_code == 302
    stored = db.get(Question, question_id).audio_name
    assert re.fullmatch(r"[0-9a-f]{32}\.mp3", stored)


def test_nothing_typed_is_lost_and_late_questions_go_to_the_next_meeting(meeting_setup, db):
    ids, _people, clients = meeting_setup
    sam = clients["sam"]
    response = sam.post(f"{BOARD}/ask", {"meeting": str(ids["meeting"])})
    question_id = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    # Nothing at all: a clear message next to the field.
    empty = sam.post(f"{BOARD}/ask/{question_id}/words", {"text": "   "}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Type your question, or send a recording of it." in _text(empty)
    too_long = sam.post(f"{BOARD}/ask/{question_id}/words", {"text": "x" * 2001}, content_type="multipart/form-data")
    assert too_long.status_code == 400 and "This is too long" in _text(too_long)
    assert sam.post(f"{BOARD}/ask/{question_id}/words", {"text": "Will buses run later?"},
                    content_type="multipart/form-data").status_code == 302

    # The deadline passes while the person is writing.
    with db.context() as session:
        meeting = session.get(Meeting, ids["meeting"])
        meeting.question_deadline_dt = utcnow() - timedelta(minutes=1)
        later = Meeting(board_id=ids["board"], title="Board meeting in summer", place="Town Hall",
                        starts_dt=utcnow() + timedelta(days=90), status=MeetingStatus.TAKING_QUESTIONS)
        session.add(later)
        session.commit()
        later_id = later.id
    late = sam.post(f"{BOARD}/ask/{question_id}/send")
    page = _text(late)
    assert late.status_code == 409
    assert "The time to send questions for this meeting has passed." in page
    assert "Your question is saved. It is not lost." in page and "Will buses run later?" in page
    assert "Send it to Board meeting in summer" in page
    assert db.get(Question, question_id).status == QuestionStatus.DRAFT

    moved = sam.post(f"{BOARD}/ask/{question_id}/move", {"meeting": str(later_id)})
    assert moved.status_code == 302
    assert sam.post(f"{BOARD}/ask/{question_id}/send").status_code == 302
    sent = db.get(Question, question_id)
    assert sent.status == QuestionStatus.SENT and sent.meeting_id == later_id and sent.text == "Will buses run later?"

    # A sent question cannot be changed any more; a closed or missing meeting cannot be asked.
    assert sam.post(f"{BOARD}/ask/{question_id}/words", {"text": "changed"},
                    content_type="multipart/form-data").status_code == 302
    assert db.get(Question, question_id).text == "Will buses run later?"
    closed = sam.post(f"{BOARD}/ask", {"meeting": str(ids["meeting"])})
    assert closed.status_code == 400 and "Choose one of the answers shown." in _text(closed)
    assert sam.post(f"{BOARD}/ask", {"meeting": "99999"}).status_code == 400


def test_only_the_boards_secretary_moderates_and_people_see_only_their_own(meeting_setup, factory, signed_in, db):
    ids, people, clients = meeting_setup
    question_id = ask(clients["sam"], ids, about="topic-home", text="Where can I live?")
    # Another board's secretary cannot see or act on it.
    other = factory.board(slug="riverside-autism", name="Riverside Autism Partnership Board")
    stranger = signed_in(factory.person("Owen Price", board=other, role=Role.SECRETARY))
    assert stranger.get(f"{BOARD}/questions/{question_id}/moderate").status_code == 403
    assert stranger.post(f"/boards/riverside-autism/questions/{question_id}/decline",
                         {"reason": "personal"}).status_code == 404
    # A member cannot moderate, nor open someone else's draft or question.
    assert clients["jo"].post(f"{BOARD}/questions/{question_id}/decline", {"reason": "personal"}).status_code == 403
    assert clients["jo"].get(f"{BOARD}/ask/{question_id}/check").status_code == 404
    assert "Where can I live?" not in _text(clients["jo"].get("/my-questions"))
    assert db.get(Question, question_id).status == QuestionStatus.SENT
    # A declined question needs a reason: written, when "I will write the reason" is chosen.
    office = clients["helen"]
    no_reason = office.post(f"{BOARD}/questions/{question_id}/decline", {"reason": "own", "own_reason": ""})
    assert no_reason.status_code == 400 and "Type the reason in easy read." in _text(no_reason)
    assert office.post(f"{BOARD}/questions/{question_id}/decline",
                       {"reason": "own", "own_reason": "We talk about homes in June."}).status_code == 302
    assert db.get(Question, question_id).reason == "We talk about homes in June."
    # Put back: nothing lost, and it is in the audit log.
    assert office.post(f"{BOARD}/questions/{question_id}/put-back").status_code == 302
    back = db.get(Question, question_id)
    assert back.status == QuestionStatus.SENT and back.reason == "We talk about homes in June."
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "question.put-back")) is not None


def test_a_redacted_question_shows_the_secretarys_words_to_others_and_keeps_the_original(meeting_setup, db):
    ids, _people, clients = meeting_setup
    question_id = ask(clients["sam"], ids, about=f"item-{ids['item1']}",
                      text="My mum Jane Smith has epilepsy. Will short breaks help her?")
    office = clients["helen"]
    assert office.post(f"{BOARD}/questions/{question_id}/wording",
                       {"public_text": "Will short breaks help families where someone is ill?"}).status_code == 302
    assert office.post(f"{BOARD}/questions/{question_id}/place", {"item": str(ids["item1"])}).status_code == 302
    shown = _text(clients["jo"].get(f"{BOARD}/meetings/{ids['meeting']}/questions"))
    assert "Will short breaks help families where someone is ill?" in shown
    assert "Jane Smith" not in shown and "epilepsy" not in shown
    mine = _text(clients["sam"].get("/my-questions"))
    assert "Jane Smith has epilepsy" in mine  # the person's own words are kept and shown to them
    assert "Will short breaks help families where someone is ill?" in mine
    assert db.get(Question, question_id).text.startswith("My mum Jane Smith")


def test_opening_a_meeting_for_questions_tells_the_board_by_email(factory, db, signed_in, smtp_inbox):
    board = factory.board()
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    factory.person("Margaret Jones", board=board, role=Role.CARER, email="margaret@example.org")
    factory.person("Sam Taylor", board=board)  # no email: he sees it on the board's pages
    factory.person("Someone Else", email="else@example.org")  # not on this board
    with db.context() as session:
        meeting = Meeting(board_id=board.id, title="Board meeting in spring", starts_dt=utcnow() + timedelta(days=30),
                          place="Library", question_deadline_dt=utcnow() + timedelta(days=20))
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    assert office.post(f"{BOARD}/meetings/{meeting_id}/status", {"status": "taking_questions"}).status_code == 302
    told = {to[0] for to, _message in smtp_inbox.messages}
    assert told == {"margaret@example.org"}
    message = smtp_inbox.messages[0][1]
    assert "Board meeting in spring" in message and "/boards/riverside-ld/ask" in message


def test_many_me_too_taps_at_once_count_once_each(meeting_setup, app, db):
    """A double tap, or several tabs at once: one "me too" each, and never a server error."""
    from concurrent.futures import ThreadPoolExecutor

    from coprod.extensions import db as _db
    from coprod.questions import services

    ids, people, clients = meeting_setup
    question_id = ask(clients["sam"], ids, about="topic-home", text="Where can I live?")
    assert clients["helen"].post(f"{BOARD}/questions/{question_id}/place",
                                 {"item": str(ids["item1"])}).status_code == 302
    tappers = [people[name].id for name in ("jo", "alex", "priya", "margaret")]

    def tap(user_id: int) -> bool:
        with app.test_request_context():
            try:
                services.me_too(_db.session.get(Question, question_id), _db.session.get(type(people["jo"]), user_id),
                                None)
                _db.session.commit()
                return True
            except services.QuestionRefused:
                _db.session.rollback()
                return False
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        counted = list(pool.map(tap, tappers * 10))
    assert sum(counted) == len(tappers)
    rows = db.scalars(select(MeToo.user_id).where(MeToo.question_id == question_id))
    assert sorted(rows) == sorted(tappers)


def test_my_questions_shows_the_you_said_we_did_record_that_answers_it(meeting_setup, db):
    from coprod.models.follow import Record, RecordQuestion, RecordStatus

    ids, _people, clients = meeting_setup
    sam_q = ask(clients["sam"], ids, about=f"item-{ids['item1']}", text="When will the short breaks open again?")
    margaret_q = ask(clients["margaret"], ids, about=f"item-{ids['item1']}", text="Short breaks, please.")
    office = clients["helen"]
    assert office.post(f"{BOARD}/questions/{sam_q}/place", {"item": str(ids["item1"])}).status_code == 302
    assert office.post(f"{BOARD}/questions/{margaret_q}/join", {"lead": str(sam_q)}).status_code == 302
    with db.context() as session:
        draft = Record(board_id=ids["board"], title="Draft: not shown", status=RecordStatus.DRAFT)
        done = Record(board_id=ids["board"], title="Short breaks open in May", status=RecordStatus.PUBLISHED,
                      published_dt=utcnow())
        session.add_all([draft, done])
        session.flush()
        session.add_all([RecordQuestion(record_id=draft.id, question_id=sam_q),
                         RecordQuestion(record_id=done.id, question_id=sam_q)])
    for who in ("sam", "margaret"):  # Margaret's question was joined with Sam's: she gets the answer too
        page = _text(clients[who].get("/my-questions"))
        assert "Short breaks open in May" in page and "Draft: not shown" not in page, who
    assert "Short breaks open in May" not in _text(clients["jo"].get("/my-questions"))


def test_long_lists_of_questions_come_a_page_at_a_time(meeting_setup, db):
    """4,300 questions a board at national size: the public list and each of the secretary's lists
    show 25 a page, with where you are in words; moving in one list keeps the others (issue 15)."""
    from coprod.questions.views import QUESTIONS_PAGE_SIZE

    ids, people, clients = meeting_setup
    start = utcnow() - timedelta(days=5)
    with db.context() as session:
        def asked(number, **fields):
            return Question(board_id=ids["board"], meeting_id=ids["meeting"], asker_id=people["jo"].id,
                            text=f"Question words {number:03d}", sent_dt=start + timedelta(minutes=number),
                            status_dt=start + timedelta(minutes=number), **fields)
        shown = [asked(n, status=QuestionStatus.ON_AGENDA if n % 2 else QuestionStatus.ANSWERED, answer_text="Yes.")
                 for n in range(1, 31)]  # 30 to see, oldest first
        waiting = [asked(100 + n, status=QuestionStatus.SENT) for n in range(1, 28)]  # 27 new
        private = [asked(200 + n, status=QuestionStatus.SENT, private=True) for n in range(1, 4)]
        taken_private = [asked(300 + n, status=QuestionStatus.NOT_TAKEN, private=True) for n in range(1, 3)]
        session.add_all(shown + waiting + private + taken_private)
        session.flush()
        last_id = shown[-1].id
    public = f"{BOARD}/meetings/{ids['meeting']}/questions"

    def words(page):
        return list(dict.fromkeys(re.findall(r"Question words (\d\d\d)", page)))

    first = _text(clients["sam"].get(public))
    second = _text(clients["sam"].get(public + "?page=2"))
    assert words(first) == [f"{n:03d}" for n in range(1, QUESTIONS_PAGE_SIZE + 1)]
    assert words(second) == [f"{n:03d}" for n in range(26, 31)]
    assert "Page 1 of 2. These are 1 to 25 of 30." in first and f'href="{public}?page=2#questions"' in first
    assert "Question 26" in second and "Question 1<" not in second  # numbered on from the page before
    # "I want to ask this too" on page 2 comes back to page 2, at the question.
    response = clients["sam"].post(f"{BOARD}/questions/{last_id}/me-too")
    assert response.status_code == 302 and response.location.endswith(f"{public}?page=2#question-{last_id}")

    queue = f"{BOARD}/meetings/{ids['meeting']}/questions/manage"
    page = _text(clients["helen"].get(queue))
    assert words(page)[:QUESTIONS_PAGE_SIZE] == [f"{n:03d}" for n in range(101, 126)]
    assert "These are 1 to 25 of 27." in page and "These are 1 to 25 of 32." in page  # new; dealt with (2 private)
    assert f'href="{queue}?waiting=2#waiting"' in page and f'href="{queue}?done=2#done"' in page
    on = _text(clients["helen"].get(queue + "?waiting=2&done=2"))
    assert words(on)[:2] == ["126", "127"] and "These are 26 to 27 of 27." in on and "These are 26 to 32 of 32." in on
    # Moving in one list keeps the page of the other.
    assert f'href="{queue}?done=2#waiting"' in on or f'href="{queue}?waiting=1&amp;done=2#waiting"' in on
    assert all(f"{n:03d}" in on for n in (201, 202, 203))  # the private ones: 3, one page
