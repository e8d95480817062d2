"""A second factor for staff: an authenticator app (TOTP) and recovery codes, through HTTP."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from coprod.models import AuditEvent, RecoveryCode, Role, SignIn, User

PASSWORD = "a long enough password"


@pytest.fixture
def require(app, monkeypatch):
    """require("admin", "secretary") -> those roles must use an authenticator app."""
    def set_roles(*roles):
        monkeypatch.setitem(app.config, "REQUIRE_2FA_FOR", frozenset(roles))
    set_roles("admin")  # the site's default
    return set_roles


def _set_up(browser) -> tuple[str, list[str]]:
    """Set up the app on the set-up page like a person would: returns (secret, recovery codes)."""
    page = browser.get("/account/two-factor/set-up")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html, "a QR code to scan"
    secret = re.search(r'class="secret-key"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    done = browser.post("/account/two-factor/set-up", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([A-Z2-9]{5} [A-Z2-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _code(secret: str, ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * ahead)


def test_an_admin_must_set_up_an_app_before_anything_else(require, factory, signed_in, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None, email="priya@example.org")
    tablet = signed_in(priya)
    for page in ("/admin/", "/account", "/helping"):
        response = tablet.get(page)
        assert response.status_code == 302 and response.location == "/account/two-factor/set-up", page
    assert tablet.post("/admin/boards/new", {"name": "x"}).status_code == 302

    wrong = tablet.post("/account/two-factor/set-up", {"code": "123456"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "Those numbers do not work" in html and 'value="123456"' in html

    secret, codes = _set_up(tablet)
    assert tablet.get("/admin/").status_code == 200
    stored = db.get(User, priya.id)
    assert secret not in (stored.totp_secret or ""), "the secret is sealed with the server's key"
    hashes = " ".join(r.code_hash for r in db.scalars(select(RecoveryCode)))
    assert not any(code.replace(" ", "") in hashes for code in codes)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "2fa.on")).target_id == priya.id


def test_with_the_app_on_every_way_in_asks_for_its_code(require, factory, signed_in, make_client, db):
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY,
                           email="helen@example.org", password=PASSWORD)
    require("admin", "secretary")
    secret, _codes = _set_up(signed_in(helen))

    laptop = make_client()
    first = laptop.post("/sign-in/password?next=/account", {"email": "helen@example.org", "password": PASSWORD})
    assert first.status_code == 302 and first.location.startswith("/sign-in/second-step")
    assert laptop.get("/account").status_code == 302, "not signed in yet"
    wrong = laptop.post(first.location, {"code": "000000"})
    assert wrong.status_code == 200 and "Those numbers do not work" in wrong.get_data(as_text=True)
    done = laptop.post(first.location, {"code": _code(secret, 1)})
    assert done.status_code == 302 and done.location == "/account"
    assert laptop.get("/account").status_code == 200

    # A card asks too; the code just used cannot be used again.
    tablet = make_client()
    path, _ = __import__("conftest").Factory(tablet.app).card(helen)
    before = len(db.scalars(select(SignIn)))
    assert tablet.post(path).location.startswith("/sign-in/second-step")
    replay = tablet.post("/sign-in/second-step", {"code": _code(secret, 1)})
    assert replay.status_code == 200, "a used code does not work twice"
    assert len(db.scalars(select(SignIn))) == before, "no sign-in started"
    assert tablet.get("/account").status_code == 302


def test_a_recovery_code_works_once(require, factory, signed_in, make_client, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    _secret, codes = _set_up(signed_in(priya))
    path, _ = __import__("conftest").Factory(db.app).card(priya)

    phone_lost = make_client()
    assert phone_lost.post(path).status_code == 302
    assert phone_lost.post("/sign-in/recovery-code", {"code": codes[3].lower()}).status_code == 302
    assert phone_lost.get("/admin/").status_code == 200
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "2fa.recovery-used")) is not None

    again = make_client()
    again.post(path)
    used = again.post("/sign-in/recovery-code", {"code": codes[3]})
    assert used.status_code == 200 and "That recovery code does not work" in used.get_data(as_text=True)


def test_wrong_codes_make_the_second_step_wait(require, factory, signed_in, make_client, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    secret, _codes = _set_up(signed_in(priya))
    path, _ = __import__("conftest").Factory(db.app).card(priya)
    thief = make_client()
    thief.post(path)
    for _ in range(5):
        assert thief.post("/sign-in/second-step", {"code": "111111"}).status_code == 200
    slowed = thief.post("/sign-in/second-step", {"code": _code(secret, 1)})
    assert slowed.status_code == 429 and "Please wait" in slowed.get_data(as_text=True)


def test_members_and_carers_never_meet_it(require, factory, signed_in):
    require("admin", "secretary", "commissioner")
    board = factory.board()
    for role in (Role.MEMBER, Role.CARER, Role.SUPPORTER):
        tablet = signed_in(factory.person(f"Someone {role.value}", board=board, role=role))
        assert tablet.get("/account").status_code == 200
        assert tablet.get("/account/two-factor").status_code == 404


def test_an_admin_resets_a_lost_app_and_it_is_audited(require, factory, signed_in, db):
    require("admin", "secretary")
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY)
    helens_tablet = signed_in(helen)
    _set_up(helens_tablet)
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    admins = signed_in(priya)
    _set_up(admins)

    assert "Reset the authenticator app" in admins.get(f"/admin/people/{helen.id}").get_data(as_text=True)
    assert admins.post(f"/admin/people/{helen.id}/two-factor/reset").status_code == 302
    assert db.get(User, helen.id).totp_secret is None
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "2fa.reset"))
    assert (event.actor_id, event.target_id) == (priya.id, helen.id)
    assert helens_tablet.get("/account").status_code == 302, "signed out everywhere"
    again = signed_in(helen)
    assert again.get("/account").location == "/account/two-factor/set-up", "she sets it up again"


def test_turning_it_off_needs_a_code(require, factory, signed_in):
    require()  # nobody must
    helen = factory.person("Helen Carter", board=factory.board(), role=Role.SECRETARY)
    tablet = signed_in(helen)
    secret, _codes = _set_up(tablet)
    assert "Your authenticator app is on" in tablet.get("/account/two-factor").get_data(as_text=True)
    wrong = tablet.post("/account/two-factor/turn-off", {"code": "123456"})
    assert wrong.status_code == 200 and "That code does not work" in wrong.get_data(as_text=True)
    assert tablet.post("/account/two-factor/turn-off", {"code": _code(secret, 1)}).status_code == 302
    assert "Your authenticator app is not set up" in tablet.get("/account/two-factor").get_data(as_text=True)


def test_new_recovery_codes_replace_the_old_ones(require, factory, signed_in, db):
    priya = factory.person("Priya Shah", is_admin=True, board=None)
    tablet = signed_in(priya)
    _secret, old = _set_up(tablet)
    page = tablet.post("/account/two-factor/recovery-codes")
    new = re.findall(r"<code>([A-Z2-9]{5} [A-Z2-9]{5})</code>", page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert len(db.scalars(select(RecoveryCode))) == 10
