"""Who may give someone a way in (issue 12, finding 1): a login card opens the whole account, so
only someone entitled on every board the person is on may make or stop one (permissions.may_give_way_in).

The attack from the issue: a secretary of riverside-autism only makes a card for someone who is
also secretary of riverside-ld, signs in with it and reads riverside-ld's secretary pages.
Run on PostgreSQL too: COPROD_TEST_DATABASE_URL=... (the finding was there)."""

from __future__ import annotations

import email
import re
from email import policy

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coprod.models import AuditEvent, LoginCard, Membership, Role


def _two_boards(factory, db):
    ld = factory.board("riverside-ld", "Riverside LD board")
    autism = factory.board("riverside-autism", "Riverside autism board")
    autism_secretary = factory.person("Tom Autism-Secretary", board=autism, role=Role.SECRETARY)
    return ld, autism, autism_secretary


def _add_role(db, user, board, role):
    with db.context() as session:
        session.add(Membership(board_id=board.id, user_id=user.id, role=role))


def test_the_attack_from_the_issue_is_refused(factory, signed_in, db, make_client):
    ld, autism, tom = _two_boards(factory, db)
    # Helen is secretary of riverside-ld, and also a member of riverside-autism.
    helen = factory.person("Helen LD-Secretary", board=ld, role=Role.SECRETARY, email="helen@example.org")
    _add_role(db, helen, autism, Role.MEMBER)
    factory.card(helen)
    helens_card = db.scalar(select(LoginCard).where(LoginCard.user_id == helen.id))
    attacker = signed_in(tom)

    # The person page on Tom's board does not offer it, and says why.
    page = attacker.get(f"/boards/riverside-autism/people/{helen.id}").get_data(as_text=True)
    assert "Only the site admin can make or stop login cards for this person" in page
    assert f"/people/{helen.id}/cards" not in page

    made = attacker.post(f"/boards/riverside-autism/people/{helen.id}/cards")
    assert made.status_code == 403
    assert "login-card__code" not in made.get_data(as_text=True)
    stopped = attacker.post(f"/boards/riverside-autism/people/{helen.id}/cards/{helens_card.id}/revoke")
    assert stopped.status_code == 403
    assert db.scalars(select(LoginCard).where(LoginCard.user_id == helen.id))[0].revoked_dt is None
    assert len(db.scalars(select(LoginCard).where(LoginCard.user_id == helen.id))) == 1
    assert "A new login card" not in sign_in_as(make_client, factory, helen).get("/updates").get_data(as_text=True)
    # And Tom still cannot read riverside-ld's secretary pages.
    assert attacker.get("/boards/riverside-ld/people").status_code == 403


def test_staff_of_another_board_and_members_of_two_boards_are_out_of_reach(factory, signed_in, db):
    ld, autism, tom = _two_boards(factory, db)
    commissioner = factory.person("Cara Commissioner", board=ld, role=Role.COMMISSIONER)
    _add_role(db, commissioner, autism, Role.MEMBER)
    member_of_both = factory.person("Sam Both", board=ld, role=Role.MEMBER)
    _add_role(db, member_of_both, autism, Role.CARER)
    admin = factory.person("Ada Admin", board=autism, role=Role.MEMBER, is_admin=True)
    attacker = signed_in(tom)
    for person in (commissioner, member_of_both, admin):
        assert attacker.post(f"/boards/riverside-autism/people/{person.id}/cards").status_code in (403, 404)
    assert db.scalars(select(LoginCard).where(LoginCard.user_id != tom.id)) == []


