"""Magic links by email, through a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from coprod.models import MagicLink, Role, utcnow


def _link_from(message: str) -> str:
    # Long lines in the email may be folded by quoted-printable encoding: undo that first.
    import email
    from email import policy

    body = email.message_from_string(message, policy=policy.default).get_content()
    return re.search(r"http://coprod\.test(/sign-in/link/\S+)", body).group(1)


def test_magic_link_is_emailed_and_works_once(client, factory, smtp_inbox, make_client):
    factory.person("Margaret Jones", board=factory.board(), role=Role.CARER, email="margaret@example.org")
    response = client.post("/sign-in/email", {"email": "Margaret@Example.org"})
    assert response.status_code == 200
    assert "Look in your email" in response.get_data(as_text=True)

    assert len(smtp_inbox.messages) == 1
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["margaret@example.org"]
    assert "Your link to sign in" in message
    path = _link_from(message)

    assert "Sign in as Margaret Jones" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 302
    assert client.get("/account").status_code == 200

    again = make_client()
    assert again.get(path).status_code == 404, "a link works once"
    assert again.post(path).status_code == 404


def test_unknown_email_gets_the_same_answer_and_no_email(client, factory, smtp_inbox):
    factory.person(board=factory.board())
    response = client.post("/sign-in/email", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Look in your email" in response.get_data(as_text=True)
    assert smtp_inbox.messages == []


def test_expired_link_does_not_work(client, factory, smtp_inbox, db):
    factory.person("Margaret Jones", board=factory.board(), role=Role.CARER, email="margaret@example.org")
    client.post("/sign-in/email", {"email": "margaret@example.org"})
    path = _link_from(smtp_inbox.messages[0][1])
    with db.context() as session:
        session.execute(update(MagicLink).values(expires_dt=utcnow() - timedelta(minutes=1)))
    assert client.get(path).status_code == 404
    assert "This link does not work" in client.post(path).get_data(as_text=True)


def test_bad_email_gets_a_clear_message_and_is_kept(client):
    response = client.post("/sign-in/email", {"email": "margaret at example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This does not look like an email address" in html
    assert 'value="margaret at example"' in html


def test_link_is_stored_only_as_a_hash(client, factory, smtp_inbox, db):
    factory.person("Margaret Jones", board=factory.board(), role=Role.CARER, email="margaret@example.org")
    client.post("/sign-in/email", {"email": "margaret@example.org"})
    token = _link_from(smtp_inbox.messages[0][1]).rsplit("/", 1)[1]
    assert db.scalar(select(MagicLink)).token_hash != token
