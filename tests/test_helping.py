"""'Someone is helping me': shown plainly, and recorded on what the person does."""

from __future__ import annotations

from sqlalchemy import select

from coprod.models import AuditEvent, Role, SignIn


def test_choosing_a_supporter_shows_in_the_header_and_is_recorded(factory, signed_in, db):
    board = factory.board()
    sam = factory.person("Sam Taylor", board=board)
    chris = factory.person("Chris Morgan", board=board, role=Role.SUPPORTER)
    tablet = signed_in(sam)

    form = tablet.get("/helping").get_data(as_text=True)
    assert "Chris Morgan" in form and "Someone else" in form

    response = tablet.post("/helping", {"helper": str(chris.id)})
    assert response.status_code == 302
    home = tablet.get("/").get_data(as_text=True)
    assert "Chris Morgan is helping you." in home

    # What Sam does now says Chris helped.
    tablet.post("/settings", {"text_size": "large", "contrast": "normal", "locale": "en"})
    started = db.scalar(select(AuditEvent).where(AuditEvent.action == "help.start"))
    assert started.actor_id == sam.id and started.helper_id == chris.id
    changed = db.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
    assert changed.actor_id == sam.id and changed.helper_id == chris.id

    tablet.post("/helping/stop")
    assert "Chris Morgan is helping you" not in tablet.get("/").get_data(as_text=True)
    stopped = db.scalar(select(AuditEvent).where(AuditEvent.action == "help.stop"))
    assert stopped.helper_id == chris.id, "the stop is recorded as helped too"
    assert db.scalar(select(SignIn)).helper_id is None


def test_someone_else_by_name(factory, signed_in, db):
    sam = factory.person("Sam Taylor", board=factory.board())
    tablet = signed_in(sam)
    response = tablet.post("/helping", {"helper": "someone-else", "helper_name": "My mum, Ann"})
    assert response.status_code == 302
    assert "My mum, Ann is helping you." in tablet.get("/").get_data(as_text=True)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "help.start")).helper_name == "My mum, Ann"


def test_someone_else_without_a_name_asks_for_it(factory, signed_in):
    tablet = signed_in(factory.person(board=factory.board()))
    response = tablet.post("/helping", {"helper": "someone-else", "helper_name": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Type the name of the person helping you." in html
    assert "There is a problem" in html


def test_a_supporter_from_another_board_cannot_be_chosen(factory, signed_in):
    sam = factory.person("Sam Taylor", board=factory.board())
    elsewhere = factory.person("Other Supporter", board=factory.board("other", "Other board"), role=Role.SUPPORTER)
    tablet = signed_in(sam)
    response = tablet.post("/helping", {"helper": str(elsewhere.id)})
    assert response.status_code == 200
    assert "Other Supporter is helping you" not in tablet.get("/").get_data(as_text=True)


def test_help_ends_with_sign_out(factory, signed_in, db):
    board = factory.board()
    sam = factory.person("Sam Taylor", board=board)
    chris = factory.person("Chris Morgan", board=board, role=Role.SUPPORTER)
    tablet = signed_in(sam)
    tablet.post("/helping", {"helper": str(chris.id)})
    tablet.post("/sign-out")
    assert db.scalar(select(SignIn)).ended_dt is not None
