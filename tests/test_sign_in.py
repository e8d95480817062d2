"""Signing in without a memory test, and signing out that really ends the session."""

from __future__ import annotations

import re

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coprod.accounts.services import revoke_card
from coprod.models import AuditEvent, LoginCard, Role, SignIn, User, utcnow


def test_login_card_link_asks_then_signs_in_and_keeps_you_signed_in(client, factory, db):
    board = factory.board()
    sam = factory.person("Sam Taylor", board=board)
    path, _ = factory.card(sam)

    page = client.get(path)
    assert page.status_code == 200
    assert "Is this you?" in page.get_data(as_text=True)
    assert "Sam Taylor" in page.get_data(as_text=True)
    # Looking at the link (as a link preview would) signs nobody in.
    assert db.scalar(select(SignIn)) is None

    done = client.post(path)
    assert done.status_code == 302
    home = client.get("/")
    assert re.search(r"<h1[^>]*>Hello (<bdi>)?Sam Taylor(</bdi>)?</h1>", home.get_data(as_text=True))
    cookie = client.raw.get_cookie("session")
    assert cookie.expires is not None, "stays signed in on this tablet"
    row = db.scalar(select(SignIn))
    assert row.method == "card" and row.expires_dt > utcnow() + timedelta(days=300)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "sign-in")).actor_id == sam.id


def test_typed_code_signs_in_with_spaces_and_small_letters(client, factory):
    sam = factory.person("Sam Taylor", board=factory.board())
    _, code = factory.card(sam)
    response = client.post("/sign-in/code", {"code": f"  {code.lower()} "})
    assert response.status_code == 302
    assert "Hello <bdi>Sam Taylor</bdi>" in client.get("/").get_data(as_text=True)


def test_wrong_code_gets_a_clear_message_and_keeps_what_was_typed(client, factory):
    factory.person(board=factory.board())
    response = client.post("/sign-in/code", {"code": "WXYZ 2345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "That code does not work" in html
    assert 'value="WXYZ 2345"' in html


def test_revoked_card_does_not_work_and_its_sessions_end(client, factory, db, app):
    sam = factory.person(board=factory.board())
    path, _ = factory.card(sam)
    client.post(path)
    assert client.get("/account").status_code == 200

    with db.context() as session:
        revoke_card(session.scalar(select(LoginCard).options(joinedload(LoginCard.user))), by=None)

    assert client.get("/account").status_code == 302, "the tablet using the card is signed out"
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_copied_cookie_is_refused_after_sign_out(client, factory, make_client):
    sam = factory.person(board=factory.board())
    path, _ = factory.card(sam)
    client.post(path)
    stolen = client.raw.get_cookie("session").value

    client.post("/sign-out")
    thief = make_client()
    thief.raw.set_cookie("session", stolen)
    assert thief.get("/account").status_code == 302
    home = thief.get("/").get_data(as_text=True)
    assert not re.search(r"<h1[^>]*>Hello (<bdi>)?Sam Taylor(</bdi>)?</h1>", home) and "Sign out" not in home


def test_disabling_an_account_ends_its_sessions(factory, signed_in, db):
    board = factory.board()
    admin = factory.person("Priya Shah", is_admin=True, board=None)
    sam = factory.person("Sam Taylor", board=board)
    sams_tablet = signed_in(sam)
    admins_tablet = signed_in(admin)

    response = admins_tablet.post(f"/admin/people/{sam.id}/disable")
    assert response.status_code == 302
    assert sams_tablet.get("/account").status_code == 302
    assert db.get(User, sam.id).disabled_dt is not None


def test_password_sign_in_for_staff_and_password_change_signs_out_other_devices(
        factory, make_client, signed_in):
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY,
                           email="helen@example.org", password="a long enough password")
    laptop = make_client()
    response = laptop.post("/sign-in/password", {"email": "HELEN@example.org", "password": "a long enough password"})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200

    office = signed_in(helen)
    changed = office.post("/account/password", {"current_password": "a long enough password",
                                                "password": "another long passphrase"})
    assert changed.status_code == 302
    assert office.get("/account").status_code == 200, "the device that changed it stays signed in"
    assert laptop.get("/account").status_code == 302, "other devices are signed out"


def test_wrong_password_says_so_without_saying_which_part(client, factory):
    factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY,
                   email="helen@example.org", password="a long enough password")
    for email in ("helen@example.org", "nobody@example.org"):
        response = client.post("/sign-in/password", {"email": email, "password": "wrong"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "The email address or password is not right" in html
        assert f'value="{email}"' in html


def test_login_throttle_holds_across_worker_processes(factory, app):
    """Two app instances stand for two gunicorn workers: the count lives in the database."""
    from conftest import Client, config_for_tests

    from coprod import create_app

    factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY,
                   email="helen@example.org", password="a long enough password")
    other_worker = create_app(config_for_tests())
    workers = [Client(app, app.test_client()), Client(other_worker, other_worker.test_client())]
    limit = app.config["THROTTLE_PER_ACCOUNT"]
    for attempt in range(limit):
        response = workers[attempt % 2].post("/sign-in/password", {"email": "helen@example.org", "password": "nope"})
        assert response.status_code == 200
    for worker in workers:
        blocked = worker.post("/sign-in/password", {"email": "helen@example.org", "password": "a long enough password"})
        assert blocked.status_code == 429
        assert "Please wait" in blocked.get_data(as_text=True)


def test_codes_are_throttled_per_address(client, factory, app):
    factory.person(board=factory.board())
    for _ in range(app.config["THROTTLE_PER_ADDRESS"]):
        client.post("/sign-in/code", {"code": "AAAA AAAA"})
    assert client.post("/sign-in/code", {"code": "AAAA AAAA"}).status_code == 429


def test_card_token_is_stored_only_as_a_hash(factory, db):
    sam = factory.person(board=factory.board())
    path, code = factory.card(sam)
    card = db.scalar(select(LoginCard))
    token = path.rsplit("/", 1)[1]
    assert token not in (card.token_hash, card.code_hash)
    assert code.replace(" ", "") not in (card.token_hash, card.code_hash)


def test_next_only_goes_to_this_site(client, factory):
    sam = factory.person(board=factory.board())
    path, _ = factory.card(sam)
    for target, expected in [("/account", "/account"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        response = client.post(f"{path}?next={target}")
        assert response.status_code == 302
        assert response.location == expected, target
        client.post("/sign-out")
        path, _ = factory.card(sam)
