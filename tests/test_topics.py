"""One topic list for questions and "You said, we did" records (coprod/topics.py), and the migration
that moved the records' old topic values onto it."""

from __future__ import annotations

from sqlalchemy import select, text

from conftest import DATABASE_URL, config_for_tests
from coprod import create_app, topics
from coprod.follow.forms import RecordForm


def test_records_and_questions_choose_from_the_same_topics(app):
    with app.test_request_context():
        record_topics = [choice.value for choice in RecordForm().topic.choices]
    assert record_topics == list(topics.TOPICS)
    # Every old record key still finds its topic (for links people kept), and nothing else does.
    assert {old: topics.key(old) for old in topics.OLD_KEYS} == topics.OLD_KEYS
    assert set(topics.OLD_KEYS.values()) <= set(topics.TOPICS)
    assert topics.key("work") == "work" and topics.key("nonsense") == "" and topics.key(None) == ""


def _database_url(tmp_path) -> str:
    if DATABASE_URL.startswith("postgresql"):
        from conftest import _BASE_DATABASE_URL, PG_SCHEMA, _schema_url

        return _schema_url(_BASE_DATABASE_URL, f"{PG_SCHEMA}_topics")
    return f"sqlite:///{tmp_path / 'topics.sqlite'}"


def test_the_migration_moves_record_topics_onto_the_one_list_and_back(tmp_path):
    from flask_migrate import downgrade, upgrade

    from coprod.demo import load_demo
    from coprod.extensions import db
    from coprod.models import Record

    app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=_database_url(tmp_path)))
    try:
        with app.app_context():
            upgrade()
            with app.test_request_context():  # the demo's links are built with url_for
                load_demo()
            by_title = {r.title: r.id for r in db.session.scalars(select(Record))}
            db.session.get(Record, by_title["Feeling safe in town"]).topic = "money"  # not in the old list
            db.session.commit()

            def stored() -> dict[str, str | None]:
                db.session.close()
                rows = db.session.execute(text("SELECT id, topic FROM said_did_record")).all()
                # No transaction left open: the downgrade next drops an index of this table, which
                # on PostgreSQL waits for every transaction that read it.
                db.session.close()
                return {title: dict(rows)[record_id] for title, record_id in by_title.items()}

            assert stored()["Job coaches"] == "work"
            downgrade(revision="f9a36e1b157d")  # just before the one topic list
            assert stored() == {"Job coaches": "jobs", "Feeling safe in town": "other",
                                "Short breaks house on Mill Lane": "short-breaks"}
            db.session.execute(text("UPDATE said_did_record SET topic = 'housing' WHERE topic = 'other'"))
            db.session.commit()
            upgrade()
            assert stored() == {"Job coaches": "work", "Feeling safe in town": "home",
                                "Short breaks house on Mill Lane": "short-breaks"}
            db.session.close()
            db.engine.dispose()
    finally:
        if DATABASE_URL.startswith("postgresql"):
            from conftest import PG_SCHEMA, drop_schema

            drop_schema(f"{PG_SCHEMA}_topics")
