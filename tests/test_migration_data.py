"""Migrations over a database that holds data, upwards and downwards: the demo content goes in at
the newest revision, goes down over every later migration to the revision before the one that made
the schema guard the data, and over that migration up and down it is all still there, row for row.
On SQLite by default, on PostgreSQL with COPROD_TEST_DATABASE_URL (as the other tests)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from conftest import DATABASE_URL, config_for_tests
from coprod import create_app
from coprod.extensions import db
from coprod.models import AgendaItem, Base, ContentLanguage, Meeting, Question, QuestionStatus, utcnow
from coprod.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

# The migration that made the schema guard the data, and the one before it.
GUARDS = "f9a36e1b157d"


def _revisions() -> tuple[str, str]:
    script = ScriptDirectory(str(PROJECT_ROOT / "coprod" / "migrations"))
    guards = script.get_revision(GUARDS)
    return guards.down_revision, script.get_current_head()


@pytest.fixture
def empty_app(tmp_path):
    if DATABASE_URL.startswith("postgresql"):
        from conftest import _BASE_DATABASE_URL, PG_SCHEMA, _schema_url, drop_schema

        schema = f"{PG_SCHEMA}_data"
        url = _schema_url(_BASE_DATABASE_URL, schema)
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if DATABASE_URL.startswith("postgresql"):
        drop_schema(schema)


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every table, in primary key order, as the database holds it at this revision
    (read through reflection: the models describe the newest revision, not this one)."""
    db.session.remove()
    tables = {}
    reflected = MetaData()
    reflected.reflect(bind=db.engine)
    with db.engine.connect() as connection:
        for table in reflected.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [dict(row._mapping) for row in connection.execute(select(table).order_by(*order))]
    return tables


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _leave_what_removing_an_item_used_to_leave() -> dict:
    """Before foreign keys were enforced on SQLite, removing an agenda item left its questions and
    versions pointing at an id that no longer exists. Make that so (a question on the agenda under a
    removed item, another that was asked about it, and the item's Welsh version)."""
    gone = db.session.scalar(select(func.max(AgendaItem.id))) + 100
    on_agenda = db.session.scalar(select(func.min(Question.id)).where(Question.status == QuestionStatus.ON_AGENDA))
    asked = db.session.scalar(select(func.max(Question.id)).where(Question.id != on_agenda))
    db.session.remove()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(text("UPDATE question SET agenda_item_id = :gone WHERE id = :id"),
                           {"gone": gone, "id": on_agenda})
        connection.execute(text("UPDATE question SET asked_item_id = :gone WHERE id = :id"), {"gone": gone, "id": asked})
        connection.execute(insert(ContentLanguage.__table__).values(
            kind="agenda-item", content_id=gone, language="cy", texts={"title": "Wedi mynd"}, created_dt=utcnow()))
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    return {"on_agenda": on_agenda, "asked": asked, "gone": gone}


def _repaired(data: dict, leftovers: dict) -> dict:
    """What the migration should make of the leftovers: the question back in the queue, the other
    about nothing in particular, the version gone; every other row as it was."""
    rows = []
    for row in data["question"]:
        values = dict(row)
        if values["id"] == leftovers["on_agenda"]:
            values.update(status=QuestionStatus.SENT.value, agenda_item_id=None)
        if values["id"] == leftovers["asked"]:
            values.update(asked_item_id=None)
        rows.append(values)
    languages = [row for row in data["content_language"] if row["content_id"] != leftovers["gone"]]
    assert len(languages) == len(data["content_language"]) - 1
    return {**data, "question": rows, "content_language": languages}


def test_the_demo_survives_every_migration_up_and_down(empty_app):
    from coprod.demo import load_demo

    before, head = _revisions()
    with empty_app.app_context():
        upgrade(revision=head)
        with empty_app.test_request_context():
            load_demo()
        db.session.remove()
        # Down over every migration after GUARDS, with the demo in the tables.
        downgrade(revision=before)
        if db.engine.dialect.name == "sqlite":
            leftovers = _leave_what_removing_an_item_used_to_leave()
        data = _snapshot()
        # The demo really has content of every kind the migration touches.
        for table in ("agenda_item", "question", "vote", "ballot", "content_language", "said_did_record",
                      "said_did_feedback", "membership", "meeting", "audit_event"):
            assert data[table], f"the demo has no {table} rows"

        upgrade(revision=GUARDS)
        if db.engine.dialect.name == "sqlite":
            data = _repaired(data, leftovers)
        assert _snapshot() == data, "upgrading changed the data"
        # What the migration added works on the migrated database, not only on a new one.
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("question")}
        assert {"ix_question_group_id", "ix_question_asked_item_id"} <= indexes
        assert "ix_content_language_kind_content" not in {
            index["name"] for index in inspect(db.engine).get_indexes("content_language")}
        with pytest.raises(IntegrityError):
            with db.engine.begin() as connection:
                connection.execute(text("UPDATE meeting SET status = 'cancelled'"))
        db.session.remove()

        downgrade(revision=before)
        assert _snapshot() == data, "downgrading changed the data"
        assert "ix_question_group_id" not in {index["name"] for index in inspect(db.engine).get_indexes("question")}
        upgrade(revision=GUARDS)
        assert _snapshot() == data, "upgrading again changed the data"
        # And up over every later migration, with the data, to a schema that is the models'.
        upgrade(revision=head)
        assert _schema_differences() == []
        assert len(_snapshot()["question"]) == len(data["question"])

        # A removed agenda item's id is never given to the next one, on a database migrated with data.
        last = db.session.scalar(select(func.max(AgendaItem.id)))
        meeting_id = db.session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.id == last))
        db.session.execute(AgendaItem.__table__.delete().where(AgendaItem.id == last))
        db.session.add(AgendaItem(meeting_id=meeting_id, position=99, title="Buses in the evening"))
        db.session.commit()
        assert db.session.scalar(select(func.max(AgendaItem.id))) > last
        db.session.remove()

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision=head)
        assert _schema_differences() == []
        db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
        db.session.remove()
