"""Codes a stolen database does not give away (issue 12, finding 7).

A login card's short code (8 letters: few enough to try them all against a plain hash) and its
token are stored as keyed hashes (HMAC-SHA256 with a key kept out of the database). Cards made
before keep working, and are keyed when first used or by `coprod migrate`."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, text

from coprod.accounts.tokens import SCHEME_KEYED, SCHEME_SHA256
from coprod.models import LoginCard
from conftest import DATABASE_URL, Client, config_for_tests


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def everything_stored(db) -> str:
    with db.context(request=False) as session:
        rows = session.execute(select(LoginCard.token_hash, LoginCard.code_hash)).all()
    return " ".join(" ".join(row) for row in rows)


def test_a_new_cards_code_and_token_are_not_stored_as_plain_sha256(client, make_client, factory, db):
    sam = factory.person("Sam Taylor", board=factory.board())
    path, code = factory.card(sam)
    token = path.rsplit("/", 1)[1]
    stored = everything_stored(db)
    assert sha256(code.replace(" ", "")) not in stored, "a plain SHA-256 of the code gives it away"
    assert sha256(token) not in stored
    assert db.scalar(select(LoginCard)).hash_scheme == SCHEME_KEYED

    assert client.post("/sign-in/code", {"code": code}).status_code == 302
    assert make_client().post(path).status_code == 302


def test_a_card_made_before_keyed_hashes_still_signs_in_and_is_then_keyed(client, make_client, factory, db):
    sam = factory.person("Sam Taylor", board=factory.board())
    token, code = "an-old-card-token-made-long-ago-0123456789abcdef", "ABCD2345"
    with db.context(request=False) as session:  # as the old code wrote it
        session.add(LoginCard(user_id=sam.id, token_hash=sha256(token), code_hash=sha256(code),
                              hash_scheme=SCHEME_SHA256))

    assert client.post("/sign-in/code", {"code": "abcd 2345"}).status_code == 302
    assert "Hello <bdi>Sam Taylor</bdi>" in client.get("/").get_data(as_text=True)
    card = db.scalar(select(LoginCard))
    assert card.hash_scheme == SCHEME_KEYED, "keyed on first use"
    assert sha256(code) not in everything_stored(db) and sha256(token) not in everything_stored(db)
    # Both its secrets still work after: the QR code's link too, though only the code was typed.
    assert make_client().post(f"/card/{token}").status_code == 302
    assert make_client().post("/sign-in/code", {"code": code}).status_code == 302


def test_a_copy_of_the_database_without_the_key_finds_no_card(factory, app):
    from coprod import create_app

    sam = factory.person("Sam Taylor", board=factory.board())
    path, code = factory.card(sam)
    thief = create_app(config_for_tests(CODE_KEY="not-the-servers-key"))
    browser = Client(thief, thief.test_client())
    assert browser.post(path).status_code == 404
    assert browser.post("/sign-in/code", {"code": code}).status_code == 200  # "that code does not work"


def test_the_migration_keeps_old_cards_working_and_coprod_migrate_keys_them(tmp_path):
    from flask_migrate import downgrade, upgrade

    from coprod import create_app
    from coprod.accounts.services import upgrade_card_hashes
    from coprod.extensions import db

    if DATABASE_URL.startswith("postgresql"):
        from conftest import _BASE_DATABASE_URL, PG_SCHEMA, _schema_url

        url = _schema_url(_BASE_DATABASE_URL, f"{PG_SCHEMA}_codes")
    else:
        url = f"sqlite:///{tmp_path / 'codes.sqlite'}"
    app = create_app(config_for_tests(SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade(revision="b7d41f0c2e93")  # before keyed hashes
            db.session.execute(text(
                "INSERT INTO \"user\" (name, picture, is_admin, text_size, contrast, created_dt) "
                "VALUES ('Sam Taylor', 'person', false, 'normal', 'normal', CURRENT_TIMESTAMP)"))
            user_id = db.session.scalar(text("SELECT id FROM \"user\""))
            db.session.execute(text(
                "INSERT INTO login_card (user_id, token_hash, code_hash, created_dt) "
                "VALUES (:user, :token, :code, CURRENT_TIMESTAMP)"),
                {"user": user_id, "token": sha256("old-token"), "code": sha256("WXYZ2345")})
            db.session.commit()
            upgrade()
            assert db.session.scalar(select(LoginCard.hash_scheme)) == SCHEME_SHA256
            db.session.commit()

        browser = Client(app, app.test_client())
        assert browser.post("/card/old-token").status_code == 302, "an old card works after the migration"

        with app.test_request_context():
            # What `coprod migrate` does after migrating: key every old card, no code needed.
            db.session.execute(text("UPDATE login_card SET token_hash = :t, code_hash = :c, hash_scheme = 'sha256'"),
                               {"t": sha256("old-token"), "c": sha256("WXYZ2345")})
            assert upgrade_card_hashes() == 1
            db.session.commit()
            assert sha256("WXYZ2345") not in db.session.scalar(select(LoginCard.code_hash))
        assert Client(app, app.test_client()).post("/sign-in/code", {"code": "WXYZ 2345"}).status_code == 302

        with app.app_context():
            db.session.remove()
            downgrade(revision="b7d41f0c2e93")
            upgrade()
            db.session.remove()
            db.engine.dispose()
    finally:
        if DATABASE_URL.startswith("postgresql"):
            from conftest import PG_SCHEMA, drop_schema

            drop_schema(f"{PG_SCHEMA}_codes")
