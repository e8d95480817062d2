"""Relationships never load on first touch: reading one that was not loaded explicitly raises, so a
template or view cannot start a query unnoticed (see the rule on coprod.models.base.Base)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import RelationshipDirection, joinedload, selectinload

from coprod.extensions import db as _db
from coprod.models import AgendaItem, Base, Meeting, MeetingStatus, utcnow

BOARD = "/boards/riverside-ld"


def _relationships():
    for mapper in Base.registry.mappers:
        for relationship in mapper.relationships:
            yield f"{mapper.class_.__name__}.{relationship.key}", relationship


def test_every_relationship_raises_instead_of_loading():
    found = dict(_relationships())
    assert len(found) > 30  # the registry really was read
    wrong = {name: rel.lazy for name, rel in found.items() if rel.lazy not in ("raise", "raise_on_sql")}
    assert not wrong, f"declare these with lazy='raise': {wrong}"


def test_raise_on_sql_only_back_to_the_parent_of_a_collection():
    """The one exception: a many-to-one back to the parent whose collection loaded it (that parent is
    already in the session, so no query); it still raises when a query would be needed."""
    for name, rel in _relationships():
        if rel.lazy == "raise_on_sql":
            assert rel.direction is RelationshipDirection.MANYTOONE, name
            assert rel.back_populates and rel.mapper.relationships[rel.back_populates].uselist, name


@pytest.fixture
def meeting(cast, db):
    """A published agenda on the cast's board, with one item."""
    with db.context() as session:
        found = Meeting(board_id=cast.board.id, title="Board meeting in spring", place="Riverside Library",
                        starts_dt=utcnow() + timedelta(days=30), status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(found)
        session.flush()
        session.add(AgendaItem(meeting_id=found.id, position=0, title="Short breaks for families"))
        session.commit()
        return found.id


def test_touching_an_unloaded_relationship_raises(app, meeting):
    with app.app_context():
        found = _db.session.get(Meeting, meeting)
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            found.items  # noqa: B018 (a collection)
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            found.board  # noqa: B018 (a many-to-one)

        item = _db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting))
        _db.session.expunge(found)  # its meeting is not in the session: reading it would need a query
        with pytest.raises(InvalidRequestError, match="lazy='raise_on_sql'"):
            item.meeting  # noqa: B018


def test_loaded_explicitly_it_reads_without_a_query(app, meeting):
    from query_count import count_queries

    with app.app_context():
        found = _db.session.scalar(select(Meeting).where(Meeting.id == meeting)
                                   .options(joinedload(Meeting.board), selectinload(Meeting.items)))
        with count_queries(_db.engine) as counter:
            assert found.board.slug == "riverside-ld"
            assert [item.title for item in found.items] == ["Short breaks for families"]
            assert found.items[0].meeting is found  # back to the parent: in the session, no query
        assert counter.count == 0


def test_pages_that_read_relationships_still_work(cast, signed_in, meeting):
    """Through HTTP: signing in with a card (the card's person), the meeting page (its board and
    items) and the secretary's page for it, each loading what it reads."""
    member = signed_in(cast.member)
    page = member.get(f"{BOARD}/meetings/{meeting}")
    assert page.status_code == 200
    assert "Short breaks for families" in page.get_data(as_text=True)
    secretary = signed_in(cast.secretary)
    assert secretary.get(f"{BOARD}/meetings/{meeting}/manage").status_code == 200


def test_a_refused_form_is_shown_again_after_the_rollback(cast, signed_in):
    """A refusal rolls back, which expires everything loaded; what the request had loaded (who is
    asking, the person on the page) is loaded again, so the page says why instead of failing.
    (tests/test_questions.py's late question, whose page reads a relationship first, fails without it.)"""
    secretary = signed_in(cast.secretary)
    page = secretary.post(f"{BOARD}/people/{cast.secretary.id}/role", {"role": "member"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "You cannot change your own role" in text
    assert cast.secretary.name in text  # the person on the page (a relationship) is shown
