"""Open data files (coprod/follow/open_files.py): the same content as before, made again after a
change, sent with an ETag (304), streamed from the database when not made yet."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coprod.extensions import db as _db
from coprod.follow import exports, open_files, queries
from coprod.follow.services import today
from coprod.models import Action, Board, Record, RecordStatus


def _old_files(slug: str) -> dict[str, str]:
    """What the code before the files made the three answers from (whole, in memory)."""
    board = _db.session.scalar(select(Board).where(Board.slug == slug))
    records = queries.open_records(board, today())
    return {"records.json": exports.records_json(slug, records), "records.csv": exports.records_csv(records),
            "actions.csv": exports.actions_csv(records)}


def _streamed(slug: str) -> dict[str, str]:
    board = _db.session.scalar(select(Board).where(Board.slug == slug))
    return {kind: "".join(open_files.pieces(kind, board.id, slug, today())) for kind in open_files.KINDS}


@pytest.mark.parametrize("batch", [2, 7, 500])
def test_the_files_say_exactly_what_the_old_code_said_on_the_demo_and_the_national_shapes(app, monkeypatch, batch):
    """Pages smaller than the board's records (2, 7) cross the keyset's page edges, ties included."""
    from coprod import national
    from coprod.demo import load_demo

    monkeypatch.setattr(open_files, "BATCH", batch)
    with app.test_request_context():
        load_demo()
        national.make("tiny")
        _db.session.commit()
        slugs = list(_db.session.scalars(select(Board.slug)))
        compared = 0
        for slug in slugs:
            old = _old_files(slug)
            assert _streamed(slug) == old, slug
            compared += old["actions.csv"].count("\n")
        assert compared > 40  # the comparison saw real data, not empty boards


def _board_with_a_record(db, cast, title="Job coaches"):
    from coprod.models import ActionStatus, utcnow

    with db.context() as session:
        record = Record(board_id=cast.board.id, title=title, said_text="We want job coaches.",
                        did_text="The council pays for 2.", status=RecordStatus.PUBLISHED, published_dt=utcnow())
        session.add(record)
        session.flush()
        session.add(Action(record_id=record.id, board_id=cast.board.id, what="Hire 2 coaches", how="Ads",
                           who_name="Jo", who_organisation="Council", due_date=utcnow().date(),
                           status=ActionStatus.PLANNED))
        return record.id


URL = "/boards/riverside-ld/said-did/records.json"


def test_made_by_the_worker_sent_with_an_etag_and_made_again_after_a_change(app, cast, db, client):
    record_id = _board_with_a_record(db, cast)
    with app.test_request_context():
        made = open_files.build("riverside-ld")
    assert len(made) == 3
    first = client.get(URL)
    assert first.status_code == 200
    assert first.headers["ETag"].strip('"') + ".records.json" in [path.rsplit("/", 1)[1] for path in made]
    assert "Job coaches" in first.get_data(as_text=True)
    assert first.headers["Content-Disposition"] == "attachment; filename=riverside-ld-you-said-we-did.json"
    etag = first.headers["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304

    with db.context() as session:  # a change: the file goes at once, the answer is the new data
        session.get(Record, record_id).title = "Paid jobs"
    assert list(open_files.folder("riverside-ld").glob("*")) == []
    second = client.get(URL)
    assert second.status_code == 200 and "Paid jobs" in second.get_data(as_text=True)
    assert "Job coaches" not in second.get_data(as_text=True)
    assert second.headers["ETag"] != etag
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 200
    with app.test_request_context():
        remade = open_files.build("riverside-ld")
    assert remade != made and all("Paid jobs" in open(path).read() for path in remade if path.endswith(".json"))


def test_unpublishing_or_erasing_takes_it_out_of_the_files_on_disk(app, cast, db, client):
    record_id = _board_with_a_record(db, cast, title="Kevin's record")
    with app.test_request_context():
        open_files.build("riverside-ld")
    with db.context() as session:
        session.get(Record, record_id).status = RecordStatus.DRAFT
    on_disk = "".join(path.read_text() for path in open_files.folder().rglob("*.*"))
    assert "Kevin" not in on_disk
    assert "Kevin" not in client.get(URL).get_data(as_text=True)
    assert "Kevin" not in client.get("/boards/riverside-ld/said-did/actions.csv").get_data(as_text=True)


def test_not_made_yet_it_is_streamed_and_the_worker_is_asked(app, cast, db, client, audio):
    from conftest import queued_names, run_worker

    _board_with_a_record(db, cast)
    response = client.get("/boards/riverside-ld/said-did/records.csv", buffered=False)
    assert response.is_streamed
    chunks = response.response
    first = next(iter(chunks))
    assert first.startswith(b"id,title,topic")  # the first byte comes before the records are read
    body = first + b"".join(chunks)
    response.close()
    assert b"Job coaches" in body
    assert "make_open_data" in queued_names()
    run_worker(app)
    made = list(open_files.folder("riverside-ld").glob("*.records.csv"))
    again = client.get("/boards/riverside-ld/said-did/records.csv")
    assert len(made) == 1 and again.headers["ETag"].strip('"') + ".records.csv" == made[0].name
    assert again.get_data() == body


def test_a_change_has_the_worker_make_the_files_again_a_little_later(app, cast, db, client, audio, signed_in):
    from coprod.tasks import huey
    from conftest import run_worker

    record_id = _board_with_a_record(db, cast)
    secretary = signed_in(cast.secretary)  # through a page: the board is known, only its files go
    secretary.get("/boards/riverside-ld/said-did/manage")
    huey.flush()
    edited = secretary.post(f"/boards/riverside-ld/said-did/{record_id}/edit", {
        "title": "Paid jobs", "said_text": "We want paid jobs.", "topic": "work", "did_text": "The council pays.",
        "did_picture": "job", "meeting": "", "proposal": ""})
    assert edited.status_code == 302
    jobs = [task for task in huey.pending() if task.name == "make_open_data"]
    assert len(jobs) == 1 and jobs[0].args == ("riverside-ld",)
    assert jobs[0].eta is not None  # waits a little: changes come in bursts
    run_worker(app)
    made = list(open_files.folder("riverside-ld").glob("*.records.json"))
    assert len(made) == 1 and "Paid jobs" in made[0].read_text()
    response = client.get(URL)
    assert response.headers["ETag"].strip('"') + ".records.json" == made[0].name


def test_erasing_a_named_asker_takes_their_name_out_of_files_and_pages(app, cast, db, factory, client):
    from datetime import timedelta

    from coprod.models import Meeting, Question, QuestionStatus, RecordQuestion, utcnow
    from coprod.privacy import erasure

    zelda = factory.person("Zelda Quartermaine", board=cast.board)
    record_id = _board_with_a_record(db, cast)
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Autumn meeting", place="Library",
                          starts_dt=utcnow() - timedelta(days=20))
        session.add(meeting)
        session.flush()
        question = Question(board_id=cast.board.id, meeting_id=meeting.id, asker_id=zelda.id, show_name=True,
                            text="Can we have job coaches?", status=QuestionStatus.ON_AGENDA,
                            sent_dt=utcnow() - timedelta(days=10))
        session.add(question)
        session.flush()
        session.add(RecordQuestion(record_id=record_id, question_id=question.id))
    with app.test_request_context():
        open_files.build("riverside-ld")
    assert "Zelda" in "".join(path.read_text() for path in open_files.folder().rglob("*.json"))
    assert "Zelda" in client.get(URL).get_data(as_text=True)
    page = f"/boards/riverside-ld/said-did/{record_id}"
    assert "Zelda" in client.get(page).get_data(as_text=True)  # the record's page, now cached

    with app.test_request_context():
        erasure.erase(zelda.id, ledger=False)
        _db.session.commit()
    assert "Zelda" not in "".join(path.read_text() for path in open_files.folder().rglob("*.*"))
    assert "Zelda" not in client.get(URL).get_data(as_text=True)
    assert "Zelda" not in client.get(page).get_data(as_text=True)


def test_streaming_works_where_the_server_has_no_app_context(app, cast, db, audio):
    """A real server (gunicorn) reads a streamed answer after the request's context is gone. Here
    the request and the reading happen in a thread of their own, which starts with no context, as a
    server's worker does (the test's own app context stays in this thread)."""
    import threading

    _board_with_a_record(db, cast)
    got: dict = {}

    def download():
        try:
            response = app.test_client().get("/boards/riverside-ld/said-did/records.csv", buffered=False)
            got["body"] = b"".join(response.response)
            response.close()
        except Exception as error:  # noqa: BLE001 - reported below
            got["error"] = repr(error)

    thread = threading.Thread(target=download)
    thread.start()
    thread.join(60)
    assert "error" not in got, got.get("error")
    assert b"Job coaches" in got["body"]


def test_the_api_sends_the_same_records_without_building_them_whole(app, cast, db, client, audio):
    """/api/boards/<slug>/records is records.json, read in place (not a download); one record's
    address reads that record only and says what the file says of it."""
    import json

    record_id = _board_with_a_record(db, cast)
    api = client.get("/boards/riverside-ld/said-did/records.json")
    listed = client.get("/api/boards/riverside-ld/records")
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    assert "attachment" not in listed.headers.get("Content-Disposition", "")
    assert json.loads(listed.get_data()) == json.loads(api.get_data())
    one = client.get(f"/api/boards/riverside-ld/records/{record_id}").get_json()
    assert one == next(r for r in json.loads(api.get_data())["records"] if r["id"] == record_id)
    assert client.get("/api/boards/riverside-ld/records/999999").status_code == 404
