"""Papers for agenda items: PDF files, each with its easy-read version beside it.

What arrives is checked by its content (never its name or the browser's type): it must open as a PDF
with pypdf, not be locked with a password, and be at most MAX_BYTES. We keep the file as it came,
under a random name in PAPER_DIR, and serve it only through our own route, which checks the meeting
is public (or that the reader is its secretary) and tells the browser to treat it as a document in a
sandbox (no scripts, no forms sent anywhere).

Who sees a paper: everyone, once its meeting's agenda is published (the same as the agenda); before
that, only the board's secretaries. Kept: as long as the meeting (the board's public record).
Removed: by the secretary (the file goes after the commit). Papers are not a person's data; who added
one is kept for the secretary's page and cleared when that person is erased.
"""

from __future__ import annotations

import io
import logging
import secrets
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import inspect, select

from coprod import audit, outbox
from coprod.errors import Refused
from coprod.extensions import db
from coprod.models import AgendaItem, Meeting, User
from coprod.models.paper import Paper

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
_NAME_LENGTH = 32  # hex characters


class PaperRefused(Refused):
    """The file or the words cannot be used; the message is easy read and goes next to `field`."""


def folder() -> Path:
    return Path(current_app.config["PAPER_DIR"])


def path_of(name: str | None) -> Path | None:
    """The kept file for a name we made, or None (never a path from outside the folder)."""
    stem, _dot, extension = (name or "").partition(".")
    if extension != "pdf" or len(stem) != _NAME_LENGTH or any(c not in "0123456789abcdef" for c in stem):
        return None
    path = folder() / name
    return path if path.is_file() else None


