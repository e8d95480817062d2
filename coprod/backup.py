"""Backup and restore: the database and the files that cannot be made again, in one checked archive.

The archive is a plain tar file:

    database.sqlite | database.pgdump     the database (SQLite online backup / pg_dump custom format)
    files/question-audio/...              spoken questions (QUESTION_AUDIO_DIR)
    files/pictures/...                    uploaded pictures (PICTURE_DIR)
    files/papers/...                      meeting papers, PDF (PAPER_DIR)
    files/receipts/...                    photos of travel receipts for involvement payments (RECEIPT_DIR)
    manifest.json                         last: format, time (UTC), engine, Alembic revision, and the
                                          SHA-256 and size of every other member

The audio cache (AUDIO_DIR) is not in it: it is made again from the pages. The secret keys, the job
queue and the erasure ledger are not in it either (see the README).

Restore reads the whole archive and checks it before it changes anything. It then builds the new
site beside the old one (a new SQLite file, new folders), migrates it, and swaps it in with renames
listed first in a small journal file, so a crash in the middle is finished by the next `coprod
restore`, `coprod migrate` or `coprod serve` (roll forward: everything it swaps in was checked).
On PostgreSQL the old schema is dropped and the backup loaded in one transaction (psql
--single-transaction): other connections see the old data or the new, never a mixture.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from flask import Flask, current_app

FORMAT = "coprod-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
# config key -> folder name inside the archive (under files/)
FILE_FOLDERS = {"QUESTION_AUDIO_DIR": "question-audio", "PICTURE_DIR": "pictures", "PAPER_DIR": "papers",
                "RECEIPT_DIR": "receipts"}
JOURNAL_NAME = "restore-journal.json"
LEDGER_NAME = "erasure-ledger.jsonl"
_CHUNK = 1024 * 1024
_MAX_MANIFEST = 64 * 1024 * 1024


class BackupError(Exception):
    """Something the person running the command must be told (a clear message, exit code 1)."""


class DamagedBackup(BackupError):
    pass


# ---- small helpers ---------------------------------------------------------------------------------

def _utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _engine_name(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups are made of SQLite and PostgreSQL databases only, not {url.split(':')[0]}.")


def _sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("This SQLite database is in memory: there is nothing on disk to back up.")
    return Path(database).resolve()


def _pg_connection(url: str) -> tuple[list[str], dict]:
    """Arguments and environment for pg_dump / pg_restore / psql. The password goes only into
    PGPASSWORD (never on the command line, where `ps` shows it, and never into a log)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    args = []
    query = dict(parsed.query)
    host = parsed.host or query.get("host")
    if host:
        args += ["--host", str(host)]
    if parsed.port or query.get("port"):
        args += ["--port", str(parsed.port or query.get("port"))]
    if parsed.username or query.get("user"):
        args += ["--username", str(parsed.username or query.get("user"))]
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    if query.get("sslmode"):
        env["PGSSLMODE"] = str(query["sslmode"])
    args += ["--no-password", "--dbname", parsed.database or "postgres"]
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        # The tools' own messages name tables and errors, never the password (it is not an argument).
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def _pg_schema() -> str:
    from sqlalchemy import text

    from coprod.extensions import db

    with db.engine.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar_one()


def _script_directory():
    from alembic.script import ScriptDirectory

    from coprod.paths import PROJECT_ROOT

    return ScriptDirectory(str(PROJECT_ROOT / "coprod" / "migrations"))


def revision_is_known(revision: str | None) -> bool:
    if not revision:
        return False
    try:
        return _script_directory().get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown or malformed id
        return False


def _head_revision() -> str | None:
    return _script_directory().get_current_head()


def _folders(app: Flask) -> dict[str, Path]:
    """archive folder name -> folder on disk."""
    return {name: Path(app.config[key]).resolve() for key, name in FILE_FOLDERS.items()}


def _files_in(folder: Path) -> Iterator[tuple[str, Path]]:
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path.relative_to(folder).as_posix(), path


# ---- the erasure ledger ----------------------------------------------------------------------------

def ledger_path(app: Flask | None = None) -> Path:
    """The erasure ledger lives outside every backup: COPROD_ERASURE_LEDGER or the instance folder."""
    app = app or current_app
    configured = app.config.get("ERASURE_LEDGER") or os.environ.get("COPROD_ERASURE_LEDGER")
    return Path(configured) if configured else Path(app.instance_path) / LEDGER_NAME


