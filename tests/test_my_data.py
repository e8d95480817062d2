"""My data (UK GDPR art. 15): a person downloads everything about them as one zip, made by the
worker; staff make it for a paper request (audited); nobody else's private data is in it; it expires."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, select

from conftest import run_worker
import test_questions
from test_questions import BOARD, ask, wav_bytes
from test_votes import _new_proposal, _vote

from coprod.models import (AccountNotice, AuditEvent, Base, Choice, DataExport, ExportStatus, NoticeKind,
                           Proposal, Question, Record, RecordQuestion, RecordStatus, utcnow)
from coprod.my_data import inventory

PRIVATE_WORDS = "My neighbour shouts at me at night"
meeting_setup = test_questions.meeting_setup  # the same board, meeting and people as the question tests


@pytest.fixture
def worker(app, tmp_path, monkeypatch):
    """Files in a fresh folder and a real queue: jobs wait until the test runs the worker."""
    from coprod.tasks import huey

    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    huey.immediate = False
    huey.flush()
    try:
        yield app
    finally:
        huey.flush()
        huey.immediate = True


def _zip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _everything(files: dict[str, bytes]) -> str:
    return "\n".join(data.decode("utf-8", "replace") for data in files.values())


def _ask_for_my_data(client) -> DataExport:
    page = client.get("/account/my-data").get_data(as_text=True)
    assert "Make my file" in page
    response = client.post("/account/my-data")
    assert response.status_code == 302
    assert "being made" in client.get("/account/my-data").get_data(as_text=True)


def _download_link(client, db, user_id) -> str:
    export = db.scalar(select(DataExport).where(DataExport.user_id == user_id).order_by(DataExport.id.desc()))
    assert export.status == ExportStatus.READY
    url = f"/account/my-data/{export.id}/file"
    assert url in client.get("/account/my-data").get_data(as_text=True)
    return url


def test_a_person_downloads_all_their_data_and_nobody_elses(meeting_setup, worker, cast, signed_in, db,
                                                           make_client):
    ids, people, clients = meeting_setup
    sam, jo, office = clients["sam"], clients["jo"], clients["helen"]

    # Sam asks with Chris helping, typed and spoken; Jo asks a private spoken question.
    sam.post("/helping", {"helper": str(cast.supporter.id)})
    typed = ask(sam, ids, about=f"item-{ids['item1']}", text="Can I get a job coach?")
    spoken = ask(sam, ids, about="topic-home", recording=("question.wav", wav_bytes()))
    sam.post("/helping/stop")
    jos = ask(jo, ids, about="topic-home", text=PRIVATE_WORDS, recording=("mine.wav", wav_bytes(3)))
    office.post(f"{BOARD}/questions/{jos}/private", {"note": "Rang Jo's sister."})
    jo_audio = db.get(Question, jos).audio_name

    # An open vote and a secret vote.
    _new_proposal(office, title="Where should we meet?", secrecy="open", kind="custom", choice_1="In the library",
                  choice_2="In the park", choice_3="")
    _new_proposal(office, title="Who should chair?", secrecy="secret", choice_1="Alice Chair",
                  choice_2="Bob Chair", choice_3="")
    proposals = {p.title: p.id for p in db.scalars(select(Proposal))}
    choices = {c.label: c.id for c in db.scalars(select(Choice))}
    for proposal_id in proposals.values():
        office.post(f"{BOARD}/proposals/{proposal_id}/open")
    assert _vote(sam, proposals["Where should we meet?"], choices["In the library"]).status_code == 302
    assert _vote(sam, proposals["Who should chair?"], choices["Bob Chair"]).status_code == 302
    assert _vote(jo, proposals["Where should we meet?"], choices["In the park"]).status_code == 302

    # A published record answers Sam's question; Sam is not happy, says why and records it.
    with db.context() as session:
        record = Record(board_id=ids["board"], title="Job coaches", did_text="We asked.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow())
        session.add(record)
        session.flush()
        session.add(RecordQuestion(record_id=record.id, question_id=typed))
        record_id = record.id
    comment = sam.post(f"{BOARD}/said-did/{record_id}/happy",
                       {"feeling": "not_happy", "comment": "Still no coach for me.",
                        "recording": (io.BytesIO(wav_bytes()), "comment.wav")}, content_type="multipart/form-data")
    assert comment.status_code == 302

    # Asking: "being made"; the worker makes it; Sam is told on Updates.
    _ask_for_my_data(sam)
    assert db.scalar(select(DataExport)).status == ExportStatus.MAKING
    run_worker(worker)
    assert db.scalar(select(AccountNotice).where(AccountNotice.user_id == cast.member.id)).kind == \
        NoticeKind.EXPORT_READY
    assert "A file of your data is ready" in sam.get("/updates").get_data(as_text=True)
    url = _download_link(sam, db, cast.member.id)
    files = _zip(sam.get(url))

    data = json.loads(files["my-data.json"])
    assert data["about_you"]["name"] == "Sam Taylor"
    questions = {q["id"]: q for q in data["questions"]}
    assert questions[typed]["your_words"] == "Can I get a job coach?"
    assert questions[typed]["helped_by"] == "Chris Morgan"
    spoken_file = questions[spoken]["recording"]
    stored = Path(worker.config["QUESTION_AUDIO_DIR"]) / db.get(Question, spoken).audio_name
    assert files[spoken_file] == stored.read_bytes(), "the recording as it was kept"
    votes = {v["vote"]: v for v in data["votes"]}
    assert votes["Where should we meet?"]["your_choice"] == "In the library"
    assert votes["Who should chair?"] == {**votes["Who should chair?"], "secret": True, "your_choice": None}
    feedback = data["not_happy_ratings"][0]
    assert feedback["feeling"] == "not_happy" and feedback["comment"] == "Still no coach for me."
    assert len(files[feedback["recording"]]) > 1000
    assert any(entry["action"] == "help.start" for entry in data["audit"])
    assert {"recordings/question-%d.mp3" % spoken, feedback["recording"], "index.html", "style.css"} <= set(files)

    html = files["index.html"].decode()
    assert "Can I get a job coach?" in html and "Still no coach for me." in html
    assert "You voted. It was a secret vote." in html and "In the library" in html
    assert any(name.startswith("pictures/") and name.endswith(".svg") for name in files), "pictures are in the file"

    # Nobody else's private data: Jo's words, recording, private note and choice; Sam's secret choice.
    everything = _everything(files)
    for secret in (PRIVATE_WORDS, "Rang Jo's sister.", "In the park", "Bob Chair", "margaret@example.org"):
        assert secret not in everything, secret
    assert (Path(worker.config["QUESTION_AUDIO_DIR"]) / jo_audio).read_bytes() not in files.values()

    # Chris's file: whom he helped (Sam, on his board) but not Sam's words or choices.
    chris = signed_in(cast.supporter)
    _ask_for_my_data(chris)
    run_worker(worker)
    chris_files = _zip(chris.get(_download_link(chris, db, cast.supporter.id)))
    chris_data = json.loads(chris_files["my-data.json"])
    given = chris_data["help_you_gave"]
    assert [(g["what"], g["person"]) for g in given] == [("a question", "Sam Taylor")] * 2
    helped = {e["action"] for e in chris_data["audit"] if e["you"] == "you helped"}
    assert {"help.start", "question.send"} <= helped
    chris_everything = _everything(chris_files)
    for secret in ("Can I get a job coach?", "In the library", "Still no coach for me."):
        assert secret not in chris_everything

    # Another member cannot download Sam's file, and neither can someone signed out.
    assert jo.get(url).status_code == 404
    assert make_client().get(url).status_code == 302
    downloads = db.scalars(select(AuditEvent).where(AuditEvent.action == "my-data.download"))
    assert len(downloads) == 2


def test_staff_make_the_file_for_a_paper_request_and_it_is_audited(cast, worker, signed_in, factory, db, smtp_inbox):
    office, admin = signed_in(cast.secretary), signed_in(cast.admin)
    margaret = cast.carer
    page = office.get(f"/boards/riverside-ld/people/{margaret.id}").get_data(as_text=True)
    assert "Make a file of their data" in page
    response = office.post(f"/boards/riverside-ld/people/{margaret.id}/my-data")
    assert response.status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "my-data.on-paper"))
    assert event.actor_id == cast.secretary.id and event.target_id == margaret.id
    assert event.board_id == cast.board.id
    run_worker(worker)
    export = db.scalar(select(DataExport))
    assert export.on_paper and export.asked_by_id == cast.secretary.id and export.status == ExportStatus.READY
    # Both are told: the secretary who asked, and Margaret (by email too: she has an address).
    told = {n.user_id for n in db.scalars(select(AccountNotice))}
    assert told == {cast.secretary.id, margaret.id}
    assert any("margaret@example.org" in to for to, _message in smtp_inbox.messages)
    page = office.get("/account/my-data").get_data(as_text=True)
    assert "Download the file of Margaret Jones" in page
    files = _zip(office.get(f"/account/my-data/{export.id}/file"))
    assert json.loads(files["my-data.json"])["about_you"]["email"] == "margaret@example.org"
    assert "Staff made this file for you" in files["index.html"].decode()
    assert signed_in(margaret).get(f"/account/my-data/{export.id}/file").status_code == 200

    # Not for a person also on another board (only the admin can), not for another board's member.
    both = factory.person("Both Boards", board=cast.board)
    with db.context() as session:
        from coprod.models import Membership, Role
        session.add(Membership(board_id=cast.other_board.id, user_id=both.id, role=Role.MEMBER))
    assert office.post(f"/boards/riverside-ld/people/{both.id}/my-data").status_code == 403
    assert office.post(f"/boards/riverside-ld/people/{cast.outsider.id}/my-data").status_code == 404
    assert admin.post(f"/admin/people/{both.id}/my-data").status_code == 302
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "my-data.on-paper",
                                              AuditEvent.actor_id == cast.admin.id)).target_id == both.id
    # A member who is not staff sees no such button and cannot post it (the access matrix checks all).
    member = signed_in(cast.member)
    assert member.post(f"/boards/riverside-ld/people/{margaret.id}/my-data").status_code == 403


def test_files_expire_and_go_with_the_person(cast, worker, signed_in, db, app):
    from coprod.extensions import db as app_db
    from coprod.my_data.services import path_of, remove_expired_exports, remove_exports_for

    sam = signed_in(cast.member)
    _ask_for_my_data(sam)
    _ask_for_my_data(sam)  # asking again while it is being made: the same file
    assert len(db.scalars(select(DataExport))) == 1
    run_worker(worker)
    export = db.scalar(select(DataExport))
    url = f"/account/my-data/{export.id}/file"
    assert sam.get(url).status_code == 200
    assert export.expires_dt - export.ready_dt == timedelta(days=7)
    with app.test_request_context():
        file = path_of(export.file_name)
        assert file is not None
        assert remove_expired_exports(utcnow()) == []
        removed = remove_expired_exports(export.expires_dt + timedelta(seconds=1))
        app_db.session.commit()
    assert removed == [{"id": export.id, "user_id": cast.member.id, "bytes": export.byte_size}]
    assert not file.exists()
    assert sam.get(url).status_code == 404
    assert "This file is deleted" in sam.get("/account/my-data").get_data(as_text=True)

    _ask_for_my_data(sam)
    run_worker(worker)
    newer = db.scalar(select(DataExport).where(DataExport.status == ExportStatus.READY))
    with app.test_request_context():
        file = path_of(newer.file_name)
        removed = remove_exports_for(cast.member.id)
        app_db.session.commit()
    assert {r["id"] for r in removed} == {export.id, newer.id}
    assert not file.exists() and db.scalars(select(DataExport)) == []


def test_a_file_that_cannot_be_made_says_so(cast, worker, signed_in, db, monkeypatch):
    from coprod.my_data import services

    def broken(user_id):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "collect", broken)
    sam = signed_in(cast.member)
    _ask_for_my_data(sam)
    run_worker(worker)
    assert db.scalar(select(DataExport)).status == ExportStatus.FAILED
    assert "We could not make this file" in sam.get("/account/my-data").get_data(as_text=True)
    assert list(Path(worker.config["EXPORT_DIR"]).glob("*")) == []


def test_every_table_and_every_column_that_points_at_a_person_is_decided():
    assert inventory.unlisted(Base.metadata) == []


def test_a_new_table_with_a_person_in_it_fails_until_it_is_listed():
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("diary_entry", metadata, Column("id", Integer, primary_key=True),
          Column("writer_id", Integer, ForeignKey("user.id")))
    assert inventory.unlisted(metadata) == ["table diary_entry: not in USER_COLUMNS or NO_PERSON",
                                            "diary_entry.writer_id: points at a person but is not in USER_COLUMNS"]
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["question"].append_column(Column("second_helper_id", Integer, ForeignKey("user.id")))
    assert inventory.unlisted(metadata) == [
        "question.second_helper_id: points at a person but is not in USER_COLUMNS"]


def test_secret_ballots_stay_unlinkable():
    """The file must never reach a ballot: the inventory says so and nothing in it reads the table."""
    import inspect

    from coprod.my_data import collect

    assert "ballot" in inventory.NO_PERSON and "ballot" not in inventory.USER_COLUMNS
    assert "Ballot" not in inspect.getsource(collect)
    assert {"totp_secret", "password_hash"} <= set(inventory.NEVER["user"])


@pytest.mark.parametrize("body, content_type", [
    (b"\xff\xfe\xfa not utf-8 = \x80", "application/x-www-form-urlencoded"),
    (b"csrf_token=%ZZ%%&&&==", "application/x-www-form-urlencoded"),
    (b'{"csrf_token": "1234"}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nbroken", "multipart/form-data; boundary=x"),
    (b"a" * 2_000_000, "application/x-www-form-urlencoded"),
])
def test_broken_bodies_and_odd_ids_change_nothing(cast, signed_in, db, body, content_type):
    secretary, admin = signed_in(cast.secretary), signed_in(cast.admin)
    for client, url in ((secretary, "/account/my-data"),
                        (secretary, f"/boards/riverside-ld/people/{cast.member.id}/my-data"),
                        (admin, f"/admin/people/{cast.member.id}/my-data")):
        with client.app.app_context():
            response = client.raw.post(url, data=body, content_type=content_type)
        assert response.status_code in (400, 413), (url, response.status_code)
        assert "<h1>" in response.get_data(as_text=True)
    for url in ("/account/my-data/0/file", "/account/my-data/99999999999/file", "/account/my-data/x/file",
                f"/admin/people/{2**40}/my-data"):
        response = admin.get(url) if url.endswith("/file") else admin.post(url)
        assert response.status_code in (404, 405), (url, response.status_code)
    assert db.scalars(select(DataExport)) == []


def test_the_file_speaks_the_persons_language(cast, worker, signed_in, db):
    sam = signed_in(cast.member)
    sam.post("/settings", {"text_size": "normal", "contrast": "normal", "locale": "cy"})
    assert "Gwneud fy ffeil" in sam.get("/account/my-data").get_data(as_text=True)
    sam.post("/account/my-data")
    run_worker(worker)
    files = _zip(sam.get(_download_link(sam, db, cast.member.id)))
    html = files["index.html"].decode()
    assert 'lang="cy"' in html and "Fy nata" in html and "Eich pleidleisiau" in html
