"""Erasure (UK GDPR art. 17), through HTTP and the command line: afterwards a scan of every table,
every file store and the captured log finds nothing of the person, and the votes still count."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

import pytest
from sqlalchemy import JSON, MetaData, String, Table, Text, func, inspect, select

from coprod.accounts import throttle
from coprod.audio.store import AudioStore
from coprod.extensions import db as _db
from coprod.models import (AgendaItem, AuditEvent, Ballot, Base, Board, Choice, Feedback, Feeling, Follower,
                           LoginAttempt, Meeting, MeetingStatus, MeToo, Picture, Proposal, Question,
                           QuestionStatus, Record, RecordQuestion, RecordStatus, Role, User, Vote, utcnow)
from coprod.models.audio import AudioClip, ClipStatus
from coprod.privacy import erasure

NAME = "Zelda Quixote"
EMAIL = "zelda.quixote@example.org"
WORDS = "Zorblax flats have no working lift for my wheelchair"
SPOKEN = "Spoken words about Quibbleton day centre"
COMMENT = "Frobnicate the buses please, they never come"
HIDDEN = "Xylophone surgery worries me a lot"


def _folders(app) -> dict[str, Path]:
    """Every folder that can hold something of a person: uploads, audio, and the public page cache."""
    return {key: Path(app.config[key]) for key in ("QUESTION_AUDIO_DIR", "PICTURE_DIR", "AUDIO_DIR", "CACHE_DIR")
            if app.config.get(key)}


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _tallies() -> dict[int, dict[int, int]]:
    rows = _db.session.execute(select(Ballot.proposal_id, Ballot.choice_id, func.count())
                               .group_by(Ballot.proposal_id, Ballot.choice_id)).all()
    found: dict[int, dict[int, int]] = {}
    for proposal_id, choice_id, count in rows:
        found.setdefault(proposal_id, {})[choice_id] = count
    return found


class Person:
    """Zelda, with something of hers in every place a person can be held."""

    def __init__(self, app, cast, factory):
        self.app = app
        self.user = factory.person(NAME, board=cast.board, email=EMAIL)
        factory.card(self.user)
        folders = _folders(app)
        self.recording = secrets.token_bytes(3000)
        self.comment_recording = secrets.token_bytes(2000)
        self.picture_bytes = secrets.token_bytes(1500)
        self.clip_bytes = secrets.token_bytes(1000)
        question_audio, comment_audio = secrets.token_hex(16) + ".mp3", secrets.token_hex(16) + ".mp3"
        picture_file = secrets.token_hex(16) + ".webp"
        self.files = [_write(folders["QUESTION_AUDIO_DIR"], question_audio, self.recording),
                      _write(folders["QUESTION_AUDIO_DIR"], comment_audio, self.comment_recording),
                      _write(folders["PICTURE_DIR"], picture_file, self.picture_bytes)]
        uid = self.user.id
        with app.test_request_context():
            from coprod.votes.services import record_vote

            session = _db.session
            board = session.get(Board, cast.board.id)
            meeting = Meeting(board_id=board.id, title="Board meeting", starts_dt=utcnow(), place="Library",
                              status=MeetingStatus.AGENDA_PUBLISHED)
            session.add(meeting)
            session.flush()
            item = AgendaItem(meeting_id=meeting.id, title="Housing")
            session.add(item)
            session.flush()
            ask = dict(board_id=board.id, meeting_id=meeting.id, sent_dt=utcnow())
            public = Question(asker_id=uid, text=WORDS, status=QuestionStatus.ON_AGENDA, agenda_item_id=item.id,
                              **ask)
            spoken = Question(asker_id=uid, audio_name=question_audio, audio_seconds=4, transcript=SPOKEN,
                              status=QuestionStatus.SENT, **ask)
            hidden = Question(asker_id=uid, text=HIDDEN, private=True, private_note=f"Call {NAME} back",
                              status=QuestionStatus.SENT, **ask)
            session.add_all([public, spoken, hidden])
            session.flush()
            # Sam's question, joined to Zelda's public one, and asked with Zelda's help.
            sams = Question(asker_id=cast.member.id, text="Lifts are broken", status=QuestionStatus.JOINED,
                            joined_to_id=public.id, helper_id=uid, helper_name=NAME, **ask)
            session.add(sams)
            session.add(MeToo(question_id=public.id, user_id=cast.carer.id))
            record = Record(board_id=board.id, title="Lifts", did_text="We fixed the lifts.",
                            status=RecordStatus.PUBLISHED, published_dt=utcnow(), created_by_id=uid)
            session.add(record)
            session.flush()
            session.add(RecordQuestion(record_id=record.id, question_id=public.id))
            session.add(Feedback(record_id=record.id, user_id=uid, feeling=Feeling.NOT_HAPPY, comment=COMMENT,
                                 audio_name=comment_audio, audio_seconds=3))
            session.add(Follower(record_id=record.id, user_id=uid))
            session.add(Picture(file_name=picture_file, alt_text=f"{NAME} at the bus stop", width=10, height=10,
                                uploaded_by_id=uid))
            # Votes: a secret and an open one, Zelda's and Sam's.
            self.proposals = []
            for secret in (True, False):
                proposal = Proposal(board_id=board.id, title="Meet in the library?", opened_dt=utcnow(),
                                    is_secret=secret, voter_roles="member,carer")
                session.add(proposal)
                session.flush()
                yes, no = Choice(proposal_id=proposal.id, label="Yes"), Choice(proposal_id=proposal.id, label="No")
                session.add_all([yes, no])
                session.flush()
                for voter, choice in ((uid, yes), (cast.member.id, no)):
                    assert record_vote(session, board_id=board.id, proposal_id=proposal.id, user_id=voter,
                                       role=Role.MEMBER, choice_id=choice.id, sign_in=None)
                self.proposals.append(proposal.id)
            # The audit log: Zelda signed in, and helped Sam.
            session.add(AuditEvent(actor_id=uid, action="sign-in", target_type="user", target_id=uid, detail="card"))
            session.add(AuditEvent(actor_id=cast.member.id, helper_id=uid, helper_name=NAME, action="help.start",
                                   detail=f"helped by {NAME} ({EMAIL})"))
            session.add(LoginAttempt(key=throttle.key("link-email", EMAIL)))
            session.add(LoginAttempt(key=throttle.key("link-account", str(uid))))
            # Spoken audio of the meeting page, which read out her question and her name.
            key = secrets.token_hex(32)
            session.add(AudioClip(key=key, language="en", voice="en", speed="normal", status=ClipStatus.READY,
                                  sentences_json=json.dumps([f"{NAME} asked:", WORDS + "."])))
            self.clip_key = key
            other_key = secrets.token_hex(32)
            session.add(AudioClip(key=other_key, language="en", voice="en", speed="normal", status=ClipStatus.READY,
                                  sentences_json=json.dumps(["The board meets in the library."])))
            self.other_clip_key = other_key
            session.commit()
            self.tallies = _tallies()
            self.sams_question = sams.id
            self.record = record.id
        AudioStore(app.config["AUDIO_DIR"]).save(key, self.clip_bytes)
        AudioStore(app.config["AUDIO_DIR"]).save(other_key, b"other clip")

    needles = (NAME, EMAIL, WORDS, SPOKEN, COMMENT, HIDDEN, "Zelda", "Quixote", "Zorblax", "Quibbleton",
               "Frobnicate", "Xylophone")


def scan_tables(app, needles) -> list[str]:
    """Every string, text and JSON column of every table (reflected from the database itself)."""
    found = []
    with app.app_context():
        with _db.engine.connect() as connection:
            for name in inspect(connection).get_table_names():
                table = Table(name, MetaData(), autoload_with=connection)
                columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
                if not columns:
                    continue
                for row in connection.execute(select(*columns)):
                    for column, value in zip(columns, row):
                        text = json.dumps(value) if not isinstance(value, str) else value
                        for needle in needles:
                            if value is not None and needle.lower() in text.lower():
                                found.append(f"{name}.{column.name} holds {needle!r}")
    return found


def scan_files(app, secrets_bytes: list[bytes], needles) -> list[str]:
    found = []
    for key, folder in _folders(app).items():
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if any(chunk in data for chunk in secrets_bytes):
                found.append(f"{key}: {path.name} holds their recording, picture or audio")
            if any(needle.encode() in data for needle in needles):
                found.append(f"{key}: {path.name} holds their words")
    return found


@pytest.fixture
def zelda(app, cast, factory):
    return Person(app, cast, factory)


def test_every_table_that_points_at_a_person_is_listed():
    """A new table or column with a foreign key to `user` must say what erasure does with it."""
    listed = set(erasure.PERSONAL_DATA)
    missing = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user" for fk in column.foreign_keys) \
                    and (table.name, column.name) not in listed:
                missing.append(f"{table.name}.{column.name}")
    assert not missing, f"add these to coprod/privacy/erasure.py PERSONAL_DATA (and erase them): {missing}"
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    for table_name, column_name in listed:
        assert table_name in tables and column_name in tables[table_name].columns, (table_name, column_name)


def test_an_admin_erases_a_person_and_nothing_of_them_is_left(app, cast, factory, zelda, signed_in, caplog,
                                                              client):
    her_device = signed_in(zelda.user)
    assert her_device.get("/account").status_code == 200
    admin = signed_in(cast.admin)
    before = scan_tables(app, Person.needles)
    assert before and not scan_files(app, [], []) and scan_files(app, [zelda.recording], [])
    # A signed-out reader's visit keeps the meeting page, with her question, in the public page cache.
    assert app.config["CACHE_TYPE"] == "FileSystemCache"
    with app.app_context():
        meeting = _db.session.scalar(select(Meeting.id).where(Meeting.title == "Board meeting"))
    assert WORDS in client.get(f"/boards/{cast.board.slug}/meetings/{meeting}").get_data(as_text=True)
    assert [hit for hit in scan_files(app, [], [WORDS]) if hit.startswith("CACHE_DIR")], "the page was kept"

    check = admin.get(f"/admin/people/{zelda.user.id}/erase")
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and NAME in page and "3 questions go" in page
    assert "2 recordings go" in page and "2 votes still count" in page and 'name="confirm"' in page
    # Without the button's "yes", nothing happens.
    assert admin.post(f"/admin/people/{zelda.user.id}/erase", {}).status_code == 200
    assert scan_tables(app, [EMAIL])

    caplog.set_level(logging.DEBUG)
    response = admin.post(f"/admin/people/{zelda.user.id}/erase", {"confirm": "yes"})
    assert response.status_code == 302

    assert scan_tables(app, Person.needles) == []
    assert scan_files(app, [zelda.recording, zelda.comment_recording, zelda.picture_bytes, zelda.clip_bytes],
                      Person.needles) == []
    assert not [path for path in zelda.files if path.exists()]
    assert not any(needle.lower() in record.getMessage().lower() for record in caplog.records
                   for needle in Person.needles), "no log line names them"
    with app.app_context():
        assert _tallies() == zelda.tallies, "their votes still count"
        assert _db.session.scalar(select(func.count()).select_from(Vote).where(Vote.user_id == zelda.user.id)) == 0
        person = _db.session.get(User, zelda.user.id)
        assert person.erased_dt is not None and person.name == "" and person.email is None
        # Sam's question, joined to hers, now leads: on the agenda, still answered by the record.
        sams = _db.session.get(Question, zelda.sams_question)
        assert sams.status == QuestionStatus.ON_AGENDA and sams.joined_to_id is None and sams.helper_id is None
        assert _db.session.scalar(select(RecordQuestion.question_id).where(
            RecordQuestion.record_id == zelda.record)) == sams.id
        assert _db.session.get(Record, zelda.record) is not None
        assert _db.session.scalar(select(AudioClip).where(AudioClip.key == zelda.other_clip_key)) is not None
        erased = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.erase")).all()
        assert len(erased) == 1 and erased[0].actor_id == cast.admin.id and erased[0].target_id is None
        assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 3, "earlier rows kept"
        assert not _db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == zelda.user.id)).all()
        # The same audio file as anyone else's is left alone.
        assert AudioStore(app.config["AUDIO_DIR"]).exists(zelda.other_clip_key)
        assert not AudioStore(app.config["AUDIO_DIR"]).exists(zelda.clip_key)
    # Signed out everywhere; the admin pages know them no more.
    assert her_device.get("/account").status_code == 302
    assert admin.get(f"/admin/people/{zelda.user.id}").status_code == 404
    assert NAME not in admin.get("/admin/people").get_data(as_text=True)
    assert admin.get(f"/admin/people/{zelda.user.id}/erase").status_code == 302


def test_a_person_erases_themselves_from_my_account_without_javascript(app, cast, zelda, signed_in):
    client = signed_in(zelda.user)
    assert "/account/erase" in client.get("/account").get_data(as_text=True)
    page = client.get("/account/erase")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "You cannot undo this." in html and "Yes, forget me" in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert client.post("/account/erase", {"confirm": "no"}).status_code == 200
    response = client.post("/account/erase", {"confirm": "yes"})
    assert response.status_code == 302 and response.location.endswith("/signed-out")
    assert "Everything about you is gone" in client.get(response.location).get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert scan_tables(app, Person.needles) == []
    with app.app_context():
        assert _tallies() == zelda.tallies
        event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erase"))
        assert event.actor_id is None, "the log says an erasure happened, not who it was"


def test_the_page_is_in_welsh_and_urdu(cast, zelda, signed_in):
    client = signed_in(zelda.user)
    for locale, words in (("cy", "Anghofiwch fi"), ("ur", "مجھے بھول جائیں")):
        client.post("/language", {"locale": locale, "next": "/account/erase"})
        assert words in client.get("/account/erase").get_data(as_text=True)


def test_the_board_can_keep_public_questions_as_someone_asked(app, cast, zelda, signed_in):
    admin = signed_in(cast.admin)
    form = admin.get(f"/admin/boards/{cast.board.slug}/settings").get_data(as_text=True)
    assert 'value="go"' in form and "checked" in form.split('value="go"')[1][:40]
    assert admin.post(f"/admin/boards/{cast.board.slug}/settings", {"erased_questions": "nonsense"}).status_code == 400
    assert admin.post(f"/admin/boards/{cast.board.slug}/settings",
                      {"erased_questions": "someone"}).status_code == 302
    assert admin.post(f"/admin/people/{zelda.user.id}/erase", {"confirm": "yes"}).status_code == 302
    with app.app_context():
        assert _db.session.get(Board, cast.board.id).erased_questions == "someone"
        kept = _db.session.scalars(select(Question).where(Question.asker_id == zelda.user.id)).all()
        assert [(q.public_text, q.text, q.show_name, q.status) for q in kept] == \
            [(WORDS, "", False, QuestionStatus.ON_AGENDA)], "only the public question stays, without her"
    # Her name, email, recordings, private words and comment are gone all the same.
    assert scan_tables(app, [NAME, EMAIL, SPOKEN, HIDDEN, COMMENT, "Quixote"]) == []
    page = admin.get(f"/boards/{cast.board.slug}/meetings").get_data(as_text=True)
    assert NAME not in page


def test_the_last_admin_cannot_erase_themselves(cast, signed_in):
    admin = signed_in(cast.admin)
    page = admin.get("/account/erase").get_data(as_text=True)
    assert "only site admin" in page and 'name="confirm"' not in page
    assert admin.post("/account/erase", {"confirm": "yes"}).status_code == 400
    assert admin.post(f"/admin/people/{cast.admin.id}/erase", {"confirm": "yes"}).status_code == 400
    assert admin.get("/account").status_code == 200


def test_the_command_line_erases_a_person(app, cast, zelda):
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=["erase-person", str(zelda.user.id), "--yes"])
    assert result.exit_code == 0, result.output
    assert NAME not in result.output
    assert scan_tables(app, Person.needles) == []
    with app.app_context():
        assert _tallies() == zelda.tallies
        again = runner.invoke(args=["erase-person", str(zelda.user.id), "--yes"])
        assert again.exit_code != 0 and "already erased" in again.output
        assert runner.invoke(args=["erase-person", "999999", "--yes"]).exit_code != 0


def test_the_pages_that_spoke_their_question_have_their_audio_made_again(audio, cast, factory, signed_in):
    """The clip that read her question out is deleted; the meeting pages are queued to be spoken again,
    and made again they hold nothing of her."""
    from conftest import queued_names, run_worker

    zelda = Person(audio, cast, factory)
    run_worker(audio)  # whatever setting her up queued
    admin = signed_in(cast.admin)
    assert admin.post(f"/admin/people/{zelda.user.id}/erase", {"confirm": "yes"}).status_code == 302
    assert "prepare_page_audio" in queued_names()
    run_worker(audio)
    with audio.app_context():
        assert _db.session.scalar(select(func.count()).select_from(AudioClip)) > 1, "the pages were spoken again"
    assert scan_tables(audio, Person.needles) == []
    assert scan_files(audio, [zelda.clip_bytes], Person.needles) == []


def test_jobs_waiting_in_the_queue_with_their_words_are_dropped(audio, cast, factory, signed_in):
    from conftest import queued_names, run_worker
    from coprod.tasks import deliver_email, huey

    zelda = Person(audio, cast, factory)
    run_worker(audio)
    with audio.app_context():
        deliver_email(EMAIL, "Your question", f"Hello {NAME}")
        deliver_email("someone.else@example.org", "News", "Hello")
    assert queued_names().count("deliver_email") == 2
    admin = signed_in(cast.admin)
    assert admin.post(f"/admin/people/{zelda.user.id}/erase", {"confirm": "yes"}).status_code == 302
    revoked = [task for task in huey.pending() if huey.is_revoked(task)]
    assert len(revoked) == 1 and EMAIL in repr(revoked[0].args)