def _ledger_outside_the_folders(app: Flask) -> None:
    ledger = ledger_path(app).resolve()
    if any(ledger.is_relative_to(folder) for folder in _folders(app).values()):
        raise BackupError("The erasure ledger must not be inside the folders that are backed up and "
                          "restored: set COPROD_ERASURE_LEDGER to a file outside them.")


def record_erasure(user_id: int, *, app: Flask | None = None) -> None:
    """Note that a person was erased (coprod/privacy/erasure.py calls this), by id only (never a name or
    email), so a restore of an older backup can erase them again. Appended and synced."""
    path = ledger_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"user_id": int(user_id), "erased_utc": _utcnow()}) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_erasure_ledger(app: Flask | None = None) -> list[dict]:
    path = ledger_path(app)
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            int(entry["user_id"])
        except (ValueError, KeyError, TypeError):
            raise BackupError(f"The erasure ledger {path} is damaged at line {number}: "
                              "fix it before restoring, or erased people could come back.") from None
        entries.append(entry)
    return entries


def apply_erasure_ledger(entries: list[dict]) -> list[dict]:
    """Called by restore, inside an app context on the restored database, with every ledger entry:
    erases each listed person again with the same service an admin uses (coprod/privacy/erasure.py),
    without adding to the ledger. People already erased in the backup are skipped. Their files are
    deleted from the restored folders after restore commits. Returns the entries it could not apply."""
    from coprod.privacy.erasure import erase_ledger_entries

    return erase_ledger_entries(entries)


# ---- backup ----------------------------------------------------------------------------------------

class _HashingReader(io.RawIOBase):
    """Reads exactly `size` bytes of a file, hashing them on the way into the tar."""

    def __init__(self, handle, size: int):
        self.handle, self.left, self.sha = handle, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.handle.read(n)
        if len(data) < n:
            raise BackupError("A file shrank while it was being backed up. Run the backup again.")
        self.left -= len(data)
        self.sha.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path, members: list[dict]) -> None:
    try:
        handle = open(path, "rb")
    except FileNotFoundError:  # removed since we listed it (e.g. a pending picture): not needed
        return
    with handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(handle.fileno()).st_mtime)
        reader = _HashingReader(handle, size)
        tar.addfile(info, reader)
        members.append({"name": name, "size": size, "sha256": reader.sha.hexdigest()})


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(timezone.utc).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _dump_sqlite(url: str, target: Path) -> str | None:
    """A consistent copy through SQLite's online backup API, while the site keeps running."""
    source_path = _sqlite_path(url)
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The database failed SQLite's integrity check: the backup was not made.")
        return _sqlite_revision(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def _dump_postgresql(url: str, target: Path, schema: str) -> str | None:
    from sqlalchemy import text

    from coprod.extensions import db

    args, env = _pg_connection(url)
    # pg_dump reads one snapshot: consistent while the site runs.
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
          f"--file={target}", *args], env, "pg_dump")
    with db.engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:
            return None


def make_backup(target: Path, app: Flask | None = None) -> dict:
    """Write the archive to `target` (a temporary file beside it, then renamed; mode 0600)."""
    app = app or current_app
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = _engine_name(url)
    target = Path(target).resolve()
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    _ledger_outside_the_folders(app)
    for folder in _folders(app).values():
        if target.is_relative_to(folder):
            raise BackupError("Keep the backup outside the folders it backs up.")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".coprod-backup-") as work:
        work_dir = Path(work)
        database_file = work_dir / DATABASE_MEMBERS[engine]
        extra = {}
        if engine == "sqlite":
            revision = _dump_sqlite(url, database_file)
        else:
            from coprod.extensions import db

            extra["postgresql_schema"] = _pg_schema()
            revision = _dump_postgresql(url, database_file, extra["postgresql_schema"])
            db.engine.dispose()
        if not revision_is_known(revision):
            raise BackupError("The database has no migration revision this code knows: run `coprod migrate` first.")
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
        try:
            members: list[dict] = []
            with os.fdopen(fd, "wb") as out:
                with tarfile.open(fileobj=out, mode="w:", format=tarfile.PAX_FORMAT) as tar:
                    _add_file(tar, DATABASE_MEMBERS[engine], database_file, members)
                    # The database first, then the files: a file added after the copy is only extra;
                    # a file the copied database points at was already there.
                    for name, folder in _folders(app).items():
                        for relative, path in _files_in(folder):
                            _add_file(tar, f"files/{name}/{relative}", path, members)
                    manifest = {
                        "format": FORMAT, "format_version": FORMAT_VERSION, "created_utc": _utcnow(),
                        "engine": engine, "alembic_revision": revision, "members": members, **extra,
                    }
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, 0o600)
            os.replace(partial, target)
            _fsync_dir(target.parent)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return manifest


