"""Retention (issue 13): what is past its time is removed, every day, and the admin sees how much.

Data is made through HTTP as people make it; then the clock is moved (the rows' times set back, or
the job run at a later `now`), and `coprod retention` (or the worker's daily job, through the real
Huey SQLite queue) removes what is old: old things go, recent things stay, an answered question
keeps its words when its recording goes, the counts are right, and nothing else is touched."""

from __future__ import annotations

import io
import logging
import os
import math
import re
import struct
import wave
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import run_worker
from coprod.models import (AudioClip, AuditEvent, Base, ClipStatus, LoginAttempt, Meeting, MeetingStatus, Question,
                           QuestionStatus, SignIn, utcnow)

BOARD = "/boards/riverside-ld"


def _wav(seconds: float = 2.0, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(i / 8))) for i in range(int(seconds * rate))))
    return out.getvalue()


def _start(client, meeting_id: int, *, text: str = "", spoken: bool = False) -> int:
    """Start a question and write (or speak) its words, without sending it: a draft."""
    response = client.post(f"{BOARD}/ask", {"meeting": str(meeting_id)})
    question_id = int(re.search(r"/ask/(\d+)/about", response.location).group(1))
    assert client.post(f"{BOARD}/ask/{question_id}/about", {"about": "topic-home"}).status_code == 302
    if text or spoken:
        data: dict = {"text": text}
        if spoken:
            data["recording"] = (io.BytesIO(_wav()), "question.wav")
        response = client.post(f"{BOARD}/ask/{question_id}/words", data, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return question_id


def _ask(client, meeting_id: int, *, text: str = "", spoken: bool = False) -> int:
    question_id = _start(client, meeting_id, text=text, spoken=spoken)
    assert client.post(f"{BOARD}/ask/{question_id}/who", {"asker": "me", "show_name": "yes"}).status_code == 302
    assert client.post(f"{BOARD}/ask/{question_id}/send").location.endswith("/sent")
    return question_id


@pytest.fixture
def folders(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "QUESTION_AUDIO_DIR", str(tmp_path / "recordings"))
    monkeypatch.setitem(app.config, "AUDIO_DIR", str(tmp_path / "audio"))
    return tmp_path


@pytest.fixture
def board(cast, db, signed_in, factory, folders):
    """The cast's board with a meeting taking questions; everyone signed in with their card."""
    with db.context() as session:
        now = utcnow()
        meeting = Meeting(board_id=cast.board.id, title="Board meeting in spring", starts_dt=now + timedelta(days=30),
                          place="Riverside Library", question_deadline_dt=now + timedelta(days=20),
                          status=MeetingStatus.TAKING_QUESTIONS)
        session.add(meeting)
        session.commit()
        meeting_id = meeting.id
    jo = factory.person("Jo Evans", board=cast.board)
    return meeting_id, {"sam": signed_in(cast.member), "margaret": signed_in(cast.carer), "jo": signed_in(jo),
                        "helen": signed_in(cast.secretary), "ravi": signed_in(cast.admin)}


def _set(db, model, ident, **values) -> None:
    with db.context(request=False) as session:
        row = session.get(model, ident)
        for name, value in values.items():
            setattr(row, name, value)


def _row_counts(db) -> dict[str, int]:
    with db.context(request=False) as session:
        return {table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


def _clip(db, store_root: Path, key: str, *, last_used: datetime) -> Path:
    """A Listen clip row and its file, as the worker leaves them."""
    with db.context(request=False) as session:
        session.add(AudioClip(key=key, language="en", voice="en-gb", speed="normal", status=ClipStatus.READY,
                              sentences_json='["Hello."]', last_used_dt=last_used, byte_size=3))
    path = store_root / key[:2] / f"{key}.mp3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ID3")
    return path


def test_old_things_go_recent_stay_and_answered_questions_keep_their_words(board, app, db, folders, caplog,
                                                                            make_client):
    meeting_id, clients = board
    recordings = folders / "recordings"
    now = utcnow()

    # Sam speaks a question; the secretary writes down what was said and answers it in writing.
    spoken_answered = _ask(clients["sam"], meeting_id, spoken=True)
    helen = clients["helen"]
    assert helen.post(f"{BOARD}/questions/{spoken_answered}/wording",
                      {"transcript": "When do the buses to the day centre start again?", "public_text": ""}
                      ).status_code == 302
    assert helen.post(f"{BOARD}/questions/{spoken_answered}/answer",
                      {"answer": "The buses start again in May."}).status_code == 302
    # Margaret speaks one nobody writes down; it is not taken. Jo types and speaks one, answered lately.
    spoken_unwritten = _ask(clients["margaret"], meeting_id, spoken=True)
    assert helen.post(f"{BOARD}/questions/{spoken_unwritten}/decline",
                      {"reason": "personal", "own_reason": ""}).status_code == 302
    spoken_recent = _ask(clients["jo"], meeting_id, text="Can we meet in the afternoon?", spoken=True)
    assert helen.post(f"{BOARD}/questions/{spoken_recent}/answer",
                      {"answer": "Yes. The next meeting is at 2pm."}).status_code == 302
    # Drafts: Sam's old spoken one, Jo's old empty one, Margaret's recent one.
    old_draft = _start(clients["sam"], meeting_id, text="My neighbour Pat Green shouts at me.", spoken=True)
    old_empty_draft = _start(clients["jo"], meeting_id)
    recent_draft = _start(clients["margaret"], meeting_id, text="Is there a carers group?")
    # Margaret signs out on one tablet: her sign-in ended.
    assert clients["margaret"].post("/sign-out").status_code == 302
    # A wrong typed code: a failed attempt.
    make_client().post("/sign-in/code", {"code": "WRONGCOD"})

    names = {q: db.get(Question, q).audio_name for q in (spoken_answered, spoken_unwritten, spoken_recent, old_draft)}
    assert all(names.values()) and all((recordings / name).is_file() for name in names.values())
    # A recording no question uses any more (the person recorded again), a day old.
    replaced = recordings / ("ab" * 16 + ".mp3")
    replaced.write_bytes(b"ID3")

    # Move the clock: set times back.
    long_ago = now - timedelta(days=400)
    _set(db, Question, spoken_answered, status_dt=long_ago)
    _set(db, Question, spoken_unwritten, status_dt=long_ago)
    _set(db, Question, old_draft, created_dt=now - timedelta(days=31))
    _set(db, Question, old_empty_draft, created_dt=now - timedelta(days=31))
    _set(db, Question, recent_draft, created_dt=now - timedelta(days=29))
    with db.context(request=False) as session:
        ended = session.scalar(select(SignIn).where(SignIn.ended_dt.isnot(None)))
        ended.ended_dt = now - timedelta(days=91)
        live_sign_ins = session.scalar(select(func.count()).select_from(SignIn).where(SignIn.ended_dt.is_(None)))
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.created_dt = now - timedelta(days=2)
        attempts = session.scalar(select(func.count()).select_from(LoginAttempt))
        # One sign-in audit entry and one other entry made old; the rest recent.
        old_sign_in = session.scalar(select(AuditEvent).where(AuditEvent.action == "sign-in").limit(1))
        old_sign_in.created_dt = now - timedelta(days=91)
        old_entry = session.scalar(select(AuditEvent).where(AuditEvent.action == "question.send").limit(1))
        old_entry.created_dt = now - timedelta(days=731)
        old_ids = (old_sign_in.id, old_entry.id)
        audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert live_sign_ins == 4 and attempts >= 1
    old_clip = _clip(db, folders / "audio", "a" * 64, last_used=now - timedelta(days=31))
    recent_clip = _clip(db, folders / "audio", "b" * 64, last_used=now - timedelta(days=29))
    day_ago = (now - timedelta(days=2)).timestamp()
    for path in (replaced, old_clip, recent_clip, *[recordings / name for name in names.values()]):
        os.utime(path, (day_ago, day_ago))

    before = _row_counts(db)
    runner = app.test_cli_runner()

    # A dry run counts and changes nothing.
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "drafts: questions 2, recordings 1, unused recordings 1" in dry.output
    assert "answered recordings: recordings 1, kept unwritten 1" in dry.output
    assert "audio cache: clips 1, unused files 0" in dry.output
    assert "would remove" in dry.output
    assert _row_counts(db) == before
    assert all((recordings / name).is_file() for name in names.values()) and replaced.is_file() and old_clip.is_file()

    with caplog.at_level(logging.INFO, logger="coprod.privacy.retention"):
        result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "sign ins: sign ins 1, sign in links 0, failed attempts %d, audit entries 1" % attempts in result.output
    assert "audit log: entries 1" in result.output

    # Drafts: the old ones went (with the recording); the recent one stayed.
    assert db.get(Question, old_draft) is None and db.get(Question, old_empty_draft) is None
    assert not (recordings / names[old_draft]).exists() and not replaced.exists()
    assert db.get(Question, recent_draft).text == "Is there a carers group?"
    # Answered a year ago: the recording went, the question and what was said stayed.
    answered = db.get(Question, spoken_answered)
    assert answered.audio_name is None and not (recordings / names[spoken_answered]).exists()
    assert answered.transcript == "When do the buses to the day centre start again?"
    assert answered.answer_text == "The buses start again in May." and answered.status == QuestionStatus.ANSWERED
    # Nobody wrote down Margaret's: it is kept, so the question still says something.
    assert db.get(Question, spoken_unwritten).audio_name == names[spoken_unwritten]
    assert (recordings / names[spoken_unwritten]).is_file()
    # Jo's was answered lately: kept.
    assert (recordings / names[spoken_recent]).is_file()
    # Sign-ins: the one that ended 91 days ago went; everyone still signed in stays signed in.
    with db.context(request=False) as session:
        assert session.scalar(select(func.count()).select_from(SignIn).where(SignIn.ended_dt.isnot(None))) == 0
        assert session.scalar(select(func.count()).select_from(SignIn)) == live_sign_ins
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
        assert session.get(AuditEvent, old_ids[0]) is None and session.get(AuditEvent, old_ids[1]) is None
        report = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "retention.run"))
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before - 2 + 1
    assert helen.get("/my-questions").status_code == 200
    assert clients["sam"].get("/").status_code == 200, "signed-in people stay signed in"
    # Listen audio: the clip nobody used in 30 days went, with its file; the other stayed.
    assert not old_clip.exists() and recent_clip.is_file()
    assert db.scalar(select(AudioClip).where(AudioClip.key == "b" * 64)) is not None

    # Nothing else was touched: every other table has the same rows.
    after = _row_counts(db)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"question", "sign_in", "login_attempt", "audit_event", "audio_clip"}, changed
    assert before["question"] - after["question"] == 2
    assert before["audio_clip"] - after["audio_clip"] == 1

    # The report: counts only, never anyone's words or names - in the audit log and in the log.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in (report, logged, result.output):
        for private in ("Pat Green", "Sam Taylor", "Margaret", "buses", names[spoken_answered]):
            assert private not in text
    assert '"questions":2' in report
    # The admin sees it on "What was removed".
    page = clients["ravi"].get("/admin/removed").get_data(as_text=True)
    assert "What was removed" in page and "Questions never sent" in page
    assert re.search(r"Recordings of answered questions \(their words are kept\)</td><td>1<", page)
    assert "What was removed" in clients["ravi"].get("/admin/").get_data(as_text=True)
    assert clients["helen"].get("/admin/removed").status_code == 403


