"""`coprod backup` and `coprod restore`, through the command line, on SQLite and PostgreSQL.

Each test has its own site (its own database or PostgreSQL schema, its own folders of spoken
questions and pictures), so a restore can swap them without touching the other tests' database."""

from __future__ import annotations

import hashlib
import io
import json
import random
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, inspect, select, text

from conftest import DATABASE_URL, config_for_tests
from coprod import backup, create_app
from coprod.extensions import db
from coprod.models import Board, User

POSTGRES = DATABASE_URL.startswith("postgresql")


class Site:
    def __init__(self, app, folders: dict[str, Path], ledger: Path):
        self.app, self.folders, self.ledger = app, folders, ledger
        self.runner = app.test_cli_runner()

    def run(self, *args):
        with self.app.app_context():  # as the `coprod` command (FlaskGroup) gives its commands
            result = self.runner.invoke(args=list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    def sql(self, *statements):
        with self.app.app_context():
            with db.engine.begin() as connection:
                for statement in statements:
                    connection.execute(text(statement))
            db.engine.dispose()

    def add(self, *rows):
        with self.app.test_request_context():
            db.session.add_all(rows)
            db.session.commit()
            db.engine.dispose()

    def state(self) -> dict:
        """Every row of every table (in primary-key order), every sequence, every file's checksum."""
        tables, sequences = {}, {}
        with self.app.app_context():
            with db.engine.connect() as connection:
                for name in sorted(inspect(connection).get_table_names()):
                    table = Table(name, MetaData(), autoload_with=connection)
                    order = list(table.primary_key.columns) or list(table.columns)
                    tables[name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
                if POSTGRES:
                    sequences = dict(connection.execute(text(
                        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")).all())
            db.engine.dispose()
        files = {}
        for key, folder in self.folders.items():
            files[key] = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                          for p in sorted(folder.rglob("*")) if p.is_file()}
        return {"tables": tables, "sequences": sequences, "files": files}

    def leftovers(self) -> list[str]:
        """Staging files or folders a restore left behind (there must be none)."""
        places = {folder.parent for folder in self.folders.values()} | {Path(self.app.instance_path)}
        if not POSTGRES:
            places.add(backup._sqlite_path(self.app.config["SQLALCHEMY_DATABASE_URI"]).parent)
        found = []
        for place in places:
            found += [p.name for p in place.iterdir() if ".restore-" in p.name or p.name.startswith(".coprod-")
                      or p.name == backup.JOURNAL_NAME]
        return found


@pytest.fixture
def make_site(tmp_path, monkeypatch):
    from coprod.tasks import huey

    monkeypatch.setattr(huey, "immediate", False)  # demo audio waits in a queue nobody reads
    made = []

    def make(name="site"):
        root = tmp_path / name
        root.mkdir()
        if POSTGRES:
            from conftest import _BASE_DATABASE_URL, PG_SCHEMA, _schema_url

            schema = f"{PG_SCHEMA}_bk_{name}"
            url = _schema_url(_BASE_DATABASE_URL, schema)
            made.append(schema)
        else:
            url = f"sqlite:///{root / 'coprod.sqlite'}"
        # Every folder a backup holds, each its own (not the test session's shared instance folder).
        from coprod.backup import FILE_FOLDERS

        folders = {key: root / name for key, name in FILE_FOLDERS.items()}
        ledger = root / "erasure-ledger.jsonl"
        app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=url, QUEUE_IMMEDIATE=False,
                                          AUDIO_ENGINE="fake", AUDIO_DIR=str(root / "audio"),
                                          ERASURE_LEDGER=str(ledger),
                                          **{key: str(path) for key, path in folders.items()}))
        return Site(app, folders, ledger)

    yield make
    if POSTGRES:
        from conftest import drop_schema

        for schema in made:
            drop_schema(schema)


def _files(site: Site) -> None:
    audio, pictures = site.folders["QUESTION_AUDIO_DIR"], site.folders["PICTURE_DIR"]
    (pictures / "pending").mkdir(parents=True, exist_ok=True)
    audio.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    for index in range(3):
        (audio / f"{index:032x}.mp3").write_bytes(rng.randbytes(4000 + index))
        (pictures / f"{index + 10:032x}.webp").write_bytes(rng.randbytes(3000 + index))
    (pictures / "pending" / f"{99:032x}.webp").write_bytes(b"a picture not saved yet")


def _small_site(make_site, name="site") -> Site:
    site = make_site(name)
    assert site.run("migrate").exit_code == 0
    site.add(Board(slug="b", name="Board"))
    _files(site)
    return site


def test_backup_then_changes_then_restore_gives_back_exactly_the_backed_up_state(make_site, tmp_path):
    site = make_site()
    made = site.run("demo-data")
    assert made.exit_code == 0, made.output
    _files(site)
    before = site.state()
    assert sum(len(rows) for rows in before["tables"].values()) > 200, "the demo fills many tables"
    assert sum(1 for rows in before["tables"].values() if rows) >= 15

    archive = tmp_path / "nightly.tar"
    result = site.run("backup", str(archive))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600, "it holds personal data"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[-1] == "manifest.json"
    assert manifest["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["alembic_revision"] == backup._head_revision()
    assert {m["name"] for m in manifest["members"]} == set(names) - {"manifest.json"}
    on_disk = sum(len(files) for files in before["files"].values())
    assert len([n for n in names if n.startswith("files/")]) == on_disk >= 7
    assert not any("audio/" in n and "question-audio" not in n for n in names), "not the audio cache"

    # Change things: rows changed, deleted and added, a table added, files removed, changed, added.
    site.sql('UPDATE "user" SET name = \'Someone else\'',
             "DELETE FROM audit_event",
             "DELETE FROM glossary_term WHERE id IN (SELECT id FROM glossary_term ORDER BY id LIMIT 3)",
             "CREATE TABLE stray (x INTEGER)")
    site.add(Board(slug="new", name="New"))
    audio = site.folders["QUESTION_AUDIO_DIR"]
    (audio / f"{0:032x}.mp3").unlink()
    (audio / f"{1:032x}.mp3").write_bytes(b"changed")
    (site.folders["PICTURE_DIR"] / "extra.webp").write_bytes(b"new")
    assert site.state() != before

    result = site.run("restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    assert "Restored." in result.output
    assert site.state() == before
    assert site.leftovers() == []

    # The restored site works: the next row gets a new id.
    site.add(Board(slug="after", name="After"))


def test_restore_asks_first_and_changes_nothing_when_told_no(make_site, tmp_path):
    site = _small_site(make_site)
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    site.sql("DELETE FROM board")
    changed = site.state()
    with site.app.app_context():
        result = site.runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code == 1 and "Continue?" in result.output
    assert site.state() == changed
    assert site.run("restore", "--check", str(archive)).exit_code == 0
    assert site.state() == changed


def _rewrite(archive: Path, target: Path, change) -> None:
    """A new archive with the same members, after change(name, data) -> data or None (left out)."""
    with tarfile.open(archive) as tar, tarfile.open(target, "w") as out:
        for member in tar.getmembers():
            data = change(member.name, tar.extractfile(member).read())
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def _damaged_copies(archive: Path, folder: Path) -> dict[str, Path]:
    raw = archive.read_bytes()
    with tarfile.open(archive) as tar:
        offsets = {m.name: m.offset_data for m in tar.getmembers()}
        sizes = {m.name: m.size for m in tar.getmembers()}
    copies = {}

    def flipped(name, at):
        data = bytearray(raw)
        data[at] ^= 0x01
        copies[name] = folder / f"{name}.tar"
        copies[name].write_bytes(bytes(data))

    database = "database.pgdump" if POSTGRES else "database.sqlite"
    picture = next(name for name in offsets if name.startswith("files/pictures/"))
    flipped("byte-in-database", offsets[database] + sizes[database] // 2)
    flipped("byte-in-picture", offsets[picture] + 5)
    flipped("byte-in-manifest", offsets["manifest.json"] + sizes["manifest.json"] // 3)
    flipped("byte-in-a-header", offsets[picture] - 512 + 130)  # inside the header's size field
    for cut in (len(raw) // 3, offsets["manifest.json"] + 10, offsets["manifest.json"] + sizes["manifest.json"]):
        copies[f"cut-at-{cut}"] = folder / f"cut-{cut}.tar"
        copies[f"cut-at-{cut}"].write_bytes(raw[:cut])
    copies["empty"] = folder / "empty.tar"
    copies["empty"].write_bytes(b"")

    def wrong_checksum(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["members"][1]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    _rewrite(archive, folder / "wrong-checksum.tar", wrong_checksum)
    copies["wrong-checksum"] = folder / "wrong-checksum.tar"
    _rewrite(archive, folder / "no-manifest.tar", lambda n, d: None if n == "manifest.json" else d)
    copies["no-manifest"] = folder / "no-manifest.tar"
    _rewrite(archive, folder / "file-left-out.tar", lambda n, d: None if n == picture else d)
    copies["file-left-out"] = folder / "file-left-out.tar"
    _rewrite(archive, folder / "picture-changed.tar", lambda n, d: b"other" if n == picture else d)
    copies["picture-changed"] = folder / "picture-changed.tar"

    def unknown_revision(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0123456789ab"
        return json.dumps(manifest).encode()

    _rewrite(archive, folder / "newer.tar", unknown_revision)
    copies["unknown-revision"] = folder / "newer.tar"
    with tarfile.open(folder / "escape.tar", "w") as out:  # a path out of the folders
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                out.addfile(member, tar.extractfile(member))
        info = tarfile.TarInfo("files/pictures/../../escaped")
        info.size = 1
        out.addfile(info, io.BytesIO(b"x"))
    copies["escape"] = folder / "escape.tar"
    return copies


def test_a_damaged_or_cut_archive_is_refused_and_the_site_is_unchanged(make_site, tmp_path):
    site = _small_site(make_site)
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    site.sql("UPDATE board SET name = 'Changed since the backup'")
    (site.folders["PICTURE_DIR"] / "since.webp").write_bytes(b"new since")
    changed = site.state()
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for kind, path in _damaged_copies(archive, damaged).items():
        result = site.run("restore", "--yes", str(path))
        assert result.exit_code == 1, (kind, result.output)
        assert "Nothing was changed" in result.output, (kind, result.output)
        expected = "does not know" if kind == "unknown-revision" else "damaged or incomplete"
        assert expected in result.output, (kind, result.output)
        assert site.state() == changed, kind
        assert site.leftovers() == [], kind
    # And the undamaged file still restores.
    assert site.run("restore", "--yes", str(archive)).exit_code == 0
    assert site.state() != changed


def test_any_flipped_byte_is_refused_or_harmless(make_site, tmp_path):
    """A byte flipped anywhere: the check refuses the file, or (tar padding, the manifest's date)
    what it would restore is still exactly what was backed up."""
    site = _small_site(make_site)
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    original = backup.check_archive(archive).members
    raw = archive.read_bytes()
    rng = random.Random(13)
    refused = 0
    for at in rng.sample(range(len(raw)), 60):
        data = bytearray(raw)
        data[at] ^= 1 << rng.randrange(8)
        copy = tmp_path / "flipped.tar"
        copy.write_bytes(bytes(data))
        try:
            checked = backup.check_archive(copy)
        except backup.BackupError:
            refused += 1
        else:
            assert checked.members == original, at
    assert refused > 0


def test_an_older_backup_is_migrated_after_restoring(make_site, tmp_path):
    from flask_migrate import upgrade

    site = make_site()
    script = backup._script_directory()
    head = script.get_current_head()
    previous = script.get_revision(head).down_revision
    with site.app.app_context():
        upgrade(revision=previous)
        db.engine.dispose()
    site.sql("INSERT INTO board (slug, name, picture, about, created_dt) "
             "VALUES ('old', 'Old board', 'board', 'A', '2026-01-01')")
    archive = tmp_path / "old.tar"
    result = site.run("backup", str(archive))
    assert result.exit_code == 0, result.output
    assert json.loads(tarfile.open(archive).extractfile("manifest.json").read())["alembic_revision"] == previous
    assert site.run("migrate").exit_code == 0
    site.sql("DELETE FROM board")

    result = site.run("restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    assert f"migrated from {previous}" in result.output
    state = site.state()
    assert state["tables"]["alembic_version"] == [(head,)]
    assert [row[1:3] for row in state["tables"]["board"]] == [("old", "Old board")]


def test_restore_reads_the_erasure_ledger_kept_outside_the_backup_and_calls_the_hook(make_site, tmp_path,
                                                                                      monkeypatch):
    site = _small_site(make_site)
    site.add(User(name="Erased later"))
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    with tarfile.open(archive) as tar:
        assert not any("ledger" in name for name in tar.getnames()), "the ledger is not in the backup"
    with site.app.app_context():
        backup.record_erasure(1)
    ledger_before = site.ledger.read_bytes()
    assert json.loads(ledger_before)["user_id"] == 1 and "Erased" not in ledger_before.decode()

    calls = []

    def hook(entries):
        # It runs on the restored database, inside an app context.
        calls.append((entries, db.session.execute(text('SELECT name FROM "user"')).scalars().all()))
        return []

    monkeypatch.setattr(backup, "apply_erasure_ledger", hook)
    result = site.run("restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    entries, names_seen = calls[0]
    assert [entry["user_id"] for entry in entries] == [1]
    assert names_seen == ["Erased later"]
    assert site.ledger.read_bytes() == ledger_before, "restore never changes the ledger"

    # The real hook erases the listed person again (see the next test); restore exits 0.
    monkeypatch.undo()
    from coprod.tasks import huey

    monkeypatch.setattr(huey, "immediate", False)
    result = site.run("restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    assert "erased again" in result.output
    assert "Erased later" not in str(site.state()["tables"])


def test_an_erased_person_stays_erased_after_restoring_an_older_backup(make_site, tmp_path):
    """Backup, erase (command line), restore the older backup: the person is erased again, in the
    database and in the restored files (their recording came back with the backup and is deleted)."""
    from coprod.models import Membership, Question, Role

    site = _small_site(make_site)
    recording = site.folders["QUESTION_AUDIO_DIR"] / ("ab" * 16 + ".mp3")
    recording.write_bytes(b"her voice" * 100)
    with site.app.test_request_context():
        board = db.session.scalar(select(Board))
        person = User(name="Wanda Erasable", email="wanda@example.org")
        db.session.add(person)
        db.session.flush()
        db.session.add(Membership(board_id=board.id, user_id=person.id, role=Role.MEMBER))
        from coprod.models import Meeting, utcnow

        meeting = Meeting(board_id=board.id, title="M", starts_dt=utcnow(), place="Hall")
        db.session.add(meeting)
        db.session.flush()
        db.session.add(Question(board_id=board.id, meeting_id=meeting.id, asker_id=person.id,
                                text="Wanda's secret words", audio_name=recording.name, status="sent"))
        person_id = person.id  # before the commit: reading it after would check out a connection again
        db.session.commit()
    with site.app.app_context():
        # Only now, with the request's session closed: a connection still checked out when the pool
        # is disposed stays open until Python collects it, and a restore finds the database in use.
        db.engine.dispose()
    archive = tmp_path / "before.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    result = site.run("erase-person", str(person_id), "--yes")
    assert result.exit_code == 0, result.output
    with site.app.app_context():
        db.engine.dispose()  # as when the command's process ends
    assert not recording.exists()
    assert [json.loads(line)["user_id"] for line in site.ledger.read_text().splitlines()] == [person_id]
    assert "Wanda" not in site.ledger.read_text()

    result = site.run("restore", "--yes", str(archive))
    assert result.exit_code == 0, result.output
    state = site.state()
    text_of_every_table = str(state["tables"])
    for needle in ("Wanda", "wanda@example.org", "secret words"):
        assert needle not in text_of_every_table, needle
    assert not recording.exists(), "the recording restored from the backup is deleted again"
    assert state["files"]["QUESTION_AUDIO_DIR"] == {f"{i:032x}.mp3": state["files"]["QUESTION_AUDIO_DIR"][f"{i:032x}.mp3"]
                                                    for i in range(3)}, "other files are restored as they were"
    assert [json.loads(line)["user_id"] for line in site.ledger.read_text().splitlines()] == [person_id], \
        "restore never adds to the ledger"
    assert site.leftovers() == []


@pytest.mark.skipif(POSTGRES, reason="SQLite: the file is swapped, so a running site must be stopped first")
def test_sqlite_restore_refuses_while_the_site_has_the_database_open(make_site, tmp_path):
    site = _small_site(make_site)
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    site.sql("DELETE FROM board")
    changed = site.state()
    running = sqlite3.connect(backup._sqlite_path(site.app.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        running.execute("SELECT count(*) FROM board").fetchone()
        result = site.run("restore", "--yes", str(archive))
    finally:
        running.close()
    assert result.exit_code == 1
    assert "still running" in result.output and "Nothing was changed" in result.output
    assert site.state() == changed
    assert site.leftovers() == []


def test_a_restore_stopped_in_the_middle_of_its_renames_is_finished_by_the_next_command(make_site, tmp_path,
                                                                                        monkeypatch):
    site = _small_site(make_site)
    archive = tmp_path / "b.tar"
    assert site.run("backup", str(archive)).exit_code == 0
    backed_up = site.state()
    site.sql("DELETE FROM board")
    for path in site.folders["QUESTION_AUDIO_DIR"].iterdir():
        path.unlink()

    real_swap, done = backup._swap, []

    def crash_after_one(step):
        if done:
            raise KeyboardInterrupt("the power went off")
        real_swap(step)
        done.append(step)

    monkeypatch.setattr(backup, "_swap", crash_after_one)
    assert site.run("restore", "--yes", str(archive)).exit_code != 0  # click turns it into "Aborted!"
    assert len(done) == 1
    assert (Path(site.app.instance_path) / backup.JOURNAL_NAME).exists()
    monkeypatch.setattr(backup, "_swap", real_swap)
    assert site.run("migrate").exit_code == 0  # as `coprod serve` does on start
    assert site.state() == backed_up
    assert site.leftovers() == []


def test_postgresql_password_is_never_on_the_command_line():
    args, env = backup._pg_connection("postgresql+psycopg://coprod:s3cret%21@db.example:5433/coprod")
    assert "s3cret!" not in " ".join(args)
    assert env["PGPASSWORD"] == "s3cret!"
    assert args[args.index("--host") + 1] == "db.example" and args[args.index("--port") + 1] == "5433"
    assert args[args.index("--dbname") + 1] == "coprod" and "--no-password" in args


def test_sqlite_connections_use_a_write_ahead_log_with_full_sync(make_site):
    if POSTGRES:
        pytest.skip("SQLite only")
    site = make_site()
    with site.app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        db.engine.dispose()


@pytest.mark.slow
def test_crash_script_loses_no_confirmed_write():
    """scripts/crash_test.py, fewer rounds (the README gives the 20-round figures)."""
    import subprocess
    import sys

    command = [sys.executable, str(Path(__file__).parent.parent / "scripts" / "crash_test.py"), "--rounds", "3",
               "--seed", "5"]
    if POSTGRES:
        from conftest import _BASE_DATABASE_URL

        command += ["--database-url", _BASE_DATABASE_URL]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout[result.stdout.index("{\n"):])
    assert summary["lost_confirmed_writes"] == 0 and summary["integrity_ok"]
    assert summary["confirmed_writes"] > 0, result.stdout[-3000:]


def test_the_erasure_ledger_may_not_live_inside_a_backed_up_folder(make_site, tmp_path):
    site = _small_site(make_site)
    site.app.config["ERASURE_LEDGER"] = str(site.folders["PICTURE_DIR"] / "ledger.jsonl")
    result = site.run("backup", str(tmp_path / "b.tar"))
    assert result.exit_code == 1 and "erasure ledger" in result.output
    assert not (tmp_path / "b.tar").exists()


def test_a_backup_made_while_the_site_writes_is_one_consistent_moment(make_site, tmp_path):
    """Writes go on during the backup, each adding a board and a person in one transaction: the
    backup holds whole transactions only (as many boards as people, numbered without gaps)."""
    import threading

    site = _small_site(make_site)
    stop, written = threading.Event(), []

    def writer():
        number = 0
        with site.app.app_context():
            while not stop.is_set():
                number += 1
                db.session.add_all([Board(slug=f"w{number}", name=f"w{number}"), User(name=f"w{number}")])
                db.session.commit()
                written.append(number)
            db.engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.05)
        result = site.run("backup", str(tmp_path / "busy.tar"))
        during = len(written)
        while len(written) < during + 20:
            threading.Event().wait(0.05)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert site.run("restore", "--yes", str(tmp_path / "busy.tar")).exit_code == 0
    tables = site.state()["tables"]
    boards = sorted(int(row[1][1:]) for row in tables["board"] if row[1].startswith("w"))
    people = sorted(int(row[1][1:]) for row in tables["user"] if row[1].startswith("w"))
    assert boards == people == list(range(1, len(boards) + 1))
    assert 20 <= len(boards) < len(written), "the backup is of a moment during the writes"
