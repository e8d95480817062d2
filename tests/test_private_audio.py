"""Audio of pages only some people may see is served only to them (issue 12, finding 3).

A clip made from a page that is not public (signed in, or a secret in the URL) is private: its
URL is signed for the person it was shown to and runs out, and it is never cached
(`private, no-store`). A public page's audio stays publicly cacheable."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from conftest import sign_in
from coprod.models import AudioClip, Role
from conftest import run_worker  # the `audio` fixture (fake engine, real queue) is in conftest.py

SRC = re.compile(r'data-normal-src="(/audio/[0-9a-f]{64}\.mp3[^"]*)"')
WAIT = re.compile(r'data-listen-wait-normal="(/audio/[0-9a-f]{64}\.json[^"]*)"')


def _src(page: str) -> str:
    return unescape(SRC.search(page).group(1))


def test_a_secretary_page_clip_is_served_only_to_that_secretary(audio, factory, make_client, db):  # noqa: F811
    board = factory.board("riverside-ld", "Riverside LD board")
    other = factory.board("riverside-autism", "Riverside autism board")
    helen = factory.person("Helen Carter", board=board, role=Role.SECRETARY)
    factory.person("Sam Private-Person", board=board, role=Role.MEMBER)
    office = sign_in(make_client(), factory, helen)
    outsider = sign_in(make_client(), factory, factory.person("Olly Other", board=other, role=Role.SECRETARY))
    stranger = make_client()

    first = office.get("/boards/riverside-ld/people").get_data(as_text=True)
    status_url = unescape(WAIT.search(first).group(1))
    assert "?t=" in status_url, "the waiting page's status URL is signed too"
    run_worker(audio)
    key = re.search(r"[0-9a-f]{64}", status_url).group(0)
    assert db.scalar(select(AudioClip).where(AudioClip.key == key)).is_private
    ready = office.get(status_url).json
    assert ready["ready"] is True and "?t=" in ready["src"]
    bare_status = status_url.split("?")[0]
    assert stranger.get(bare_status).status_code == 404

    src = _src(office.get("/boards/riverside-ld/people").get_data(as_text=True))
    assert "?t=" in src
    served = office.get(src)
    assert served.status_code == 200 and served.mimetype == "audio/mpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert office.get(src, headers={"Range": "bytes=0-99"}).status_code == 206

    bare = src.split("?")[0]
    assert stranger.get(src).status_code == 404, "signed out, with the whole URL"
    assert stranger.get(bare).status_code == 404
    assert outsider.get(src).status_code == 404, "another board's secretary, with the whole URL"
    assert office.get(bare).status_code == 404, "without its signature"
    assert office.get(src.replace("?t=", "?t=x")).status_code == 404


def test_a_private_clip_url_runs_out(audio, factory, make_client, monkeypatch):  # noqa: F811
    board = factory.board("riverside-ld", "Riverside LD board")
    office = sign_in(make_client(), factory, factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    office.get("/boards/riverside-ld/people")
    run_worker(audio)
    src = _src(office.get("/boards/riverside-ld/people").get_data(as_text=True))
    assert office.get(src).status_code == 200
    monkeypatch.setitem(audio.config, "AUDIO_PRIVATE_URL_MAX_AGE", -1)
    assert office.get(src).status_code == 404


def test_a_public_page_clip_is_publicly_cacheable(audio, client, db):  # noqa: F811
    client.get("/help")
    run_worker(audio)
    src = _src(client.get("/help").get_data(as_text=True))
    assert "?" not in src
    served = client.get(src)
    assert served.status_code == 200
    cache = served.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    assert not any(clip.is_private for clip in db.scalars(select(AudioClip)))


def test_words_first_heard_signed_in_become_public_when_a_public_page_says_them(audio, factory, make_client,  # noqa: F811
                                                                                  db):
    board = factory.board("riverside-ld", "Riverside LD board")
    member = sign_in(make_client(), factory, factory.person("Sam Taylor", board=board, role=Role.MEMBER))
    member.get("/help")
    run_worker(audio)
    private_src = _src(member.get("/help").get_data(as_text=True))
    assert "?t=" in private_src
    key = re.search(r"[0-9a-f]{64}", private_src).group(0)
    assert db.scalar(select(AudioClip).where(AudioClip.key == key)).is_private
    anyone = make_client()
    src = _src(anyone.get("/help").get_data(as_text=True))
    assert "?" not in src and anyone.get(src).status_code == 200
    assert src == private_src.split("?")[0], "the same words, the same clip"
    assert not db.scalar(select(AudioClip).where(AudioClip.key == key)).is_private