def test_the_daily_job_is_registered_and_runs_through_the_worker_queue(audio, cast, db, folders):
    """The periodic task is in Huey's schedule at its hour (UTC), and running it from the real SQLite
    queue removes what is old and records the report."""
    from coprod.tasks import huey, remove_old_data

    # The default hour is 3 (UTC; COPROD_RETENTION_HOUR); huey reads the schedule in UTC.
    assert huey.utc and remove_old_data.task_class.__name__ == "remove_old_data"
    # (Other periodic jobs, such as the five-minute one for timed votes' audio, may be due too.)
    due = [task.name for task in huey.read_periodic(datetime(2026, 12, 1, 3, 30))]
    assert due.count("remove_old_data") == 1, due
    assert "remove_old_data" not in [task.name for task in huey.read_periodic(datetime(2026, 12, 1, 4, 30))]

    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", starts_dt=utcnow(), place="Library",
                          status=MeetingStatus.TAKING_QUESTIONS)
        session.add(meeting)
        session.flush()
        session.add_all([Question(board_id=cast.board.id, meeting_id=meeting.id, asker_id=cast.member.id,
                                  created_dt=utcnow() - timedelta(days=40)),
                         Question(board_id=cast.board.id, meeting_id=meeting.id, asker_id=cast.member.id)])
    # As the consumer's scheduler does at 3:30: put the due periodic tasks on the queue, then work.
    for task in huey.read_periodic(datetime(2026, 12, 1, 3, 30)):
        huey.enqueue(task)
    results = [result for result in run_worker(audio) if isinstance(result, dict) and "drafts" in result]
    assert len(results) == 1 and results[0]["drafts"]["questions"] == 1
    assert db.scalar(select(func.count()).select_from(Question)) == 1
    assert db.scalar(select(AuditEvent.detail).where(AuditEvent.action == "retention.run")).startswith("{")


