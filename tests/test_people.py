"""Secretaries add people, give roles and make login cards - only on their own board."""

from __future__ import annotations

import re

from sqlalchemy import select

from coprod.models import AuditEvent, LoginCard, Membership, Role, User


def _scan_qr_code(html: str) -> str:
    """Read the card's QR code as a tablet camera would: render the SVG, decode the picture."""
    import html as html_lib
    import io
    import urllib.parse

    import cairosvg
    import zxingcpp
    from PIL import Image

    uri = html_lib.unescape(re.search(r'class="login-card__qr" src="([^"]+)"', html).group(1))
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    picture = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode(), output_width=480)))
    found = zxingcpp.read_barcodes(picture)
    assert len(found) == 1, "one readable QR code on the card"
    return found[0].text


def _secretary(factory, board):
    return factory.person("Helen Carter", board=board, role=Role.SECRETARY)


def test_secretary_adds_a_person_makes_a_card_and_the_card_signs_them_in(factory, signed_in, make_client, db):
    board = factory.board()
    office = signed_in(_secretary(factory, board))

    response = office.post("/boards/riverside-ld/people/new",
                           {"name": "Aisha Begum", "email": "", "role": "member"})
    assert response.status_code == 302
    aisha = db.scalar(select(User).where(User.name == "Aisha Begum"))
    assert db.scalar(select(Membership).where(Membership.user_id == aisha.id)).role == Role.MEMBER

    card_page = office.post(f"/boards/riverside-ld/people/{aisha.id}/cards")
    html = card_page.get_data(as_text=True)
    assert card_page.status_code == 200
    assert "Login card for Aisha Begum" in html
    link = _scan_qr_code(html).removeprefix("http://coprod.test")
    assert link.startswith("/card/")
    code = re.search(r'class="login-card__code">([A-Z0-9 ]+)<', html).group(1)

    tablet = make_client()
    assert tablet.post(link).status_code == 302
    assert re.search(r"<h1[^>]*>Hello <bdi>Aisha Begum</bdi></h1>", tablet.get("/").get_data(as_text=True))
    other_tablet = make_client()
    assert other_tablet.post("/sign-in/code", {"code": code}).status_code == 302

    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "person.add" in actions and "card.issue" in actions


def test_revoking_a_card_from_the_person_page(factory, signed_in, make_client, db):
    board = factory.board()
    office = signed_in(_secretary(factory, board))
    sam = factory.person("Sam Taylor", board=board)
    path, _ = factory.card(sam)
    tablet = make_client()
    tablet.post(path)
    card = db.scalar(select(LoginCard).where(LoginCard.user_id == sam.id))

    response = office.post(f"/boards/riverside-ld/people/{sam.id}/cards/{card.id}/revoke")
    assert response.status_code == 302
    assert tablet.get("/account").status_code == 302
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "card.revoke")).actor_id is not None


def test_role_change_is_audited(factory, signed_in, db):
    board = factory.board()
    helen = _secretary(factory, board)
    office = signed_in(helen)
    sam = factory.person("Sam Taylor", board=board)
    response = office.post(f"/boards/riverside-ld/people/{sam.id}/role", {"role": "carer"})
    assert response.status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "role.change"))
    assert event.actor_id == helen.id and event.target_id == sam.id and event.detail == "member -> carer"
    assert event.created_dt.tzinfo is not None


def test_secretary_cannot_change_own_role(factory, signed_in):
    board = factory.board()
    helen = _secretary(factory, board)
    office = signed_in(helen)
    response = office.post(f"/boards/riverside-ld/people/{helen.id}/role", {"role": "member"})
    assert response.status_code == 400
    assert "You cannot change your own role" in response.get_data(as_text=True)