# ---- reading and checking an archive ---------------------------------------------------------------

def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or "\x00" in name or name != path.as_posix():
        return False
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return True
    parts = path.parts
    return len(parts) >= 3 and parts[0] == "files" and parts[1] in FILE_FOLDERS.values()


@dataclass
class Checked:
    manifest: dict
    engine: str
    revision: str
    members: dict[str, dict] = field(default_factory=dict)


def _read_archive(archive: Path, write: Callable[[str], Path | None] | None = None) -> Checked:
    """Read every byte of the archive; check the manifest, every size and checksum and the end of
    the tar. With `write`, each member is also written where write(name) says (into staging)."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no file {archive}.")
    seen: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r:") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe_name(name) or name in seen or manifest_bytes is not None:
                    raise DamagedBackup(f"it holds an unexpected entry ({name!r})")
                handle = tar.extractfile(member)
                sha, size = hashlib.sha256(), 0
                if name == MANIFEST:
                    if member.size > _MAX_MANIFEST:
                        raise DamagedBackup("its manifest is too big")
                    manifest_bytes = handle.read()
                    size = len(manifest_bytes)
                    if size != member.size:
                        raise DamagedBackup("it is cut short")
                    continue
                destination = write(name) if write else None
                out = open(destination, "xb") if destination else None
                try:
                    while chunk := handle.read(_CHUNK):
                        sha.update(chunk)
                        size += len(chunk)
                        if out:
                            out.write(chunk)
                    if out:
                        out.flush()
                        os.fsync(out.fileno())
                finally:
                    if out:
                        out.close()
                if size != member.size:
                    raise DamagedBackup("it is cut short")
                seen[name] = {"size": size, "sha256": sha.hexdigest()}
            end = tar.offset
        # A tar ends with at least two blocks of zeros; a flipped header or a cut file does not.
        total = archive.stat().st_size
        if total - end < 1024:
            raise DamagedBackup("it is cut short")
        with open(archive, "rb") as raw:
            raw.seek(end)
            while chunk := raw.read(_CHUNK):
                if chunk.count(0) != len(chunk):
                    raise DamagedBackup("part of it cannot be read (a damaged entry)")
    except DamagedBackup:
        raise
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as error:
        raise DamagedBackup(f"it cannot be read ({type(error).__name__})") from None
    if manifest_bytes is None:
        raise DamagedBackup("it has no manifest (it may be cut short)")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {m["name"]: {"size": int(m["size"]), "sha256": str(m["sha256"])} for m in manifest["members"]}
        engine, revision = manifest["engine"], manifest["alembic_revision"]
        ok_format = manifest["format"] == FORMAT
        version = int(manifest["format_version"])
    except (ValueError, KeyError, TypeError) as error:
        raise DamagedBackup(f"its manifest cannot be read ({type(error).__name__})") from None
    if not ok_format:
        raise DamagedBackup("it is not a Coprod backup")
    if version > FORMAT_VERSION:
        raise BackupError("This backup was made by a newer version of Coprod. Update Coprod, then restore.")
    if engine not in DATABASE_MEMBERS or DATABASE_MEMBERS[engine] not in listed:
        raise DamagedBackup("its manifest names no database")
    if set(listed) != set(seen):
        missing = sorted(set(listed) - set(seen))
        raise DamagedBackup(f"entries are missing ({len(missing)}, first {missing[:1]})" if missing
                            else "it holds entries its manifest does not list")
    for name, expected in listed.items():
        if seen[name] != expected:
            raise DamagedBackup(f"the checksum of {name} is wrong")
    if not revision_is_known(revision):
        raise BackupError(f"This backup's database is at migration {revision!r}, which this version of "
                          "Coprod does not know (made by a newer version?). Update Coprod, then restore.")
    return Checked(manifest=manifest, engine=engine, revision=revision, members=listed)


def check_archive(archive: Path) -> Checked:
    """Check an archive without changing anything. Raises DamagedBackup or BackupError."""
    return _read_archive(archive)


# ---- the restore journal: renames, rolled forward after a crash -----------------------------------

def _journal_path(app: Flask) -> Path:
    return Path(app.instance_path) / JOURNAL_NAME


def _write_journal(app: Flask, steps: list[dict]) -> Path:
    path = _journal_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w") as out:
        json.dump({"created_utc": _utcnow(), "steps": steps}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    _fsync_dir(path.parent)
    return path


def _swap(step: dict) -> None:
    """One step, safe to run again: put `staging` at `live`; the old `live` goes to `aside`."""
    staging, live, aside = Path(step["staging"]), Path(step["live"]), step.get("aside")
    if not staging.exists():
        return  # done already
    if aside is None:  # a file: one atomic rename replaces it
        os.replace(staging, live)
    else:
        aside = Path(aside)
        if live.exists():
            if aside.exists():  # the old one is aside already; `live` was made again meanwhile
                shutil.rmtree(live) if live.is_dir() else live.unlink()
            else:
                os.replace(live, aside)
        os.replace(staging, live)
    _fsync_dir(live.parent)


def finish_interrupted_restore(app: Flask | None = None) -> bool:
    """If a restore stopped in the middle of its renames, finish them. True if there was one."""
    app = app or current_app
    path = _journal_path(app)
    if not path.exists():
        return False
    steps = json.loads(path.read_text())["steps"]
    for step in steps:
        _swap(step)
    for step in steps:
        if step.get("aside") and Path(step["aside"]).exists():
            shutil.rmtree(step["aside"], ignore_errors=True)
    path.unlink()
    _fsync_dir(path.parent)
    return True


# ---- restore ---------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    manifest: dict
    migrated_from: str | None
    ledger_entries: int
    not_erased: list[dict]


def _staging_name(path: Path, token: str, kind: str) -> Path:
    return path.with_name(f".{path.name}.restore-{kind}-{token}")


def _lock_sqlite(live: Path) -> sqlite3.Connection | None:
    """Make sure no process has the live database open, and keep others out until the swap.

    Leaving WAL mode needs the only connection: if the site (or its worker) is running, SQLite
    says the database is locked, and we refuse rather than swap a file under running processes."""
    if not live.exists():
        return None
    connection = sqlite3.connect(live, timeout=2, isolation_level=None)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode != "delete":
            raise sqlite3.OperationalError("database is locked")
        connection.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        connection.close()
        raise BackupError("The site is still running (the database is in use). Stop `coprod serve` and "
                          "every `coprod worker`, then restore.") from None
    return connection


def _migrate_and_apply_ledger(app_for_restored: Flask, revision: str) -> tuple[str | None, list[dict], int]:
    from flask_migrate import upgrade

    from coprod.extensions import db

    migrated_from = None
    with app_for_restored.app_context():
        if revision != _head_revision():
            upgrade()
            migrated_from = revision
        entries = read_erasure_ledger(app_for_restored)
        not_erased = apply_erasure_ledger(entries)
        db.session.commit()
        db.engine.dispose()
    return migrated_from, not_erased, len(entries)


def _restored_app(app: Flask, url: str, folders: dict[str, Path] | None = None) -> Flask:
    """An app on the restored database. `folders` (by folder name): where the restored files are
    while the ledger is applied, so an erased person's files are deleted from them before they
    become the site's."""
    from coprod import create_app

    config = {key: app.config[key] for key in (*FILE_FOLDERS, "SECRET_KEY", "BALLOT_SECRET", "AUDIO_DIR",
                                               "CODE_KEY") if key in app.config}
    for key, name in FILE_FOLDERS.items():
        if folders is not None and name in folders:
            config[key] = str(folders[name])
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["ERASURE_LEDGER"] = str(ledger_path(app))
    return create_app(config)