def test_settings_fall_back_to_safe_defaults(monkeypatch):
    from coprod.config import retention_settings

    monkeypatch.setenv("COPROD_KEEP_DRAFT_DAYS", "0")
    monkeypatch.setenv("COPROD_KEEP_SIGN_IN_DAYS", "ninety")
    monkeypatch.setenv("COPROD_KEEP_AUDIT_DAYS", "3650")
    settings = retention_settings()
    assert settings["KEEP_DRAFT_DAYS"] == 30 and settings["KEEP_SIGN_IN_DAYS"] == 90
    assert settings["KEEP_AUDIT_DAYS"] == 3650 and settings["KEEP_ANSWERED_RECORDING_DAYS"] == 365


def test_the_privacy_page_says_what_the_settings_say(client, app, monkeypatch, cast, signed_in):
    page = client.get("/privacy").get_data(as_text=True)
    assert "Your information" in page
    assert "we delete it after 30 days" in page  # drafts
    assert "we delete it 1 year after your question is answered" in page
    assert "we keep this for 90 days" in page and "we keep it for 2 years" in page
    assert 'href="/privacy"' in client.get("/help").get_data(as_text=True), "linked from every page's footer"
    assert "Sign in to get to your account page" in page
    monkeypatch.setitem(app.config, "KEEP_DRAFT_DAYS", 14)
    monkeypatch.setitem(app.config, "KEEP_ANSWERED_RECORDING_DAYS", 730)
    changed = client.get("/privacy").get_data(as_text=True)
    assert "we delete it after 14 days" in changed and "we delete it 2 years after" in changed
    sam = signed_in(cast.member)
    assert 'href="/account"' in sam.get("/privacy").get_data(as_text=True)
    assert 'href="/privacy"' in sam.get("/account").get_data(as_text=True)
    welsh = client.get("/privacy?lang=cy").get_data(as_text=True)
    urdu = client.get("/privacy?lang=ur").get_data(as_text=True)
    assert 'lang="cy"' in welsh and 'lang="ur"' in urdu
    assert "Your information" not in welsh and "Your information" not in urdu


def test_files_go_only_after_the_commit(app, db, folders):
    """A run that is rolled back (the database said no, the worker died) leaves every file."""
    from coprod.extensions import db as database
    from coprod.privacy import retention

    clip = _clip(db, folders / "audio", "c" * 64, last_used=utcnow() - timedelta(days=31))
    with app.app_context():
        removed = retention.run(utcnow())
        assert removed["audio_cache"]["clips"] == 1
        database.session.rollback()
    assert clip.is_file() and db.scalar(select(AudioClip).where(AudioClip.key == "c" * 64)) is not None
    with app.app_context():
        retention.run(utcnow())
        assert clip.is_file(), "not before the commit"
        database.session.commit()
    assert not clip.exists()