def test_a_secretary_of_every_board_the_person_is_on_may(factory, signed_in, db, make_client, smtp_inbox):  # noqa: F811
    ld, autism, tom = _two_boards(factory, db)
    _add_role(db, tom, ld, Role.SECRETARY)  # Tom now runs both boards
    sam = factory.person("Sam Both", board=ld, role=Role.MEMBER, email="sam@example.org")
    _add_role(db, sam, autism, Role.CARER)
    office = signed_in(tom)

    card_page = office.post(f"/boards/riverside-autism/people/{sam.id}/cards")
    assert card_page.status_code == 200
    html = card_page.get_data(as_text=True)
    code = re.search(r'class="login-card__code">([A-Z0-9 ]+)<', html).group(1)
    tablet = make_client()
    assert tablet.post("/sign-in/code", {"code": code}).status_code == 302

    card = db.scalar(select(LoginCard).where(LoginCard.user_id == sam.id))
    stopped = office.post(f"/boards/riverside-ld/people/{sam.id}/cards/{card.id}/revoke")
    assert stopped.status_code == 302
    assert tablet.get("/account").status_code == 302, "signed out with the stopped card"

    # Audited with who and why.
    events = db.scalars(select(AuditEvent).where(AuditEvent.action.in_(["card.issue", "card.revoke"]),
                                                AuditEvent.target_id == sam.id)
                        .order_by(AuditEvent.id))
    assert [e.action for e in events] == ["card.issue", "card.revoke"]
    assert all(e.actor_id == tom.id and e.target_id == sam.id for e in events)
    assert all("allowed as secretary of every board the person is on" in e.detail for e in events)
    assert "sam@example.org" not in " ".join(e.detail for e in events)

    # Sam is told on the Updates page and by email.
    from coprod.models import AccountNotice

    notices = db.scalars(select(AccountNotice).order_by(AccountNotice.id))
    assert [n.kind.value for n in notices] == ["card_made", "card_stopped"]
    updates = sign_in_as(make_client, factory, sam).get("/updates").get_data(as_text=True)
    assert "A new login card was made for you by the secretary of Riverside autism board." in updates
    assert "One of your login cards was stopped by the secretary of Riverside LD board." in updates
    assert "Did you not ask for this? Tell the site admin." in updates
    bodies = [email.message_from_string(message, policy=policy.default) for to, message in smtp_inbox.messages
              if "sam@example.org" in to]
    subjects = sorted(str(m["Subject"]) for m in bodies)
    assert subjects == ["A new login card for you", "One of your login cards was stopped"]
    assert all("/card/" not in m.get_content() for m in bodies), "the email never holds the card's link"


def test_a_secretary_of_one_board_still_looks_after_its_own_people(factory, signed_in, db):
    ld, autism, tom = _two_boards(factory, db)
    aisha = factory.person("Aisha Only-Autism", board=autism, role=Role.MEMBER)
    office = signed_in(tom)
    assert office.post(f"/boards/riverside-autism/people/{aisha.id}/cards").status_code == 200
    from coprod.models import AccountNotice

    assert db.scalar(select(AccountNotice)).board_id == autism.id


def test_a_site_admin_may_always(factory, signed_in, db):
    ld, autism, tom = _two_boards(factory, db)
    helen = factory.person("Helen LD-Secretary", board=ld, role=Role.SECRETARY)
    _add_role(db, helen, autism, Role.MEMBER)
    admin = factory.person("Ada Admin", is_admin=True, role=None)
    office = signed_in(admin)
    assert office.post(f"/boards/riverside-autism/people/{helen.id}/cards").status_code == 200
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "card.issue", AuditEvent.target_id == helen.id))
    assert event.actor_id == admin.id and "allowed as site admin" in event.detail
    from coprod.models import AccountNotice

    assert db.scalar(select(AccountNotice)).board_id is None  # "by the site admin"


def test_the_rule_itself(factory, db, app):
    from coprod.extensions import db as sa_db
    from coprod.models import User
    from coprod.permissions import may_give_way_in

    ld, autism, tom = _two_boards(factory, db)
    helen = factory.person("Helen", board=ld, role=Role.SECRETARY)
    aisha = factory.person("Aisha", board=autism, role=Role.MEMBER)
    nobody = factory.person("No role", role=None)
    admin = factory.person("Ada", is_admin=True, role=None)
    with app.app_context():
        get = lambda u: sa_db.session.scalar(  # noqa: E731
            select(User).where(User.id == u.id).options(selectinload(User.memberships)))
        assert may_give_way_in(get(tom), get(aisha))
        assert may_give_way_in(get(tom), get(tom))
        assert not may_give_way_in(get(tom), get(helen))
        assert not may_give_way_in(get(tom), get(nobody))
        assert not may_give_way_in(get(tom), get(admin))
        assert not may_give_way_in(get(aisha), get(aisha)), "a member gives no way in, not even to themselves"
        assert may_give_way_in(get(admin), get(helen)) and may_give_way_in(get(admin), get(nobody))
        assert not may_give_way_in(None, get(aisha))


def sign_in_as(make_client, factory, user):
    from conftest import sign_in

    return sign_in(make_client(), factory, user)