def restore_backup(archive: Path, app: Flask | None = None) -> RestoreResult:
    app = app or current_app
    from coprod.extensions import db

    finish_interrupted_restore(app)
    _ledger_outside_the_folders(app)
    archive = Path(archive).resolve()
    checked = _read_archive(archive)  # everything checked before anything changes
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = _engine_name(url)
    if checked.engine != engine:
        raise BackupError(f"This backup is of a {checked.engine} database; this site uses {engine}. "
                          "Restore it on a site with the same kind of database.")
    db.engine.dispose()  # this process holds no connection to the live database
    token = secrets.token_hex(4)
    folders = _folders(app)
    live_db = _sqlite_path(url) if engine == "sqlite" else None
    if live_db is not None:  # refuse early, before any work, if the site is running
        early = _lock_sqlite(live_db)
        if early:
            early.close()
    (live_db.parent if live_db else Path(app.instance_path)).mkdir(parents=True, exist_ok=True)
    staging: dict[str, Path] = {name: _staging_name(folder, token, "new") for name, folder in folders.items()}
    work = Path(tempfile.mkdtemp(dir=live_db.parent if live_db else app.instance_path, prefix=".coprod-restore-"))
    staged_db = _staging_name(live_db, token, "new") if live_db else None
    try:
        for path in staging.values():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.mkdir(mode=0o700)

        def write(name: str) -> Path:
            if name in DATABASE_MEMBERS.values():
                return staged_db if staged_db else work / name
            _files, folder_name, *rest = PurePosixPath(name).parts
            destination = staging[folder_name].joinpath(*rest)
            destination.parent.mkdir(parents=True, exist_ok=True)
            return destination

        again = _read_archive(archive, write)  # extracted, checked a second time on the way
        if again.members != checked.members:
            raise DamagedBackup("it changed while it was being read")
        for path in staging.values():
            for root, _dirs, _files in os.walk(path):
                _fsync_dir(Path(root))

        if engine == "sqlite":
            result = _restore_sqlite(app, checked, staged_db, live_db, folders, staging, token)
        else:
            result = _restore_postgresql(app, checked, work / DATABASE_MEMBERS[engine], url, folders, staging,
                                         token)
        # The database was replaced under the session hooks: no cached page or open data file made
        # from the one before is served again (coprod/change_stamps.py).
        from coprod import change_stamps

        with app.app_context():
            change_stamps.renew({change_stamps.SITE})
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not _journal_path(app).exists():  # not mid-swap: whatever is left in staging is not wanted
            for path in staging.values():
                shutil.rmtree(path, ignore_errors=True)
            if staged_db:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{staged_db}{suffix}").unlink(missing_ok=True)