def test_secretary_cannot_reach_people_on_another_board(factory, signed_in, db):
    board = factory.board()
    other = factory.board("other", "Other board")
    office = signed_in(_secretary(factory, board))
    stranger = factory.person("Stranger", board=other)
    path, _ = factory.card(stranger)
    card = db.scalar(select(LoginCard))
    # Through their own board's URLs, with the other person's id:
    assert office.get(f"/boards/riverside-ld/people/{stranger.id}").status_code == 404
    assert office.post(f"/boards/riverside-ld/people/{stranger.id}/cards").status_code == 404
    assert office.post(f"/boards/riverside-ld/people/{stranger.id}/role", {"role": "secretary"}).status_code == 404
    assert office.post(f"/boards/riverside-ld/people/{stranger.id}/cards/{card.id}/revoke").status_code == 404
    # Through the other board's URLs:
    assert office.get("/boards/other/people").status_code == 403
    assert office.get(f"/boards/other/people/{stranger.id}").status_code == 403
    assert db.scalar(select(LoginCard)).revoked_dt is None


def test_card_id_of_another_person_is_refused(factory, signed_in, db):
    board = factory.board()
    office = signed_in(_secretary(factory, board))
    sam = factory.person("Sam Taylor", board=board)
    aisha = factory.person("Aisha Begum", board=board)
    factory.card(aisha)
    aishas_card = db.scalar(select(LoginCard).where(LoginCard.user_id == aisha.id))
    assert office.post(f"/boards/riverside-ld/people/{sam.id}/cards/{aishas_card.id}/revoke").status_code == 404
    assert db.get(LoginCard, aishas_card.id).revoked_dt is None


def test_members_cannot_use_secretary_pages(factory, signed_in):
    board = factory.board()
    sam = factory.person("Sam Taylor", board=board)
    tablet = signed_in(sam)
    assert tablet.get("/boards/riverside-ld/people").status_code == 403
    assert tablet.post("/boards/riverside-ld/people/new", {"name": "X", "role": "secretary"}).status_code == 403


def test_duplicate_email_is_refused_clearly_and_the_form_is_kept(factory, signed_in):
    board = factory.board()
    factory.person("Margaret Jones", board=board, role=Role.CARER, email="margaret@example.org")
    office = signed_in(_secretary(factory, board))
    response = office.post("/boards/riverside-ld/people/new",
                           {"name": "Maggie", "email": "MARGARET@example.org", "role": "carer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone already has this email address" in html
    assert 'value="Maggie"' in html
    assert re.search(r'value="carer"\s+checked', html)


def test_secretary_makes_a_group_with_a_facilitator(factory, signed_in, db):
    from coprod.models import Group, GroupMember

    board = factory.board()
    office = signed_in(_secretary(factory, board))
    jordan = factory.person("Jordan Lee", board=board)
    response = office.post("/boards/riverside-ld/groups", {"name": "Riverside People First"})
    assert response.status_code == 302
    group = db.scalar(select(Group))
    response = office.post(f"/boards/riverside-ld/groups/{group.id}", {"person": str(jordan.id), "is_facilitator": "y"})
    assert response.status_code == 302
    member = db.scalar(select(GroupMember))
    assert member.user_id == jordan.id and member.is_facilitator
    page = office.get(f"/boards/riverside-ld/groups/{group.id}").get_data(as_text=True)
    assert "Jordan Lee" in page and "can send questions for the whole group" in page

    again = office.post("/boards/riverside-ld/groups", {"name": "riverside people first"})
    assert "There is already a group with this name" in again.get_data(as_text=True)

    office.post(f"/boards/riverside-ld/groups/{group.id}/members/{member.id}/remove")
    assert db.scalar(select(GroupMember)) is None
    assert {"group.create", "group.join", "group.leave"} <= {e.action for e in db.scalars(select(AuditEvent))}


def test_groups_of_another_board_are_out_of_reach(factory, signed_in, db):
    from coprod.models import Group

    board = factory.board()
    other = factory.board("other", "Other board")
    office = signed_in(_secretary(factory, board))
    with db.context() as session:
        session.add(Group(board_id=other.id, name="Elsewhere"))
    elsewhere = db.scalar(select(Group))
    assert office.get(f"/boards/riverside-ld/groups/{elsewhere.id}").status_code == 404
    assert office.get(f"/boards/other/groups/{elsewhere.id}").status_code == 403
