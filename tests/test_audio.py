"""Listen: every page gets its Listen control; workers make the audio; faults never break a page.

Most tests use the fake engine (a tone, same checks) for speed; `test_real_espeak_*` use the real
pyttsx3 + espeak-ng, and `test_redis_*` the real Redis on this machine with a real worker process."""

from __future__ import annotations

import errno
from html import unescape as html_unescape
import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from conftest import DATABASE_URL, queued_names, run_worker
from coprod.audio import clips, engine, listen, making
from coprod.audio import store as store_module
from coprod.audio.text import read_page, split_sentences
from coprod.extensions import db as _db
from coprod.models import AgendaItem, AudioClip, Board, ClipStatus, Meeting, MeetingStatus, utcnow
from coprod.tasks import huey

AUDIO_SRC = re.compile(r'data-normal-src="(/audio/[0-9a-f]{64}\.mp3)"')
AUDIO_STATUS = re.compile(r'data-listen-wait-normal="(/audio/[0-9a-f]{64}\.json)"')
SLOW_SRC = re.compile(r'data-slow-src="(/audio/[0-9a-f]{64}\.mp3)"')
NOT_READY = "Listen: the audio for this page is not ready yet."
NOT_WORKING = "Listen is not working for this page. You can read the words on the page."


def is_mp3(data: bytes) -> bool:
    return len(data) > 100 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0


# ---------------------------------------------------------------------------------------------
# What is read out
# ---------------------------------------------------------------------------------------------

def test_the_main_content_is_read_in_order_and_other_things_are_left_out():
    html = """<html><body><header><p>Site name</p></header><main id="main">
    <div class="notice" data-no-listen><p>Your settings are saved.</p></div>
    <div class="page-heading"><img src="a.svg" alt=""><h1>Vote: the new day centre</h1></div>
    <div class="listen-slot" data-listen-slot></div>
    <div class="error-summary" data-error-summary><h2>There is a problem</h2><a href="#c">Choose one</a></div>
    <p>Should the day centre open on Saturdays? It would cost &pound;10,000.</p>
    <fieldset><legend>Your vote</legend>
      <input type="hidden" name="csrf_token" value="secret-token">
      <label for="c-1">Yes</label><input id="c-1" type="radio"><label for="c-2">No</label></fieldset>
    <table><tr><th>Action</th><td>Open on Saturdays from <time>May</time>.</td></tr></table>
    <ul><li>Question one?</li><li hidden>Not shown</li></ul>
    <a class="big-link" href="/x"><span data-listen-part>Help</span><span data-listen-part>Who to ask</span></a>
    <button type="submit">Send my vote</button><script src="x.js"></script>
    </main><footer>Footer text</footer></body></html>"""
    spoken = read_page(html)
    assert spoken.sentences == [
        "Vote: the new day centre", "Should the day centre open on Saturdays?", "It would cost \u00a310,000.",
        "Your vote", "Yes", "No", "Action", "Open on Saturdays from May.", "Question one?", "Help",
        "Who to ask", "Send my vote"]
    assert "secret-token" not in " ".join(spoken.sentences)
    assert spoken.blocks[1] == spoken.blocks[2] != spoken.blocks[0]


def test_reading_copes_with_comments_scripts_quotes_entities_and_stops_on_very_long_pages():
    from coprod.audio.text import MAX_SENTENCES

    html = """<main><!-- <p>a comment</p> --><script>var x = "<p>no</p>";</script>
    <P title="a > b" class='x'>Fish &amp; chips &lt;today&gt;.</P><img alt="A map of the town" src="m.svg"/>
    <p title="is hidden here">Shown.</p><textarea><p>typed</p></textarea><br/><span aria-hidden="true">x</span></main>
    <p>After main.</p>"""
    assert read_page(html).sentences == ["Fish & chips <today>.", "A map of the town", "Shown."]
    rows = "".join(f"<tr><td>Person {n}</td></tr>" for n in range(MAX_SENTENCES * 3))
    assert len(read_page(f"<main><table>{rows}</table></main>").sentences) == MAX_SENTENCES
    assert read_page("<p>No main here.</p>").sentences == []