def _folder_steps(folders: dict[str, Path], staging: dict[str, Path], token: str) -> list[dict]:
    return [{"staging": str(staging[name]), "live": str(folder),
             "aside": str(_staging_name(folder, token, "old"))} for name, folder in folders.items()]


def _restore_sqlite(app, checked, staged_db, live_db, folders, staging, token) -> RestoreResult:
    with sqlite3.connect(staged_db) as probe:
        if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DamagedBackup("its database fails SQLite's integrity check")
        if _sqlite_revision(probe) != checked.revision:
            raise DamagedBackup("its database is not at the migration its manifest names")
    probe.close()
    # Migrate and apply the erasure ledger on the new file, before it becomes the site.
    migrated_from, not_erased, count = _migrate_and_apply_ledger(
        _restored_app(app, f"sqlite:///{staged_db}", staging), checked.revision)
    single = sqlite3.connect(staged_db, isolation_level=None)
    single.execute("PRAGMA journal_mode=DELETE")  # one file, no write-ahead log beside it
    single.close()
    os.chmod(staged_db, 0o600)
    with open(staged_db, "rb") as handle:
        os.fsync(handle.fileno())

    lock = _lock_sqlite(live_db)  # again: nobody may have opened it meanwhile
    try:
        for suffix in ("-wal", "-shm"):  # never pair an old write-ahead log with the new file
            Path(f"{live_db}{suffix}").unlink(missing_ok=True)
        steps = [*_folder_steps(folders, staging, token),
                 {"staging": str(staged_db), "live": str(live_db), "aside": None}]
        _write_journal(app, steps)
        finish_interrupted_restore(app)
    finally:
        if lock:
            lock.close()
    return RestoreResult(checked.manifest, migrated_from, count, not_erased)


