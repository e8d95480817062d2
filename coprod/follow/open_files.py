"""Open data files: made by the worker once per change, then sent as files.

A board's records.json, records.csv and actions.csv were built whole in memory on every request
(seconds and megabytes at national size). Now:

- After a commit that changed what the open data holds (coprod/change_stamps.py, `data:<slug>`),
  the board's files are removed at once (so an erased or unpublished thing is gone from the disk
  too) and the worker makes them again (`coprod.tasks.make_open_data`).
- A file is named by the board's change stamp and the day (whether an action is late depends on
  the day): `<instance>/open-data/<slug>/<stamp>.<kind>`. Written to a temporary file, then renamed,
  so a reader never gets half a file. Only the newest set is kept.
- A request for a file that is there gets it with `send_file` (first byte at once, an ETag, 304 when
  the browser has it). A file not made yet is streamed from the database in pages of BATCH records
  (the same statements for each page, memory flat), and the worker is asked to make it.

The content is the same as `coprod.follow.exports` made from `queries.open_records` (a test
compares them).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from flask import Response, current_app, request, send_file
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from coprod import change_stamps
from coprod.extensions import db
from coprod.follow import exports, queries
from coprod.models import Action, Board, Question, Record, RecordQuestion, RecordStatus
from coprod.paths import instance_path

# Records read at a time: with about 3 actions each, one page's actions stay under selectinload's
# 500 rows per statement, so every page costs the same 7 statements.
BATCH = 100

KINDS = {
    "records.json": ("application/json", "{slug}-you-said-we-did.json"),
    "records.csv": ("text/csv", "{slug}-records.csv"),
    "actions.csv": ("text/csv", "{slug}-actions.csv"),
}

# Seconds the worker waits after a change before making the files: the changes of a busy hour (a
# secretary adding actions one by one, questions coming in) are mostly made into one set of files,
# since a job finds the files for the newest stamp already made. Readers meanwhile get the answer
# streamed, which is as right, only slower for the server.
REBUILD_DELAY = 30


def folder(slug: str | None = None) -> Path:
    base = instance_path() / "open-data"
    return base / slug if slug else base


def stamp(slug: str, today: date) -> str:
    """What the board's files are named by: its open-data change stamp and the day."""
    return hashlib.sha256(f"{change_stamps.stamp_of(change_stamps.data(slug))}\n{today}".encode()).hexdigest()[:24]


# ---- reading the database a page at a time ----------------------------------------------------------

def record_pages(board_id: int, today: date) -> Iterator[list[dict]]:
    """The board's published records as open data, newest first, BATCH at a time (keyset pages)."""
    last = None
    while True:
        query = (select(Record).where(Record.board_id == board_id, Record.status == RecordStatus.PUBLISHED)
                 .options(selectinload(Record.actions).selectinload(Action.updates),
                          selectinload(Record.links).selectinload(RecordQuestion.question)
                          .selectinload(Question.asker))
                 .order_by(Record.published_dt.desc(), Record.id.desc()).limit(BATCH))
        if last is not None:
            query = query.where(or_(Record.published_dt < last[0],
                                    and_(Record.published_dt == last[0], Record.id < last[1])))
        records = list(db.session.scalars(query))
        if not records:
            return
        feelings = queries.feelings_for([r.id for r in records])
        page = [queries.record_data(r, feelings[r.id], today) for r in records]
        last = (records[-1].published_dt, records[-1].id)
        # Loaded rows are not needed again: memory stays flat however many pages there are. Done
        # before the page is handed on: the next page may be read in another session (_streamed).
        for record in records:
            db.session.expunge(record)
        yield page
        if len(records) < BATCH:
            return


def pieces(kind: str, board_id: int, slug: str, today: date) -> Iterator[str]:
    """The file's text, a page of records at a time."""
    if kind == "records.json":
        yield '{\n  "board": ' + json.dumps(slug, ensure_ascii=False) + ',\n  "records": ['
        first = True
        for page in record_pages(board_id, today):
            # As json.dumps(indent=2) writes a record two levels down.
            text = ",\n".join("    " + json.dumps(r, ensure_ascii=False, indent=2).replace("\n", "\n    ")
                              for r in page)
            yield ("\n" if first else ",\n") + text
            first = False
        yield "]\n}" if first else "\n  ]\n}"
    elif kind == "records.csv":
        yield exports.csv_text([exports.RECORD_COLUMNS])
        for page in record_pages(board_id, today):
            yield exports.csv_text([exports.record_row(r) for r in page])
    else:
        yield exports.csv_text([exports.ACTION_COLUMNS])
        for page in record_pages(board_id, today):
            yield exports.csv_text([row for r in page for row in exports.action_rows(r)])


