"""Asking for a "My data" file, making it in the worker, giving it only to the right people,
and removing it when it expires or the person is erased.

- `ask(person, by=...)`: in the request; the row says "being made" and the job is queued after the
  commit (coprod/outbox.py). A secretary or admin asking for someone (a request on paper) is audited.
- `build(export_id)`: in the worker (coprod/tasks.py make_data_export); commits itself.
- `may_download(export, user)`: only the person, or the staff member who asked for them.
- `remove_expired_exports(now)` and `remove_exports_for(user_id)`: for the retention job and for
  erasure. They change the session's rows (the caller commits) and remove files after the commit.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy import delete, select, update

from coprod import audit, outbox
from coprod.extensions import db
from coprod.models import AccountNotice, DataExport, ExportStatus, NoticeKind, User, utcnow
from coprod.my_data.collect import collect, counts
from coprod.permissions import may_give_way_in

log = logging.getLogger(__name__)

# A file still "being made" after this long was lost (a worker or queue that was down): asking
# again makes a new one.
STUCK_AFTER = timedelta(hours=1)
_NAME_LENGTH = 32


def folder() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def path_of(name: str | None) -> Path | None:
    """The file for a name we made, or None (never a path from outside the folder)."""
    stem, _dot, extension = (name or "").partition(".")
    if extension != "zip" or len(stem) != _NAME_LENGTH or not all(c in "0123456789abcdef" for c in stem):
        return None
    path = folder() / (name or "")
    return path if path.is_file() else None


def keep_for() -> timedelta:
    return timedelta(days=current_app.config["KEEP_EXPORT_DAYS"])


# ---- who may ---------------------------------------------------------------------------------------

def may_make_for(actor: User, person: User) -> bool:
    """May `actor` make a file of `person`'s data (a request on paper)? The file holds the whole
    account - every board - so the same people who may give a way in to it: a site admin, or a
    secretary of every board the person is on (coprod.permissions.may_give_way_in)."""
    return actor.id == person.id or may_give_way_in(actor, person)


def may_download(export: DataExport, user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if export.user_id == user.id:
        return True
    if export.asked_by_id != user.id:
        return False
    person = db.session.get(User, export.user_id, options=[selectinload(User.memberships)])
    return person is not None and may_make_for(user, person)


def ready_file(export: DataExport, now: datetime | None = None) -> Path | None:
    now = now or utcnow()
    if export.status != ExportStatus.READY or export.expires_dt is None or export.expires_dt <= now:
        return None
    return path_of(export.file_name)


# ---- asking ----------------------------------------------------------------------------------------

def ask(person: User, *, by: User, language: str | None = None, board=None) -> DataExport:
    """Ask for a file of `person`'s data. Asking again while one is being made gives that one."""
    now = utcnow()
    waiting = db.session.scalar(select(DataExport).where(
        DataExport.user_id == person.id, DataExport.asked_by_id == by.id, DataExport.status == ExportStatus.MAKING))
    if waiting is not None:
        if waiting.created_dt > now - STUCK_AFTER:
            return waiting
        waiting.status = ExportStatus.FAILED
    on_paper = by.id != person.id
    export = DataExport(user_id=person.id, asked_by_id=by.id, on_paper=on_paper,
                        language=language or person.locale or "en", status=ExportStatus.MAKING, created_dt=now)
    db.session.add(export)
    db.session.flush()
    if on_paper:
        grounds = "allowed as site admin" if by.is_admin else "allowed as secretary of every board the person is on"
        audit.record("my-data.on-paper", target=person, board=board, actor=by, detail=f"file {export.id}; {grounds}")
    else:
        audit.record("my-data.ask", target=person, actor=by, detail=f"file {export.id}")
    outbox.after_commit(_queue, export.id)
    return export


def _queue(export_id: int) -> None:
    from coprod.tasks import huey, make_data_export

    if huey.immediate:
        # Immediate mode (tests) would make the file inside the commit hook of the request. A file is
        # never made in a web request: it is left for a worker (tests run one).
        return
    make_data_export(export_id)


def exports_of(user: User) -> tuple[list[DataExport], list[tuple[DataExport, str]]]:
    """(files of my data, newest first; files I made for others, with their names)."""
    mine = list(db.session.scalars(select(DataExport).where(DataExport.user_id == user.id)
                                   .order_by(DataExport.id.desc()).limit(20)))
    others = [(row[0], row[1]) for row in db.session.execute(
        select(DataExport, User.name).join(User, User.id == DataExport.user_id)
        .where(DataExport.asked_by_id == user.id, DataExport.user_id != user.id)
        .order_by(DataExport.id.desc()).limit(50))]
    return mine, others


# ---- making (in the worker) --------------------------------------------------------------------------

STYLE = """body{font-family:sans-serif;font-size:1.25rem;line-height:1.5;max-width:48rem;margin:1rem auto;padding:0 1rem;color:#111}
.point{display:flex;gap:1rem;align-items:flex-start;margin:1rem 0}.point img{flex:none}
h1,h2{line-height:1.2}section{border-top:2px solid #ccc;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.4rem;text-align:left;vertical-align:top}
audio{width:100%}
"""