def _restore_postgresql(app, checked, dump: Path, url: str, folders, staging, token) -> RestoreResult:
    schema = _pg_schema_for(app)
    args, env = _pg_connection(url)
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise DamagedBackup("its PostgreSQL dump cannot be read")
    # e.g. "6; 2615 17822 SCHEMA - coprod postgres"
    dumped_schemas = {parts[5] for parts in (line.split() for line in listing.stdout.splitlines())
                      if len(parts) > 5 and parts[0] != ";" and parts[3:5] == ["SCHEMA", "-"]}
    script = dump.with_suffix(".sql")
    source_schema = checked.manifest.get("postgresql_schema")
    if source_schema != schema:
        raise BackupError(f"This backup is of the PostgreSQL schema {source_schema!r}; this site uses "
                          f"{schema!r}. Set the database address so the site uses {source_schema!r}.")
    _run(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(dump)], env, "pg_restore")
    quoted = '"' + schema.replace('"', '""') + '"'
    prelude = dump.with_suffix(".prelude.sql")
    lines = ["SET client_min_messages = warning;", f"DROP SCHEMA IF EXISTS {quoted} CASCADE;"]
    if schema not in dumped_schemas:  # `public` is not created by the dump: it is assumed to exist
        lines.append(f"CREATE SCHEMA {quoted};")
    prelude.write_text("\n".join(lines) + "\n")
    # One transaction: the old schema is dropped and the backup loaded, or (on any error) nothing changes.
    _run(["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
          f"--file={prelude}", f"--file={script}", *args], env, "Loading the database")
    # Files next, with the journal (a crash here is rolled forward by the next command).
    _write_journal(app, _folder_steps(folders, staging, token))
    finish_interrupted_restore(app)
    migrated_from, not_erased, count = _migrate_and_apply_ledger(_restored_app(app, url), checked.revision)
    return RestoreResult(checked.manifest, migrated_from, count, not_erased)



def _pg_schema_for(app: Flask) -> str:
    with app.app_context():
        from coprod.extensions import db

        schema = _pg_schema()
        db.engine.dispose()
        return schema


# ---- the commands ----------------------------------------------------------------------------------

def _describe(manifest: dict) -> str:
    files = sum(1 for m in manifest["members"] if m["name"].startswith("files/"))
    size = sum(m["size"] for m in manifest["members"])
    return (f"made {manifest['created_utc']} (UTC), {manifest['engine']} database at migration "
            f"{manifest['alembic_revision']}, {files} files, {size / 1_000_000:.1f} MB")


def _command_errors(function):
    import functools

    import click

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except DamagedBackup as error:
            raise click.ClickException(f"This backup file is damaged or incomplete: {error}. "
                                       "Nothing was changed. Use another backup file.") from None
        except BackupError as error:
            raise click.ClickException(f"{error} Nothing was changed.") from None
    return wrapper


def _commands():
    import click

    from flask.cli import with_appcontext

    @click.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @with_appcontext
    @_command_errors
    def backup_command(file: Path):
        """Back up the database, spoken questions and uploaded pictures into FILE (safe while the site
        runs). FILE holds personal data: it is made readable by its owner only."""
        manifest = make_backup(file)
        click.echo(f"Backup written to {Path(file).resolve()}: {_describe(manifest)}.")

    @click.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask before replacing this site's data.")
    @click.option("--check", "check_only", is_flag=True, help="Only check the file; change nothing.")
    @with_appcontext
    @_command_errors
    def restore_command(file: Path, yes: bool, check_only: bool):
        """Replace this site's database, spoken questions and uploaded pictures with the backup in FILE.
        Stop the site first. The file is checked completely before anything changes."""
        checked = check_archive(file)
        click.echo(f"The backup file is complete and undamaged: {_describe(checked.manifest)}.")
        if check_only:
            return
        if not yes:
            click.confirm("Everything on this site will be replaced by this backup. Continue?", abort=True)
        result = restore_backup(file)
        click.echo("Restored." + (f" The database was migrated from {result.migrated_from} to the newest "
                                  "version." if result.migrated_from else ""))
        if result.ledger_entries:
            click.echo(f"The erasure ledger lists {result.ledger_entries} erased people: they are erased again.")
        if result.not_erased:
            click.echo(f"WARNING: {len(result.not_erased)} entries of the erasure ledger could not be applied, "
                       "so those people were NOT erased again. Erase them by hand.", err=True)
            raise SystemExit(2)

    return backup_command, restore_command


def register(app: Flask) -> None:
    for command in _commands():
        app.cli.add_command(command)
