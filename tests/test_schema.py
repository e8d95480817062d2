"""The schema guards the data: foreign keys enforced on every database, deletes that clean up after
themselves, an index for every foreign key, and statuses the database itself checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from coprod.extensions import db as _db
from coprod.models import (AgendaItem, Base, ContentLanguage, Meeting, MeetingStatus, Question,
                           QuestionStatus, Role, utcnow)

BOARD = "/boards/riverside-ld"


@pytest.fixture
def agenda(factory, db, signed_in):
    """A meeting taking questions with two agenda items, its secretary signed in, and Sam's question."""
    board = factory.board()
    helen = factory.person("Helen Carter", board=board, role=Role.SECRETARY)
    sam = factory.person("Sam Taylor", board=board)
    with db.context() as session:
        now = utcnow()
        meeting = Meeting(board_id=board.id, title="Board meeting in spring", starts_dt=now + timedelta(days=30),
                          place="Riverside Library", status=MeetingStatus.TAKING_QUESTIONS)
        session.add(meeting)
        session.flush()
        items = [AgendaItem(meeting_id=meeting.id, position=0, title="Short breaks for families"),
                 AgendaItem(meeting_id=meeting.id, position=1, title="Jobs for people with a learning disability")]
        session.add_all(items)
        session.flush()
        question = Question(board_id=board.id, meeting_id=meeting.id, asker_id=sam.id,
                            text="Can job coaches help me find work?", status=QuestionStatus.SENT, sent_dt=now,
                            asked_item_id=items[1].id)
        session.add(question)
        session.commit()
        ids = {"meeting": meeting.id, "item1": items[0].id, "item2": items[1].id, "question": question.id}
    return ids, signed_in(helen)


def _manage_queue(office, ids) -> str:
    response = office.get(f"{BOARD}/meetings/{ids['meeting']}/questions/manage")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_removing_the_newest_item_gives_its_questions_back_and_nothing_to_the_next_item(agenda, db):
    ids, office = agenda
    # The secretary puts Sam's question under the newest item and writes that item in Welsh.
    assert office.post(f"{BOARD}/questions/{ids['question']}/place", {"item": str(ids["item2"])}).status_code == 302
    welsh = office.post(f"{BOARD}/languages/agenda-item/{ids['item2']}/version",
                        {"language": "cy", "title": "Swyddi i bobl ag anabledd dysgu", "summary": "",
                         "easy_read_ok": "y"})
    assert welsh.status_code == 302, welsh.get_data(as_text=True)[:2000]
    assert db.scalar(select(func.count()).select_from(ContentLanguage)) == 1

    # Then takes that item off the agenda, and adds another.
    removed = office.post(f"{BOARD}/meetings/{ids['meeting']}/items/{ids['item2']}/remove")
    assert removed.status_code == 302
    added = office.post(f"{BOARD}/meetings/{ids['meeting']}/items/new",
                        {"title": "Buses in the evening", "summary": "Buses stop too early.", "picture": "house",
                         "easy_read_ok": "y"})
    assert added.status_code == 302, added.get_data(as_text=True)[:3000]
    new_item = db.scalar(select(AgendaItem).where(AgendaItem.title == "Buses in the evening"))
    assert new_item is not None

    # The question is back in the secretary's queue, words and all, and on no item.
    question = db.get(Question, ids["question"])
    assert question.status == QuestionStatus.SENT
    assert question.agenda_item_id is None and question.asked_item_id is None
    assert question.text == "Can job coaches help me find work?"
    assert "Can job coaches help me find work?" in _manage_queue(office, ids)

    # The new item starts empty: none of the old item's questions or Welsh words.
    assert db.scalar(select(Question).where((Question.agenda_item_id == new_item.id)
                                            | (Question.asked_item_id == new_item.id))) is None
    assert db.scalar(select(ContentLanguage).where(ContentLanguage.kind == "agenda-item",
                                                   ContentLanguage.content_id == new_item.id)) is None
    assert db.scalar(select(func.count()).select_from(ContentLanguage)) == 0
    agenda_page = office.get(f"{BOARD}/meetings/{ids['meeting']}/manage").get_data(as_text=True)
    assert "Swyddi i bobl" not in agenda_page
    # And a removed item's number is never given to another one.
    assert new_item.id != ids["item2"]


def _leading_columns(table) -> set[str]:
    """Columns some index (or unique key, or primary key) of `table` starts with."""
    leading = {next(iter(index.columns)).name for index in table.indexes if index.columns}
    leading |= {next(iter(constraint.columns)).name for constraint in table.constraints
                if constraint.__visit_name__ in ("unique_constraint", "primary_key_constraint")
                and constraint.columns}
    return leading


def test_every_foreign_key_has_an_index_that_starts_with_it():
    missing = sorted(f"{table.name}.{fk.parent.name}" for table in Base.metadata.sorted_tables
                     for fk in table.foreign_keys if fk.parent.name not in _leading_columns(table))
    assert missing == [], "add index=True to these foreign keys (deletes and joins scan the table without one)"


def test_no_index_is_only_the_start_of_another():
    """An index on (a, b) is not needed beside a unique key on (a, b, c): it only slows writes."""
    redundant = []
    for table in Base.metadata.sorted_tables:
        keys = [tuple(c.name for c in index.columns) for index in table.indexes]
        keys += [tuple(c.name for c in constraint.columns) for constraint in table.constraints
                 if constraint.__visit_name__ == "unique_constraint"]
        for index in table.indexes:
            columns = tuple(c.name for c in index.columns)
            if any(len(other) > len(columns) and other[:len(columns)] == columns for other in keys):
                redundant.append(index.name)
    assert redundant == []


def test_every_enum_column_has_a_named_check_the_database_enforces(app, factory):
    from sqlalchemy import Enum

    enum_columns = [(table.name, column.name) for table in Base.metadata.sorted_tables
                    for column in table.columns if isinstance(column.type, Enum)]
    assert len(enum_columns) >= 9
    for table_name, column_name in enum_columns:
        column = Base.metadata.tables[table_name].c[column_name]
        assert column.type.create_constraint and not column.type.native_enum, (table_name, column_name)
    # The database refuses a status that is not one of the enum's values (and takes one that is).
    board = factory.board()
    with app.app_context():
        _db.session.execute(insert(Meeting.__table__).values(
            board_id=board.id, title="x", about="", starts_dt=utcnow(), place="x", place_notes="",
            place_picture="board", status="planned", created_dt=utcnow()))
        _db.session.rollback()
        try:
            with pytest.raises(IntegrityError, match="(?i)check|ck_meeting_meeting_status"):
                _db.session.execute(insert(Meeting.__table__).values(
                    board_id=board.id, title="x", about="", starts_dt=utcnow(), place="x", place_notes="",
                    place_picture="board", status="cancelled", created_dt=utcnow()))
                _db.session.flush()
        finally:
            _db.session.rollback()


def test_foreign_keys_are_enforced(app, factory):
    board = factory.board()
    with app.app_context():
        try:
            with pytest.raises(IntegrityError, match="(?i)foreign key"):
                _db.session.execute(insert(Meeting.__table__).values(
                    board_id=board.id + 1000, title="x", about="", starts_dt=utcnow(), place="x", place_notes="",
                    place_picture="board", status="planned", created_dt=utcnow()))
                _db.session.flush()
        finally:
            _db.session.rollback()
        if _db.engine.dialect.name == "sqlite":
            with _db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL (config.py)
