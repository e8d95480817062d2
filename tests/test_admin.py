"""Site admin: boards, admin rights, turning accounts off, the audit log."""

from __future__ import annotations

from sqlalchemy import select

from coprod.models import AuditEvent, Board, Membership, Role, User


def test_admin_starts_a_board_and_gives_someone_a_role(factory, signed_in, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    admin = signed_in(priya)
    response = admin.post("/admin/boards/new", {"name": "Carers' Forum", "slug": "carers", "about": "For carers."})
    assert response.status_code == 302 and response.location == "/boards/carers"
    board = db.scalar(select(Board).where(Board.slug == "carers"))

    sam = factory.person("Sam Taylor", board=None)
    response = admin.post(f"/admin/people/{sam.id}/roles", {"board": str(board.id), "role": "member"})
    assert response.status_code == 302
    assert db.scalar(select(Membership).where(Membership.user_id == sam.id)).role == Role.MEMBER
    actions = {e.action for e in db.scalars(select(AuditEvent))}
    assert {"board.create", "role.change", "sign-in"} <= actions


def test_slug_in_use_or_badly_formed_is_explained(factory, signed_in):
    factory.board("riverside-ld")
    admin = signed_in(factory.person("Priya Shah", is_admin=True, board=None))
    used = admin.post("/admin/boards/new", {"name": "Another", "slug": "riverside-ld"})
    assert "Another board uses this short name" in used.get_data(as_text=True)
    bad = admin.post("/admin/boards/new", {"name": "Another", "slug": "Not OK!"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Use only small letters, numbers and dashes" in html
    assert 'value="Another"' in html


def test_admin_rights_are_logged_and_you_cannot_change_your_own(factory, signed_in, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY)
    admin = signed_in(priya)
    admin.post(f"/admin/people/{helen.id}/admin")
    assert db.get(User, helen.id).is_admin
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "admin.grant")).target_id == helen.id

    admin.post(f"/admin/people/{priya.id}/admin")
    assert db.get(User, priya.id).is_admin, "cannot lock yourself out"
    assert "You cannot change your own admin rights" in admin.get(f"/admin/people/{priya.id}").get_data(as_text=True)


def test_audit_log_shows_who_and_when(factory, signed_in):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    admin = signed_in(priya)
    html = admin.get("/admin/audit").get_data(as_text=True)
    assert "sign-in" in html and "Priya Shah" in html and "UTC" in html


def test_secretaries_cannot_use_admin_pages(factory, signed_in):
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY)
    office = signed_in(helen)
    assert office.get("/admin/").status_code == 403
    assert office.post(f"/admin/people/{helen.id}/admin").status_code == 403
    assert office.post("/admin/boards/new", {"name": "X", "slug": "x"}).status_code == 403