def _checked_pdf(upload: BinaryIO, field: str) -> tuple[bytes, int]:
    """The file's bytes and its number of pages, or a refusal next to `field`."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    data = upload.read(MAX_BYTES + 1)
    if not data:
        raise PaperRefused(_("This file is empty. Choose the PDF file again."), field=field)
    if len(data) > MAX_BYTES:
        raise PaperRefused(_("This file is too big. It can be up to 20 MB."), field=field)
    if not data.startswith(b"%PDF-"):
        raise PaperRefused(_("This file is not a PDF. Choose a PDF file."), field=field)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PaperRefused(_("This PDF is locked with a password. Choose a PDF without a password."),
                               field=field)
        pages = len(reader.pages)
    except PaperRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise PaperRefused(_("This PDF is broken. We cannot open it. Choose the PDF file again."),
                           field=field) from None
    if pages == 0:
        raise PaperRefused(_("This PDF has no pages. Choose the PDF file again."), field=field)
    return data, pages


def store_file(data: bytes) -> str:
    """Write the file under a new random name, whole or not at all; the name is returned."""
    name = secrets.token_hex(_NAME_LENGTH // 2) + ".pdf"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    partial = target / (name + ".part")
    partial.write_bytes(data)
    partial.replace(target / name)
    # Written before the commit: if the request then fails, the file no row names is removed a day
    # later by the retention job (coprod/privacy/retention.py, unused_papers).
    return name


def unused_files(older_than: float) -> list[Path]:
    """Files in the folder that no paper names, last changed before `older_than` (a timestamp)."""
    if not folder().is_dir():
        return []
    known = set(db.session.scalars(select(Paper.file_name))) | set(
        db.session.scalars(select(Paper.easy_file_name).where(Paper.easy_file_name.isnot(None))))
    return [path for path in folder().iterdir()
            if path.is_file() and path.name not in known and path.stat().st_mtime < older_than]


def remove_files(names: list[str]) -> None:
    for name in names:
        path = path_of(name)
        try:
            if path is not None:
                path.unlink(missing_ok=True)
        except OSError as error:  # no file name in the log
            log.error("papers: could not delete a file (%s)", type(error).__name__)


def add(item: AgendaItem, meeting: Meeting, *, title: str, paper: BinaryIO, easy: BinaryIO | None,
        reason: str, by: User) -> Paper:
    """A new paper for `item`. The easy-read version or a reason is asked for here too, so nothing
    waits to be found at publishing time; it can be left for later only while the agenda is a draft."""
    title, reason = title.strip(), (reason or "").strip()
    if not title:
        raise PaperRefused(_("Type a name for the paper."), field="title")
    data, pages = _checked_pdf(paper, "paper")
    easy_data, easy_pages = _checked_pdf(easy, "easy_read") if easy is not None else (None, None)
    if easy_data is None and not reason and meeting.agenda_is_public:
        raise PaperRefused(_("The agenda is published. Add the easy-read version, or say why there is none."),
                           field="easy_read")
    found = Paper(board_id=meeting.board_id, agenda_item_id=item.id, title=title, file_name=store_file(data),
                  pages=pages, byte_size=len(data), no_easy_read_reason="" if easy_data else reason,
                  added_by_id=by.id)
    if easy_data is not None:
        found.easy_file_name, found.easy_pages, found.easy_byte_size = store_file(easy_data), easy_pages, len(easy_data)
    db.session.add(found)
    db.session.flush()
    audit.record("paper.add", target=found, board_id=meeting.board_id, actor=by, detail=f"item {item.id}")
    return found


def add_easy_read(found: Paper, meeting: Meeting, *, easy: BinaryIO | None, reason: str, by: User) -> None:
    """Give a paper its easy-read version (or change the reason there is none)."""
    reason = (reason or "").strip()
    if easy is None and not reason:
        raise PaperRefused(_("Choose the easy-read PDF, or say why there is none."), field="easy_read")
    old = found.easy_file_name
    if easy is not None:
        data, pages = _checked_pdf(easy, "easy_read")
        found.easy_file_name, found.easy_pages, found.easy_byte_size = store_file(data), pages, len(data)
        found.no_easy_read_reason = ""
        if old:
            outbox.after_commit(remove_files, [old])
    else:
        if old:
            outbox.after_commit(remove_files, [old])
        found.easy_file_name = found.easy_pages = found.easy_byte_size = None
        found.no_easy_read_reason = reason
    audit.record("paper.easy-read", target=found, board_id=meeting.board_id, actor=by,
                 detail="file" if easy is not None else "reason")
    db.session.flush()


def remove(found: Paper, meeting: Meeting, *, by: User) -> None:
    outbox.after_commit(remove_files, [name for name in (found.file_name, found.easy_file_name) if name])
    audit.record("paper.remove", target=found, board_id=meeting.board_id, actor=by, detail=found.title[:80])
    db.session.delete(found)
    db.session.flush()


def for_meeting(meeting: Meeting) -> dict[int, list[Paper]]:
    """The meeting's papers by agenda item, read once per request however many items ask."""
    cache = g.setdefault("coprod_papers", {})
    if meeting.id not in cache:
        rows = db.session.scalars(
            select(Paper).join(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
            .where(AgendaItem.meeting_id == meeting.id).order_by(Paper.agenda_item_id, Paper.id)).all()
        found: dict[int, list[Paper]] = defaultdict(list)
        for paper in rows:
            found[paper.agenda_item_id].append(paper)
        cache[meeting.id] = dict(found)
    return cache[meeting.id]


def of_item(meeting: Meeting, item: AgendaItem) -> list[Paper]:
    """The item's papers: already loaded with the meeting (services.meeting_on), else read with all
    of the meeting's at once."""
    if "papers" not in inspect(item).unloaded:
        return list(item.papers)
    return for_meeting(meeting).get(item.id, [])


def waiting_for_easy_read(meeting: Meeting) -> list[Paper]:
    """Papers that stop the agenda being published: no easy-read version and no reason."""
    return [paper for papers in for_meeting(meeting).values() for paper in papers if not paper.ready_to_publish]


def paper_on(meeting: Meeting, paper_id: int) -> Paper | None:
    """The paper, if it belongs to one of this meeting's items (a per-record check)."""
    return db.session.scalar(select(Paper).join(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
                             .where(Paper.id == paper_id, AgendaItem.meeting_id == meeting.id))

