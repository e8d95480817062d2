"""Light pages on weak wifi (coprod/compression.py): pages, CSS, JavaScript and open data are sent
compressed to browsers that take it, and static files carry a digest of their content so a browser
keeps them for a year."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from coprod import national
from coprod.extensions import db as _db


@pytest.fixture
def tiny(app):
    with app.test_request_context():
        national.make("tiny")
        _db.session.commit()


@pytest.mark.parametrize("path, kind", [
    ("/privacy", "text/html"),
    ("/boards/national-001/said-did", "text/html"),
    ("/boards/national-001/said-did/records.csv", "text/csv"),
    ("/boards/national-001/said-did/actions.csv", "text/csv"),
    ("/boards/national-001/said-did/records.json", "application/json"),
    ("/boards/national-001/said-did/feed.atom", "application/atom+xml"),
])
def test_pages_and_open_data_go_out_compressed(tiny, client, path, kind):
    plain = client.get(path)
    assert plain.status_code == 200 and plain.mimetype == kind
    assert "Content-Encoding" not in plain.headers, "a browser that takes no compression gets it plain"
    assert len(plain.get_data()) > 500

    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data() if kind != "text/html" else \
        len(zipped.get_data()) < len(plain.get_data()) / 2

    squeezed = client.get(path, headers={"Accept-Encoding": "br, gzip"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert len(brotli.decompress(squeezed.get_data())) > 500


def test_a_compressed_page_reads_the_same(client):
    plain = client.get("/help").get_data(as_text=True)
    page = gzip.decompress(client.get("/help", headers={"Accept-Encoding": "gzip"}).get_data()).decode()
    # Only the one-time form keys differ between two answers.
    keys = re.compile(r'value="[^"]{20,}"')
    assert keys.sub("", page) == keys.sub("", plain)


def test_static_files_have_their_digest_in_the_address_and_are_kept_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/coprod\.css\?v=[0-9a-f]{12})"', page).group(1)
    js = re.search(r'src="(/static/js/coprod\.js\?v=[0-9a-f]{12})"', page).group(1)
    for address in (css, js):
        answer = client.get(address, headers={"Accept-Encoding": "br"})
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "br"
        assert brotli.decompress(answer.get_data()) == client.get(address.split("?")[0]).get_data()
    # An address without the digest, or with an old one, is checked each time instead.
    assert client.get("/static/css/coprod.css").headers["Cache-Control"] == "no-cache"
    assert client.get("/static/css/coprod.css?v=000000000000").headers["Cache-Control"] == "no-cache"
    assert client.get("/static/css/../../coprod/__init__.py?v=x").status_code == 404


def test_audio_and_pictures_are_not_compressed_again(client):
    answer = client.get("/pictures/vote.svg", headers={"Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200
    # SVG is text: compressed like a page; its year-long cache stays.
    assert answer.headers.get("Content-Encoding") in ("br", None)
    assert "max-age=31536000" in answer.headers["Cache-Control"]


def test_pages_for_a_signed_in_person_are_not_compressed(signed_in, cast, client):
    """A signed-in person's page holds secrets (CSRF token, private audio links) beside words they
    typed: compressed, its size would leak the secret bit by bit (BREACH)."""
    member = signed_in(cast.member)
    board = f"/boards/{cast.board.slug}"
    for path in ("/help", board, f"{board}/said-did"):
        answer = member.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert answer.status_code == 200 and answer.mimetype == "text/html"
        assert "Content-Encoding" not in answer.headers, path
    # The same page signed out is public: compressed.
    assert client.get("/help", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
