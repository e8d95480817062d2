"""Headers on every response, CSRF on every change, no inline script, secret key handling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coprod.models import Role

ROOT = Path(__file__).resolve().parent.parent


def _assert_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")


@pytest.mark.parametrize("path", ["/", "/help", "/sign-in/code", "/no-such-page", "/admin/",
                                  "/static/css/coprod.css", "/pictures/vote.svg", "/pictures/nope.svg"])
def test_every_response_has_security_headers(client, path):
    _assert_headers(client.get(path))


def test_error_responses_have_headers_too(client):
    _assert_headers(client.post("/sign-in/code", {"code": "x"}, csrf=False))
    _assert_headers(client.raw.put("/"))


def test_hsts_when_served_over_https(app, client):
    app.config["COPROD_HTTPS"] = True
    try:
        assert "max-age" in client.get("/").headers.get("Strict-Transport-Security", "")
    finally:
        app.config["COPROD_HTTPS"] = False


def test_every_form_post_without_a_csrf_token_is_refused(app, factory, signed_in):
    """Walk every route that accepts POST: without a token, nothing happens and the answer is 400."""
    board = factory.board()
    admin = signed_in(factory.person("Priya Shah", is_admin=True, board=board, role=Role.SECRETARY))
    sam = factory.person("Sam Taylor", board=board)
    values = {"slug": board.slug, "user_id": sam.id, "card_id": 1, "token": "x", "group_id": 1, "member_id": 1, "proposal_id": 1,
              "meeting_id": 1, "item_id": 1, "record_id": 1, "action_id": 1,
              "question_id": 1, "word": "commissioner", "picture_id": 1,
              "kind": "record", "content_id": 1, "language": "en", "export_id": 1, "claim_id": 1,
              "paper_id": 1, "version": "full", "concern_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        response = admin.post(url, {}, csrf=False)
        assert response.status_code == 400, f"{rule.endpoint} accepted a POST with no CSRF token"
        assert "Please try again" in response.get_data(as_text=True)
        response = admin.post(url, {"csrf_token": "forged"}, csrf=False)
        assert response.status_code == 400, f"{rule.endpoint} accepted a forged CSRF token"
        checked += 1
    assert checked >= 10


def test_templates_have_no_inline_script_or_style_attributes():
    """The CSP forbids them; a template that used them would break in the browser."""
    for template in (ROOT / "templates").rglob("*.html"):
        # Look at the HTML only, not at arguments inside {{ ... }} and {% ... %}.
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", template.read_text(), flags=re.S)
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {template}"
        assert not re.search(r"\sstyle=", text), f"style attribute in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    from coprod.config import load_config

    monkeypatch.delenv("COPROD_SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "only the owner can read it"
    assert load_config(tmp_path / "other")["SECRET_KEY"] != first


def test_uploaded_names_and_text_are_escaped(factory, signed_in):
    board = factory.board()
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    office.post("/boards/riverside-ld/people/new", {"name": "<script>alert(1)</script>", "role": "member"})
    html = office.get("/boards/riverside-ld/people").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pictures_cannot_escape_their_folder(client):
    for name in ["..%2F..%2Fetc%2Fpasswd", "vote.svg%00", "VOTE"]:
        assert client.get(f"/pictures/{name}.svg").status_code == 404
    for name in ["..%2Fsecret_key", "..%2F..%2Fsecret_key", "pending%2F" + "0" * 32 + ".webp", "0" * 32 + ".png"]:
        assert client.get(f"/pictures/files/{name}").status_code == 404


def test_a_proxy_count_from_the_environment_trusts_that_many_forwarded_addresses(monkeypatch):
    """Behind nginx, sign-in throttling must count each tablet's own address, not the proxy's;
    without the setting, a forged X-Forwarded-For header changes nothing."""
    from flask import request

    from coprod import create_app
    from conftest import config_for_tests

    def address_seen(app):
        with app.test_request_context("/", headers={"X-Forwarded-For": "203.0.113.7"},
                                      environ_base={"REMOTE_ADDR": "10.0.0.2"}):
            app.wsgi_app(request.environ, lambda *a: None)  # runs ProxyFix, if any, on the environ
            return request.environ.get("REMOTE_ADDR")

    assert address_seen(create_app(config_for_tests())) == "10.0.0.2"
    monkeypatch.setenv("COPROD_PROXY_COUNT", "1")
    assert address_seen(create_app(config_for_tests())) == "203.0.113.7"