# ---- made by the worker ---------------------------------------------------------------------------

def build(slug: str) -> list[str]:
    """Make the board's three files for its stamp now (worker). The stamp is read before the data,
    so the files are never named by a stamp newer than what they hold. Returns the paths made."""
    from coprod.follow.services import today as board_today

    today = board_today()
    name = stamp(slug, today)
    board = db.session.scalar(select(Board).where(Board.slug == slug))
    if board is None:
        remove(slug)
        return []
    target = folder(slug)
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for kind in KINDS:
        path = target / f"{name}.{kind}"
        if not path.exists():
            temporary = target / f".{name}.{kind}.{secrets.token_hex(4)}.tmp"
            with temporary.open("w", encoding="utf-8", newline="") as out:
                for piece in pieces(kind, board.id, slug, today):
                    out.write(piece)
            os.replace(temporary, path)
        made.append(str(path))
    for old in target.iterdir():  # only the newest set is kept
        if not old.name.startswith(name + ".") and not old.name.startswith("."):
            old.unlink(missing_ok=True)
    return made


def remove(slug: str) -> None:
    """Remove a board's files (`*`: every board's): at once, when what they hold changed."""
    shutil.rmtree(folder(None if slug == "*" else slug), ignore_errors=True)


def queue_rebuild(slugs: list[str]) -> None:
    """After a commit (coprod/change_stamps.py): the old files go now, new ones are made by the
    worker. For a change to every board (`*`) files are made again only when someone asks."""
    from coprod.tasks import huey, make_open_data

    for slug in slugs:
        remove(slug)
        if slug == "*" or huey.immediate:  # tests make files by hand; immediate mode would run it in the commit
            continue
        try:
            make_open_data.schedule((slug,), delay=REBUILD_DELAY)
        except Exception as error:
            current_app.logger.warning("open data: could not queue a job (%s)", type(error).__name__)


# ---- sending -------------------------------------------------------------------------------------

def send(board: Board, kind: str, today: date, attachment: bool = True) -> Response:
    """The file if it is made, else the same text streamed from the database (and the worker asked
    to make it). Both with the stamp as ETag: 304 when the browser has this version. `attachment`:
    a download with a file name (the API sends the same JSON to be read in place)."""
    mimetype, download = KINDS[kind]
    disposition = {"Content-Disposition": f"attachment; filename={download.format(slug=board.slug)}"} if attachment else {}
    try:
        name = stamp(board.slug, today)
    except Exception:  # the shared cache is down: the data straight from the database, without an ETag
        current_app.logger.exception("open data: no change stamp")
        return Response(_streamed(kind, board.id, board.slug, today), mimetype=mimetype, headers=disposition)
    path = folder(board.slug) / f"{name}.{kind}"
    if path.is_file():
        try:
            return send_file(path, mimetype=mimetype, as_attachment=attachment,
                             download_name=download.format(slug=board.slug), conditional=True, etag=name, max_age=0)
        except FileNotFoundError:
            pass  # removed by a change just now: stream the new data
    if name in request.if_none_match:
        response = Response(status=304)
        response.set_etag(name)
        return response
    _queue_after_request(board.slug)
    response = Response(_streamed(kind, board.id, board.slug, today), mimetype=mimetype, headers=disposition)
    response.set_etag(name)
    return response


def _streamed(kind: str, board_id: int, slug: str, today: date) -> Iterator[str]:
    """The text, read as the server sends it, after the request is over. Each piece is read in a
    short app context of its own (a new database session each page: the keyset needs no state but
    the last record's place), and no context is held between pieces: an answer never read to the
    end (a closed connection) leaves nothing behind. The app is taken now, in the request: the
    generator runs after the request's context is gone."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _pieces_in_contexts(app, pieces(kind, board_id, slug, today))


def _pieces_in_contexts(app, text: Iterator[str]) -> Iterator[str]:
    while True:
        with app.app_context():
            piece = next(text, None)
        if piece is None:
            return
        yield piece


def _queue_after_request(slug: str) -> None:
    from coprod import outbox
    from coprod.tasks import huey, make_open_data

    if huey.immediate:
        return
    outbox.after_transaction(_queue, make_open_data, slug)


def _queue(task, slug: str) -> None:
    try:
        task(slug)
    except Exception as error:
        current_app.logger.warning("open data: could not queue a job (%s)", type(error).__name__)
