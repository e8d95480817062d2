"""Logs hold no one's secrets (issue 12, finding 3): no card or sign-in link token in the access log
of `coprod serve` or in the app's log; sign-in links and addresses reach the log only in the demo."""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import CSRF_RE
from coprod.models import Role


def test_redact_cuts_every_kind_of_token():
    from coprod.logs import redact

    line = ('127.0.0.1 - - "POST /card/AbC_123-x HTTP/1.1" 302 "http://site/sign-in/link/Tok3n?next=/" '
            '"GET /audio/' + "a" * 64 + '.mp3?t=eyJhbGc.sig HTTP/1.1" /pictures/new/pend1ng')
    cleaned = redact(line)
    for secret in ("AbC_123-x", "Tok3n", "eyJhbGc.sig", "pend1ng"):
        assert secret not in cleaned
    assert "/card/[token]" in cleaned and "/sign-in/link/[token]" in cleaned and "?t=[token]" in cleaned
    assert redact("GET /boards/riverside-ld/people/12") == "GET /boards/riverside-ld/people/12"


def test_the_app_log_never_gets_a_token(app, caplog):
    with caplog.at_level(logging.INFO):
        app.logger.error("unhandled error on %s", "/card/secret-card-token")
        logging.getLogger("coprod.outbox").error("could not send %s", "/sign-in/link/secret-link-token")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "secret-card-token" not in text
    assert "/card/[token]" in text


def test_an_email_without_a_mail_server_logs_no_address_or_link(app, client, factory, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "log")
    monkeypatch.setitem(app.config, "DEMO", False)
    factory.person("Margaret Jones", board=factory.board(), role=Role.CARER, email="margaret@example.org")
    with caplog.at_level(logging.INFO):
        assert client.post("/sign-in/email", {"email": "margaret@example.org"}).status_code == 200
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Email not sent" in text
    assert "margaret@example.org" not in text and "/sign-in/link/" not in text

    monkeypatch.setitem(app.config, "DEMO", True)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        client.post("/sign-in/email", {"email": "margaret@example.org"})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "margaret@example.org" in text and re.search(r"/sign-in/link/[\w-]{20,}", text), \
        "the demo shows the link, so people trying it can sign in"


@pytest.mark.slow
def test_coprod_serve_access_log_holds_no_card_token(tmp_path):
    env = dict(os.environ, COPROD_INSTANCE_PATH=str(tmp_path), COPROD_PUBLIC_URL="http://tablet.test")
    env.pop("COPROD_DATABASE_URL", None)
    made = subprocess.run([sys.executable, "-m", "coprod.cli", "demo-data"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    # A member's card (staff would be asked for their second factor next).
    path = next(line for line in made.stdout.splitlines() if line.startswith("member ")).split()[-1]
    token = path.rsplit("/", 1)[1]
    assert path.startswith("/card/") and len(token) > 20

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "coprod.cli", "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(base + "/sign-in", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the site did not start"
                time.sleep(0.3)
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = browser.open(base + path, timeout=10).read().decode()
        csrf = CSRF_RE.search(page).group(1)
        request = urllib.request.Request(base + path, data=urllib.parse.urlencode({"csrf_token": csrf}).encode(),
                                         headers={"Referer": base + path})
        signed_in = browser.open(request, timeout=10)
        assert signed_in.status == 200 and "/sign-in" not in signed_in.url, "the card signed in"
        try:
            browser.open(base + "/sign-in/link/not-a-real-link-token-123456", timeout=10)
        except urllib.error.HTTPError:
            pass
    finally:
        os.killpg(server.pid, 15)
        output = server.communicate(timeout=30)[0].decode()
    assert "/card/[token]" in output, output[-2000:]
    assert token not in output
    assert "not-a-real-link-token-123456" not in output
