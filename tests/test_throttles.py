"""Throttles that stop attackers, not people (issue 12, findings 5 and 6), through HTTP.

Every count lives in the database: two app instances stand for two web processes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coprod.models import LoginAttempt, Role
from conftest import Client, config_for_tests

HELEN_PASSWORD = "a long enough password"


def at(ip: str) -> dict:
    """Request from this network address (a tablet at a day centre, an attacker...)."""
    return {"environ_base": {"REMOTE_ADDR": ip}}


def move_attempts_back(db, minutes: float) -> None:
    """Time passes: every counted attempt happened `minutes` earlier."""
    with db.context(request=False) as session:
        for row in session.scalars(select(LoginAttempt)):
            row.created_dt = row.created_dt - timedelta(minutes=minutes)


@pytest.fixture
def other_worker(app):
    from coprod import create_app

    worker = create_app(config_for_tests(CODE_KEY=app.config.get("CODE_KEY", "")))
    return Client(worker, worker.test_client())


# ---- finding 5: email links ---------------------------------------------------------------------

def test_forty_link_requests_for_one_address_send_three_emails_and_the_same_answer(
        client, other_worker, factory, smtp_inbox, db):  # noqa: F811
    factory.person("Margaret Jones", board=factory.board(), role=Role.CARER, email="margaret@example.org")
    mail = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")
    other_worker.app.config.update({k: client.app.config[k] for k in mail})
    answers = set()
    for i in range(40):
        # From many addresses and two web processes, as a determined sender would.
        browser = client if i % 2 else other_worker
        response = browser.post("/sign-in/email", {"email": "Margaret@example.org"}, **at(f"10.1.{i}.7"))
        assert response.status_code == 200
        answers.add(response.get_data(as_text=True).count("Look in your email"))
    assert len(smtp_inbox.messages) == 3, "3 links in 15 minutes for one address"
    assert len(answers) == 1 and answers != {0}, "every answer is the same 'look in your email' page"

    # An hour later a few more are sent, but never more than 10 in a day.
    for _ in range(4):
        move_attempts_back(db, 60)
        for i in range(5):
            client.post("/sign-in/email", {"email": "margaret@example.org"}, **at(f"10.2.{i}.7"))
    assert len(smtp_inbox.messages) == 10


def test_unknown_address_gets_the_same_answer_and_the_table_names_no_one(client, factory, smtp_inbox, db):  # noqa: F811
    factory.person(board=factory.board())
    for i in range(5):
        response = client.post("/sign-in/email", {"email": "nobody@example.org"}, **at(f"10.3.{i}.1"))
        assert response.status_code == 200 and "Look in your email" in response.get_data(as_text=True)
    assert smtp_inbox.messages == []
    rows = db.scalars(select(LoginAttempt))
    assert rows and all("nobody" not in row.key and "10.3." not in row.key for row in rows), \
        "the attempts table names no email or address"


def test_one_address_asking_for_many_links_is_told_to_wait(client, factory, smtp_inbox, app):  # noqa: F811
    factory.person(board=factory.board())
    limit = app.config["EMAIL_LINKS_PER_ADDRESS_15_MINUTES"]
    for i in range(limit):
        assert client.post("/sign-in/email", {"email": f"person{i}@example.org"}, **at("10.4.0.1")).status_code == 200
    blocked = client.post("/sign-in/email", {"email": "someone@example.org"}, **at("10.4.0.1"))
    assert blocked.status_code == 429 and "Please wait" in blocked.get_data(as_text=True)
    assert client.post("/sign-in/email", {"email": "someone@example.org"}, **at("10.4.0.2")).status_code == 200


# ---- finding 6: cards and codes at a busy day centre --------------------------------------------

def test_wrong_codes_at_a_day_centre_do_not_stop_a_right_card(client, make_client, factory, app, db):
    day_centre = at("192.0.2.10")
    sam = factory.person("Sam Taylor", board=factory.board())
    card_path, code = factory.card(sam)
    for _ in range(app.config["THROTTLE_PER_ADDRESS"] + 3):
        client.post("/sign-in/code", {"code": "AAAA AAAA"}, **day_centre)
    slowed = client.post("/sign-in/code", {"code": "AAAA AAAA"}, **day_centre)
    assert slowed.status_code == 429
    html = slowed.get_data(as_text=True)
    assert "Please wait" in html and 'value="AAAA AAAA"' in html, "a message next to the field, typed code kept"

    # Sam taps his card at the same day centre: it works.
    tablet = make_client()
    assert tablet.post(card_path, **day_centre).status_code == 302
    assert tablet.get("/account").status_code == 200

    # Typed codes wait minutes, not a day: then Sam's right code works.
    move_attempts_back(db, 6)
    other = make_client()
    assert other.post("/sign-in/code", {"code": code}, **day_centre).status_code == 302


def test_code_wait_grows_with_each_failure_but_stays_short(client, factory, app, db):
    from coprod.accounts.throttle import rules

    with app.test_request_context():
        rule = rules()["code-address"]
    waits = [rule.wait_after(rule.free + n) for n in range(12)]
    assert waits[0] > timedelta(0) and waits[1] == 2 * waits[0], "the wait doubles"
    assert max(waits) <= timedelta(minutes=5), "never more than a few minutes"


def test_wrong_card_tokens_are_still_slowed(client, factory, app):
    factory.person(board=factory.board())
    for i in range(app.config["THROTTLE_PER_ADDRESS"]):
        assert client.post(f"/card/not-a-card-{i}", **at("198.51.100.1")).status_code == 404
    assert client.post("/card/not-a-card-x", **at("198.51.100.1")).status_code == 429


# ---- finding 6: passwords -------------------------------------------------------------------------

@pytest.fixture
def helen(factory):
    return factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY,
                          email="helen@example.org", password=HELEN_PASSWORD)


def _password(browser, password, ip):
    return browser.post("/sign-in/password", {"email": "helen@example.org", "password": password}, **at(ip))


def test_wrong_passwords_by_someone_else_do_not_lock_out_the_right_one(helen, make_client, app):
    attacker = make_client()
    for _ in range(app.config["THROTTLE_PER_ACCOUNT"]):
        assert _password(attacker, "guess", "203.0.113.66").status_code == 200
    assert _password(attacker, "guess", "203.0.113.66").status_code == 429, "the guesser is slowed"

    office = make_client()
    assert _password(office, HELEN_PASSWORD, "192.0.2.5").status_code == 302, "Helen still signs in"


def test_the_wait_grows_and_then_the_right_password_works_again(helen, make_client, db, app):
    laptop = make_client()
    for _ in range(app.config["THROTTLE_PER_ACCOUNT"]):
        _password(laptop, "wrong", "192.0.2.5")
    first = _password(laptop, HELEN_PASSWORD, "192.0.2.5")
    assert first.status_code == 429 and "Please wait 1 minute." in first.get_data(as_text=True)

    move_attempts_back(db, 1)
    assert _password(laptop, "wrong again", "192.0.2.5").status_code == 200
    second = _password(laptop, HELEN_PASSWORD, "192.0.2.5")
    assert second.status_code == 429 and "Please wait 1 minute." in second.get_data(as_text=True)

    move_attempts_back(db, 1.5)
    assert _password(laptop, "and again", "192.0.2.5").status_code == 200
    third = _password(laptop, HELEN_PASSWORD, "192.0.2.5")
    assert third.status_code == 429 and "Please wait 2 minutes." in third.get_data(as_text=True), "it grows"

    move_attempts_back(db, 20)
    assert _password(laptop, HELEN_PASSWORD, "192.0.2.5").status_code == 302, "not locked out for good"


def test_guessing_from_many_addresses_slows_the_account_for_a_while_only(helen, make_client, db, app):
    attacker = make_client()
    for i in range(app.config["THROTTLE_PER_ACCOUNT_ANYWHERE"]):
        assert _password(attacker, f"guess {i}", f"203.0.113.{i + 1}").status_code == 200
    assert _password(attacker, "guess", "203.0.113.200").status_code == 429, "a new address is slowed too"
    office = make_client()
    assert _password(office, HELEN_PASSWORD, "192.0.2.5").status_code == 429
    move_attempts_back(db, 16)
    assert _password(office, HELEN_PASSWORD, "192.0.2.5").status_code == 302


def test_password_attempts_are_counted_across_worker_processes(helen, client, other_worker, app):
    for attempt in range(app.config["THROTTLE_PER_ACCOUNT"]):
        browser = (client, other_worker)[attempt % 2]
        assert _password(browser, "nope", "192.0.2.9").status_code == 200
    for browser in (client, other_worker):
        assert _password(browser, HELEN_PASSWORD, "192.0.2.9").status_code == 429


def test_a_known_device_is_not_slowed_by_guessing_from_elsewhere(helen, make_client, app):
    laptop = make_client()
    assert _password(laptop, HELEN_PASSWORD, "192.0.2.5").status_code == 302
    laptop.post("/sign-out")
    attacker = make_client()
    for i in range(app.config["THROTTLE_PER_ACCOUNT_ANYWHERE"]):
        _password(attacker, f"guess {i}", f"203.0.113.{i + 1}")
    assert _password(make_client(), HELEN_PASSWORD, "192.0.2.5").status_code == 429, "a new browser waits"
    assert _password(laptop, HELEN_PASSWORD, "192.0.2.5").status_code == 302, "Helen's own laptop goes straight in"

    # A made-up or copied cookie of another account is no known device.
    forger = make_client()
    forger.raw.set_cookie("coprod_device", laptop.raw.get_cookie("coprod_device").value.split(".")[0] + ".bad")
    assert _password(forger, HELEN_PASSWORD, "192.0.2.5").status_code == 429