def build(export_id: int) -> str:
    """Make the zip for one asked-for file, mark it ready and tell the people concerned. Commits."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status != ExportStatus.MAKING:
        return "nothing to do"
    folder().mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(_NAME_LENGTH // 2) + ".zip"
    path = folder() / name
    try:
        person = db.session.get(User, export.user_id)
        assert person is not None
        # Words such as topic names are in the person's language: gathered and written in a request's
        # context in that language (a worker has no request of its own).
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), \
                force_locale(export.language):
            collected = collect(export.user_id)
            from coprod.payments.services import pounds
            pictures: set[str] = set()

            def pic(picture: str) -> str:
                pictures.add(picture)
                return f"pictures/{picture}.svg"

            html = render_template("my_data/file.html", data=collected.data, counts=counts(collected.data),
                                   person=person, made=utcnow(), on_paper=export.on_paper,
                                   pic=pic, money=pounds)
        _write_zip(path, html, collected.data, collected.files, pictures)
        now = utcnow()
        export.file_name, export.byte_size = name, path.stat().st_size
        export.status, export.ready_dt, export.expires_dt = ExportStatus.READY, now, now + keep_for()
        _tell(export)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        path.unlink(missing_ok=True)
        # Only the file's id and the kind of error: the data is personal.
        log.error("my data: file %s could not be made (%s)", export_id, type(error).__name__)
        failed = db.session.get(DataExport, export_id)
        if failed is not None:
            failed.status = ExportStatus.FAILED
            db.session.commit()
        return "failed"
    return "ready"


def _write_zip(path: Path, html: str, data: dict[str, Any], files: dict[str, Path], pictures: set[str]) -> None:
    from coprod.pictures import symbols

    partial = path.with_suffix(".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", html)
        archive.writestr("style.css", STYLE)
        archive.writestr("my-data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for picture in sorted(pictures):
            symbol = symbols.symbol_path(picture)
            if symbol is not None:
                archive.write(symbol, f"pictures/{picture}.svg")
        for zip_name, source in sorted(files.items()):
            if source.is_file():
                archive.write(source, zip_name)
    os.replace(partial, path)


def _tell(export: DataExport) -> None:
    """An account notice on the Updates page (and an email if they have an address) for whoever asked,
    and for the person too when staff asked for them (a file of your data you did not ask for is a
    warning sign)."""
    from coprod.mail import send_email

    for user_id in dict.fromkeys(i for i in (export.asked_by_id, export.user_id) if i is not None):
        db.session.add(AccountNotice(user_id=user_id, kind=NoticeKind.EXPORT_READY))
        user = db.session.get(User, user_id)
        if user is not None and user.email:
            with force_locale(user.locale or "en"):
                subject = _("Your My data file is ready")
                body = "\n\n".join([_("Hello %(name)s.", name=user.name), ready_line(),
                                    current_app.config["PUBLIC_URL"].rstrip("/") + "/account/my-data"])
            send_email(user.email, subject, body)


def ready_line() -> str:
    return _("A My data file is ready. Open My data on My account to download it. It is kept for %(days)s days.",
             days=current_app.config["KEEP_EXPORT_DAYS"])


# ---- removing ----------------------------------------------------------------------------------------

def _remove_files(names: list[str]) -> None:
    for name in names:
        path = path_of(name)
        if path is not None:
            path.unlink(missing_ok=True)


def remove_expired_exports(now: datetime) -> list[dict[str, Any]]:
    """Files past their time: the file is removed (after the caller's commit), the row says expired.
    Returns what was removed: [{"id", "user_id", "bytes"}] (ids only: this goes into reports)."""
    expired = list(db.session.scalars(select(DataExport).where(
        DataExport.status == ExportStatus.READY, DataExport.expires_dt <= now)))
    removed: list[dict[str, Any]] = []
    names: list[str] = []
    for export in expired:
        removed.append({"id": export.id, "user_id": export.user_id, "bytes": export.byte_size or 0})
        if export.file_name:
            names.append(export.file_name)
        export.status, export.file_name = ExportStatus.EXPIRED, None
    # Files that stayed behind (a worker that died half way): none of them is named by a ready row.
    if folder().is_dir():
        live = set(db.session.scalars(select(DataExport.file_name).where(DataExport.status == ExportStatus.READY)))
        cutoff = (now - timedelta(days=1)).timestamp()
        for stray in folder().iterdir():
            if stray.name not in live and stray.name not in names and stray.stat().st_mtime < cutoff:
                removed.append({"id": None, "user_id": None, "bytes": stray.stat().st_size})
                outbox.after_commit(stray.unlink, True)
    if names:
        outbox.after_commit(_remove_files, names)
    db.session.flush()
    return removed


def remove_exports_for(user_id: int) -> list[dict[str, Any]]:
    """Erasure: every file of this person's data goes (rows now, files after the caller's commit), and
    files they made for others no longer name them as the asker. Returns [{"id", "bytes"}] removed."""
    rows = list(db.session.scalars(select(DataExport).where(DataExport.user_id == user_id)))
    names = [row.file_name for row in rows if row.file_name]
    removed = [{"id": row.id, "bytes": row.byte_size or 0} for row in rows]
    db.session.execute(delete(DataExport).where(DataExport.user_id == user_id))
    db.session.execute(update(DataExport).where(DataExport.asked_by_id == user_id).values(asked_by_id=None))
    if names:
        outbox.after_commit(_remove_files, names)
    db.session.flush()
    return removed


__all__ = ["ask", "build", "may_download", "may_make_for", "ready_file", "remove_expired_exports",
           "remove_exports_for", "exports_of"]