def test_sentences_split_on_full_stops_questions_and_welsh_text():
    assert split_sentences("Dyma'r bwrdd.  Beth ydych chi'n feddwl?   Da iawn!") == [
        "Dyma'r bwrdd.", "Beth ydych chi'n feddwl?", "Da iawn!"]
    assert split_sentences(" - ") == []


# ---------------------------------------------------------------------------------------------
# Pages, the worker and serving
# ---------------------------------------------------------------------------------------------

def test_a_page_asks_for_audio_then_has_a_listen_control_and_the_file_is_served(audio, client):
    first = client.get("/help")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert NOT_READY in page and "Signing in" in page
    assert queued_names().count("make_audio_clip") == 2  # normal and slow

    run_worker(audio)
    assert huey.pending_count() == 0
    page = client.get("/help").get_data(as_text=True)
    assert NOT_READY not in page
    assert re.search(r'<button[^>]*data-listen-play>\s*<img[^>]*>\s*<span data-listen-label>Listen to this page', page)
    assert huey.pending_count() == 0, "a second visit is a cache hit: no new job"
    normal, slow = AUDIO_SRC.search(page).group(1), SLOW_SRC.search(page).group(1)
    assert normal != slow
    # Without JavaScript: a plain audio player and links to the files.
    assert re.search(rf'<audio class="listen__audio"[^>]* controls src="{normal}"', page)
    assert f'<a href="{normal}">' in page
    starts = json.loads(html_unescape(re.search(r'data-normal-starts="([^"]*)"', page).group(1)))
    sentences = json.loads(html_unescape(re.search(r'data-listen-sentences="([^"]*)"', page).group(1)))
    assert starts == sorted(starts) and starts[0] == 0 and len(starts) == len(sentences) > 5
    assert sentences[:3] == ["Help", "Signing in", "You get a login card from your board secretary."]

    served = client.get(normal)
    assert served.status_code == 200
    assert served.mimetype == "audio/mpeg" and is_mp3(served.data)
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Accept-Ranges"] == "bytes"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    etag = served.headers["ETag"]
    assert client.get(normal, headers={"If-None-Match": etag}).status_code == 304
    part = client.get(normal, headers={"Range": "bytes=0-999"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-999/{len(served.data)}"
    assert part.data == served.data[:1000]
    tail = client.get(normal, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.data == served.data[-500:]
    assert huey.pending_count() == 0


def test_speech_is_never_made_inside_a_web_request(app, audio, client, db, monkeypatch):
    from flask import has_request_context

    calls = []
    real_speak = engine.speak

    def watched_speak(*args, **kwargs):
        calls.append(has_request_context())
        return real_speak(*args, **kwargs)

    monkeypatch.setattr(engine, "speak", watched_speak)
    huey.immediate = True  # even in immediate mode (where Huey would run jobs inline), pages only ask
    client.get("/help")
    assert calls == []
    huey.immediate = False
    client.get("/help")
    with db.context() as session:
        session.add(Board(slug="made-ahead", name="Made ahead", about="Ahead of time."))
    run_worker(audio)
    assert calls and not any(calls), "every clip was made by a worker, outside any request"


def test_a_waiting_page_can_ask_whether_its_audio_is_ready(audio, client):
    page = client.get("/help").get_data(as_text=True)
    status_url = re.search(r'data-listen-wait-normal="(/audio/[0-9a-f]{64}\.json)"', page).group(1)
    assert re.search(r'data-listen-wait-slow="/audio/[0-9a-f]{64}\.json"', page)
    waiting = client.get(status_url)
    assert waiting.json == {"ready": False, "failed": False}
    assert waiting.headers["Cache-Control"] == "no-store"
    assert huey.pending_count() == 2, "asking does not queue more jobs"
    run_worker(audio)
    ready = client.get(status_url).json
    assert ready["ready"] is True and ready["src"] == status_url.replace(".json", ".mp3")
    assert ready["starts"][0] == 0 and len(ready["starts"]) > 5
    assert client.get("/audio/not-a-key.json").status_code == 404


def test_unknown_or_malformed_audio_keys_are_404(audio, client):
    assert client.get("/audio/" + "a" * 64 + ".mp3").status_code == 404
    assert client.get("/audio/..%2Fsecret_key.mp3").status_code == 404
    assert client.get("/audio/ABC.mp3").status_code == 404


def test_same_words_same_file_made_once(audio, client, make_client):
    client.get("/help")
    make_client().get("/help")  # a second visitor before the worker ran
    assert huey.pending_count() == 4
    assert run_worker(audio) == ["ready"] * 4
    assert len(list(services_store_root(audio).rglob("*.mp3"))) == 2
    with audio.app_context():
        clips = list(_db.session.scalars(select(AudioClip)))
    assert len(clips) == 2 and {c.speed for c in clips} == {"normal", "slow"}
    assert all(c.attempts == 1 for c in clips), "made once each"


def test_personal_pages_get_their_own_audio_and_flash_notices_are_not_read(audio, factory, signed_in, db):
    board = factory.board()
    sam = signed_in(factory.person("Sam Taylor", board=board))
    sam.get("/")
    run_worker(audio)
    spoken = [sentence for s in db.scalars(select(AudioClip.sentences_json)) for sentence in json.loads(s)]
    assert "Hello Sam Taylor" in spoken
    response = sam.post("/settings", {"text_size": "large", "contrast": "normal", "locale": "en"},
                        follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    notices = re.findall(r'<div class="notice[^>]*data-no-listen[^>]*>.*?<p>(.*?)</p>', page, re.S)
    assert notices, "a flash notice is shown"
    assert not set(n.strip() for n in notices) & set(read_page(page).sentences), "but not read out"


def test_welsh_pages_are_spoken_with_the_welsh_voice(audio, client, db):
    page = client.get("/help?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page and "Gwrando" in page
    run_worker(audio)
    clips = db.scalars(select(AudioClip))
    assert {(c.language, c.voice) for c in clips} == {("cy", "cy")}
    page = client.get("/help?lang=cy").get_data(as_text=True)
    assert "Gwrando ar y dudalen hon" in page and AUDIO_SRC.search(page)


def test_the_control_plays_any_audio_url(app):
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string(
            '{% from "audio/_listen.html" import listen_control %}'
            '{{ listen_control({"src": "/questions/7/recording.mp3"}, label="Listen to the question") }}')
    assert 'data-normal-src="/questions/7/recording.mp3"' in html
    assert "<span data-listen-label>Listen to the question</span>" in html
    assert 'data-slow-src=""' in html and "Slow speed" in html and "data-listen-wait" not in html


# ---------------------------------------------------------------------------------------------
# The real engine
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("locale, words", [
    ("en", ["Hello Sam.", "The board meets every three months.", "You can ask a question before the meeting."]),
    ("cy", ["Helo Sam.", "Mae'r bwrdd yn cwrdd bob tri mis.", "Gallwch ofyn cwestiwn cyn y cyfarfod."]),
])
def test_real_espeak_makes_valid_small_audio_in_english_and_welsh(audio, monkeypatch, locale, words, db):
    monkeypatch.setitem(audio.config, "AUDIO_ENGINE", "espeak")
    with audio.test_request_context():
        spec = clips.specs_for(words, locale)["normal"]
        assert spec.voice == {"en": "en-gb", "cy": "cy"}[locale]
        assert making.make_clip(spec) == "ready"
        data = clips.store().path_for(spec.key).read_bytes()
    clip = db.scalar(select(AudioClip).where(AudioClip.key == spec.key))
    assert clip.status == ClipStatus.READY and clip.error is None
    assert is_mp3(data) and clip.byte_size == len(data)
    assert 3 < clip.seconds < 15, clip.seconds
    assert len(data) / clip.seconds <= 4000, "4 KB or less per second of speech"
    starts = json.loads(clip.timings_json)
    assert len(starts) == 3 and starts[0] == 0 and starts[0] < starts[1] < starts[2] < clip.seconds


def test_the_speech_process_finishes_even_when_its_worker_has_died(tmp_path):
    """pyttsx3 prints from espeak-ng's callback; with nobody reading (the worker died) that print
    failed and runAndWait looped for ever. Now the process finishes and exits."""
    process = subprocess.Popen([*engine.SYNTH_COMMAND, "--voice", "en-gb", "--rate", "160", "--out", str(tmp_path)],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    process.stderr.close()
    process.stdin.write(json.dumps([f"Sentence number {n} is here." for n in range(4)]).encode())
    process.stdin.close()
    try:
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000.wav", "0001.wav", "0002.wav", "0003.wav"]


def test_the_welsh_voice_is_really_used():
    """espeak-ng reads Welsh spelling with Welsh rules: the same words sound different in each voice."""
    words = ["Llanfairpwllgwyngyll."]
    welsh = engine.speak(words, voice="cy", words_per_minute=160)
    english = engine.speak(words, voice="en-gb", words_per_minute=160)
    assert welsh.pcm != english.pcm



def test_every_clip_is_spoken_at_the_listeners_speed_even_under_load():
    """espeak-ng now and then ignored a speed set once at the start and spoke at pyttsx3's default
    200 words a minute (about 1 clip in 30 with several made at once). A listener who chose slow
    speech must always get it: 80 clips, four at a time, all as long as each other."""
    from concurrent.futures import ThreadPoolExecutor

    words = ["Families need a rest."]

    def one(number: int) -> float:
        if number % 2:  # English words on a Welsh page: the voice changes before the sentence
            return engine.speak(words, voice="cy", voices=["en-gb"], words_per_minute=160).seconds
        return engine.speak(words, voice="en-gb", words_per_minute=160).seconds

    with ThreadPoolExecutor(4) as pool:
        lengths = list(pool.map(one, range(80)))
    assert len(set(lengths)) == 1, sorted(set(lengths))
    faster = engine.speak(words, voice="en-gb", words_per_minute=200).seconds
    assert faster < lengths[0] * 0.9, "a faster speed makes shorter speech"


# ---------------------------------------------------------------------------------------------
# When things go wrong
# ---------------------------------------------------------------------------------------------

BROKEN_ENGINES = {
    "missing": ({"AUDIO_SYNTH_COMMAND": ["/nonexistent/espeak-ng-synth"]}, "could not start"),
    "crash": ({"AUDIO_SYNTH_COMMAND": [sys.executable, "-c", "import os; os.abort()"]}, "crashed"),
    "hang": ({"AUDIO_SYNTH_COMMAND": [sys.executable, "-c", "import time; time.sleep(60)"], "AUDIO_TIMEOUT": 0.3},
             "longer than 0.3 s"),
    "no voice": ({"AUDIO_ENGINE": "espeak", "AUDIO_VOICES": {"en": "xx-no-such-voice"}}, "no voice"),
    "cut short": ({"AUDIO_SYNTH_COMMAND": [sys.executable, "-c", (
        "import sys, wave, struct\n"
        "out = sys.argv[sys.argv.index('--out') + 1]\n"
        "import json; n = len(json.load(sys.stdin))\n"
        "for i in range(n):\n"
        "    w = wave.open(f'{out}/{i:04d}.wav', 'wb'); w.setnchannels(1); w.setsampwidth(2)\n"
        "    w.setframerate(22050); w.writeframes(b'\\0\\0' * 22050); w.close()\n"
        "    data = open(f'{out}/{i:04d}.wav', 'rb').read(); open(f'{out}/{i:04d}.wav', 'wb').write(data[:2000])\n"
    )]}, "cut short"),
    "empty": ({"AUDIO_SYNTH_COMMAND": [sys.executable, "-c", (
        "import sys, wave, json\n"
        "out = sys.argv[sys.argv.index('--out') + 1]\n"
        "for i in range(len(json.load(sys.stdin))):\n"
        "    w = wave.open(f'{out}/{i:04d}.wav', 'wb'); w.setnchannels(1); w.setsampwidth(2)\n"
        "    w.setframerate(22050); w.close()\n"
    )]}, "empty"),
}


@pytest.mark.parametrize("fault", list(BROKEN_ENGINES))
def test_a_broken_engine_is_retried_then_fails_plainly_and_pages_still_work(audio, client, monkeypatch, caplog,
                                                                            fault, db):
    settings, message = BROKEN_ENGINES[fault]
    monkeypatch.setitem(audio.config, "AUDIO_ENGINE", "espeak")
    for name, value in settings.items():
        monkeypatch.setitem(audio.config, name, value)
    caplog.set_level(logging.WARNING)
    page = client.get("/help")
    assert page.status_code == 200 and NOT_READY in page.get_data(as_text=True)

    run_worker(audio)
    clips = db.scalars(select(AudioClip))
    from coprod.audio.tasks import RETRIES

    assert len(clips) == 2
    for clip in clips:
        assert clip.status == ClipStatus.FAILED, clip.error
        assert message in clip.error
        assert clip.attempts == RETRIES + 1, "retried, with a limit"
        assert clip.claimed_dt is None
    assert any("not made" in r.getMessage() and message in r.getMessage() for r in caplog.records), "logged"
    assert list(services_store_root(audio).rglob("*.mp3")) == []

    again = client.get("/help")
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    # Said plainly, with the words still on the page: no "try again in a minute", no waiting.
    assert NOT_WORKING in text and "Signing in" in text
    assert NOT_READY not in text and "try again" not in text and "data-listen-wait-" not in text
    assert huey.pending_count() == 0, "a failed clip is not asked for again at once"
    status = client.get(AUDIO_STATUS.search(page.get_data(as_text=True)).group(1)).get_json()
    assert status == {"ready": False, "failed": True}, "the waiting control is told it failed"


def services_store_root(app):
    from pathlib import Path

    root = Path(app.config["AUDIO_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def test_a_failed_clip_is_tried_again_later(audio, client, db):
    client.get("/help")
    run_worker(audio)
    with audio.app_context():
        _db.session.execute(update(AudioClip).values(status=ClipStatus.FAILED.value,
                                                     updated_dt=utcnow() - timedelta(hours=2)))
        _db.session.commit()
    client.get("/help")
    assert huey.pending_count() == 2


def test_a_clip_that_keeps_failing_is_not_tried_for_ever_and_the_page_says_so(audio, client, db):
    client.get("/help")
    run_worker(audio)
    with audio.app_context():
        _db.session.execute(update(AudioClip).values(status=ClipStatus.FAILED.value, error="no voice",
                                                     attempts=audio.config["AUDIO_MAX_ATTEMPTS"],
                                                     updated_dt=utcnow() - timedelta(days=2)))
        _db.session.commit()
    page = client.get("/help").get_data(as_text=True)
    assert huey.pending_count() == 0, "the retry limit is reached: not asked for again"
    assert NOT_WORKING in page and NOT_READY not in page


def test_a_lost_job_is_asked_for_again(audio, client):
    client.get("/help")
    huey.flush()  # the queue lost them
    with audio.app_context():
        for key in ("a" * 64, "b" * 64):
            _db.session.add(AudioClip(key=key, language="en", voice="en-gb", speed="normal", sentences_json="[]"))
        _db.session.commit()
    client.get("/help")
    assert huey.pending_count() == 2, "nothing was there: ask again"
    run_worker(audio)
    with audio.app_context():
        _db.session.execute(update(AudioClip).values(status=ClipStatus.PENDING.value,
                                                     updated_dt=utcnow() - timedelta(minutes=10)))
        _db.session.commit()
    client.get("/help")
    assert huey.pending_count() == 2, "pending for too long: the job was lost, ask again"


def test_a_full_disk_fails_cleanly_and_leaves_no_partial_file(audio, client, monkeypatch, caplog, db):
    written = []

    def disk_full(fd, data):
        os.write(fd, bytes(data[:100]))
        written.append(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_write_all", disk_full)
    caplog.set_level(logging.WARNING)
    client.get("/help")
    run_worker(audio)
    assert written
    clips = db.scalars(select(AudioClip))
    assert {c.status for c in clips} == {ClipStatus.FAILED}
    assert all("No space left" in c.error for c in clips)
    assert [p for p in services_store_root(audio).rglob("*") if p.is_file()] == [], "no partial file"
    page = client.get("/help")
    assert page.status_code == 200 and NOT_WORKING in page.get_data(as_text=True)


def test_the_queue_being_down_does_not_break_pages(audio, client, monkeypatch, caplog):
    from huey.storage import PriorityRedisStorage

    caplog.set_level(logging.WARNING)
    with monkeypatch.context() as patch:
        patch.setattr(huey, "storage", PriorityRedisStorage("coprod-down", url="redis://127.0.0.1:1/0"))
        page = client.get("/help")
    assert page.status_code == 200
    assert NOT_READY in page.get_data(as_text=True) and "Signing in" in page.get_data(as_text=True)
    assert any("could not queue" in r.getMessage() for r in caplog.records)


def test_the_database_failing_in_the_listen_step_does_not_break_pages(audio, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(listen, "specs_for", broken)
    page = client.get("/help")
    assert page.status_code == 200
    assert NOT_READY in page.get_data(as_text=True)


def test_a_file_lost_from_storage_is_made_again(audio, client):
    client.get("/help")
    run_worker(audio)
    for path in services_store_root(audio).rglob("*.mp3"):
        path.unlink()
    page = client.get("/help").get_data(as_text=True)
    assert NOT_READY in page
    run_worker(audio)
    assert NOT_READY not in client.get("/help").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# Ahead of time, cleaning up, the command
# ---------------------------------------------------------------------------------------------

def test_publishing_a_board_makes_its_page_audio_ahead_in_every_language(audio, db, client):
    with db.context() as session:
        session.add(Board(slug="new-board", name="Cardiff Autism Board", about="We meet in the library."))
    assert queued_names() == ["prepare_page_audio"]
    run_worker(audio)
    clips = db.scalars(select(AudioClip))
    assert {(c.language, c.speed, c.status) for c in clips} == {
        (language, speed, ClipStatus.READY) for language in ("en", "cy", "ur") for speed in ("normal", "slow")}
    page = client.get("/boards/new-board").get_data(as_text=True)
    assert AUDIO_SRC.search(page) and "We meet in the library." in page
    assert huey.pending_count() == 0


def test_clips_no_page_uses_are_cleaned_up(audio, client, db):
    client.get("/help")
    client.get("/about")
    run_worker(audio)
    root = services_store_root(audio)
    orphan = root / "ab" / ("ab" + "0" * 62 + ".mp3")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"old")
    os.utime(orphan, (time.time() - 7200, time.time() - 7200))
    help_keys = AUDIO_SRC.findall(client.get("/help").get_data(as_text=True))
    with audio.app_context():
        _db.session.execute(update(AudioClip).where(AudioClip.key.not_in([k[7:71] for k in help_keys]))
                            .values(last_used_dt=utcnow() - timedelta(days=40)))
        _db.session.commit()
        result = making.cleanup(30)
    assert result == {"clips_removed": 3, "files_removed": 1}
    assert len(db.scalars(select(AudioClip))) == 1
    assert len(list(root.rglob("*.mp3"))) == 1
    assert not orphan.exists()


def test_a_clip_in_use_is_kept(audio, client, db):
    client.get("/help")
    run_worker(audio)
    with audio.app_context():
        _db.session.execute(update(AudioClip).values(last_used_dt=utcnow() - timedelta(days=2)))
        _db.session.commit()
    client.get("/help")
    assert queued_names() == ["touch_audio_clips"] * 2
    run_worker(audio)
    assert all(c.last_used_dt > utcnow() - timedelta(minutes=1) for c in db.scalars(select(AudioClip)))


@pytest.mark.slow  # makes the audio of every page
def test_the_audio_command_remakes_and_reports(audio, client):
    client.get("/help")
    client.get("/about")
    huey.flush()  # as if no worker ever ran
    runner = audio.test_cli_runner()
    before = runner.invoke(args=["audio", "status"])
    assert before.exit_code == 0, before.output
    assert "ready 0, missing 0, failed 0" in before.output
    made = runner.invoke(args=["audio", "remake"])
    assert made.exit_code == 0, made.output
    counts = re.search(r"ready (\d+), missing (\d+), failed (\d+)", made.output).groups()
    assert int(counts[0]) >= 4 and counts[1:] == ("0", "0"), made.output
    assert NOT_READY not in client.get("/help").get_data(as_text=True)
    again = runner.invoke(args=["audio", "remake", "--all"])
    assert again.exit_code == 0 and re.search(r"ready \d+, missing 0, failed 0", again.output)
    cleaned = runner.invoke(args=["audio", "cleanup", "--days", "30"])
    assert cleaned.exit_code == 0 and "removed 0 clip(s)" in cleaned.output


def test_the_status_command_counts_failures_and_lost_files(audio, client, monkeypatch):
    monkeypatch.setitem(audio.config, "AUDIO_ENGINE", "espeak")
    monkeypatch.setitem(audio.config, "AUDIO_SYNTH_COMMAND", ["/nonexistent/synth"])
    client.get("/help")
    run_worker(audio)
    output = audio.test_cli_runner().invoke(args=["audio", "status"]).output
    assert "ready 0, missing 0, failed 2" in output
    assert "could not start" in output


# ---------------------------------------------------------------------------------------------
# At scale: the same job through the real Redis, consumed by a real `coprod worker`
# ---------------------------------------------------------------------------------------------

def test_redis_queue_runs_the_audio_job_in_a_worker_process(audio, client, tmp_path, db):
    import redis
    from huey.storage import PriorityRedisStorage

    name = f"coprod-test-{uuid.uuid4().hex[:12]}"
    url = "redis://127.0.0.1:6379/0"
    sqlite_storage = huey.storage
    huey.storage = PriorityRedisStorage(name, url=url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPROD_")}
    env.update(COPROD_QUEUE_URL=url, COPROD_QUEUE_NAME=name, COPROD_DATABASE_URL=DATABASE_URL,
               COPROD_INSTANCE_PATH=str(tmp_path / "worker-instance"), COPROD_AUDIO_DIR=audio.config["AUDIO_DIR"],
               COPROD_AUDIO_ENGINE="fake", COPROD_SECRET_KEY="redis-test")
    worker = subprocess.Popen([sys.executable, "-m", "coprod.cli", "worker", "--threads", "2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert NOT_READY in client.get("/help").get_data(as_text=True)
        deadline = time.monotonic() + 30
        while NOT_READY in (page := client.get("/help").get_data(as_text=True)):
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "the Redis worker did not make the audio"
            time.sleep(0.2)
        src = AUDIO_SRC.search(page).group(1)
        assert is_mp3(client.get(src).data)
    finally:
        huey.storage = sqlite_storage
        os.killpg(worker.pid, 15)
        worker.communicate(timeout=20)
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(f"*{name}*"):
            connection.delete(key)
        connection.close()
    # Only the worker process could have made it: this process queued to Redis and ran no job.
    assert db.scalar(select(AudioClip).where(AudioClip.key == src[7:71])).status == ClipStatus.READY


def test_publishing_an_agenda_makes_its_pages_audio_ahead(audio, db, client):
    with db.context() as session:
        board = Board(slug="new-board", name="Cardiff Autism Board", about="We meet in the library.")
        session.add(board)
        session.flush()
        meeting = Meeting(board_id=board.id, title="Meeting in May", place="Library",
                          starts_dt=utcnow() + timedelta(days=9), status=MeetingStatus.PLANNED)
        session.add(meeting)
        session.flush()
        session.add(AgendaItem(meeting_id=meeting.id, title="Homes near family"))
        meeting_id = meeting.id
    run_worker(audio)  # the board's own page
    with db.context() as session:
        session.get(Meeting, meeting_id).status = MeetingStatus.AGENDA_PUBLISHED
    assert queued_names() == ["prepare_page_audio"]
    run_worker(audio)
    for path in (f"/boards/new-board/meetings/{meeting_id}", f"/boards/new-board/meetings/{meeting_id}/pack"):
        page = client.get(path).get_data(as_text=True)
        assert "Homes near family" in page and AUDIO_SRC.search(page) and NOT_READY not in page, path
