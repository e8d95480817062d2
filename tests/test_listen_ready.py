"""Listen is ready before anyone asks (issue 14): after the demo is loaded and the worker has run,
every page a visitor or a member reaches has its audio, not "not ready yet". And web addresses are
read sensibly, so the open-data page's audio is made (it failed for good before).

The pages are found the way the browser crawl (tests/browser/test_crawl.py) finds them: every
same-site link from the home page, a few of each kind, signed out and signed in as a member."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from conftest import run_worker
from coprod.audio import engine
from coprod.audio.reading import speakable
from coprod.demo import load_demo
from coprod.models import AudioClip, ClipStatus

AUDIO_SRC = re.compile(r'data-normal-src="(/audio/[0-9a-f]{64}\.mp3[^"]*)"')
NOT_READY = "the audio for this page is not ready yet"
# The same rules as the browser crawl: files, and links that sign out or change something, are not pages.
NOT_PAGES = re.compile(r"^/(static|audio|api)/|^/pictures/(files/|new/|[^/]+\.svg)|\.(csv|json|atom|ics|pdf)$", re.I)
STATE_CHANGING = re.compile(r"/(sign-out|signout|logout|log-out|language|revoke|delete|remove|stop|cards?)(/|$)"
                            r"|/sign-in/link/", re.I)
LINK = re.compile(r"""<a\b[^>]*?\shref=["']([^"'#]*)""", re.I)
MAX_PER_PATTERN = 2


def pattern_of(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/"))


def crawl(client, language: str, start: str = "/") -> dict[str, str]:
    """Every page reached from `start` (at most MAX_PER_PATTERN of each kind): path -> HTML."""
    pages, queue, seen, per_pattern = {}, [start], {start}, Counter([pattern_of(start)])
    while queue:
        path = queue.pop(0)
        response = client.get(path, query_string={"lang": language})
        if response.status_code in (301, 302, 303):
            links = [response.location]
        elif response.status_code == 200 and response.mimetype == "text/html":
            pages[path] = html = response.get_data(as_text=True)
            links = LINK.findall(html)
        else:
            continue
        for link in links:
            parts = urlsplit(unescape(link))
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                continue
            found = parts.path
            if found in seen or NOT_PAGES.search(found) or STATE_CHANGING.search(found):
                continue
            seen.add(found)
            if per_pattern[pattern_of(found)] < MAX_PER_PATTERN:
                per_pattern[pattern_of(found)] += 1
                queue.append(found)
    return pages


def listen_state(html: str) -> str:
    if "data-listen-slot" not in html:
        return "no listen"
    if AUDIO_SRC.search(html):
        return "ready"
    return "failed" if "data-listen-failed" in html else "not ready"


@pytest.fixture
def demo(audio, make_client):
    with audio.test_request_context():
        lines = load_demo()
    return {role: path for role, _name, path in reversed(lines)}  # the first person of each role


def run_worker_normal_speed(app) -> int:
    """Run every queued job, as `coprod worker` would, except the slow-speed clips (they come
    last and do not decide whether Listen is ready: the page offers them once they are made)."""
    from coprod.tasks import huey

    done = 0
    with app.app_context():
        while (task := huey.dequeue()) is not None:
            if task.name == "make_audio_clip" and task.args[0]["speed"] != "normal":
                continue
            huey.execute(task)
            done += 1
    return done


def test_after_the_demo_is_loaded_and_the_worker_has_run_every_page_has_its_audio(audio, demo, make_client, db,
                                                                                   monkeypatch):
    import time

    from coprod.meetings import pack_pdf

    pdfs = []
    monkeypatch.setattr(pack_pdf, "render", lambda html, size: pdfs.append(size) or b"%PDF-")
    started = time.monotonic()
    jobs = run_worker_normal_speed(audio)
    print(f"{jobs} jobs in {time.monotonic() - started:.0f} s")
    # A PDF has no Listen: the worker's crawl does not open them (each took WeasyPrint seconds).
    assert pdfs == [], f"the audio worker made {len(pdfs)} meeting pack PDFs"

    visitor = make_client()
    public = crawl(visitor, "en")
    member = make_client()
    assert member.post(demo["member"]).status_code == 302, "signed in with the member's card"
    signed_in = crawl(member, "en")

    for who, pages in (("signed out", public), ("member", signed_in)):
        states = {path: listen_state(html) for path, html in pages.items()}
        assert len([s for s in states.values() if s != "no listen"]) >= 10, (who, states)
        not_ready = {path: state for path, state in states.items() if state not in ("ready", "no listen")}
        assert not_ready == {}, f"{who}: {len(not_ready)} of {len(states)} pages have no audio: {not_ready}"
    kinds = {pattern_of(path) for path in signed_in}
    # The member's own pages are among them (not only the public ones).
    assert len(kinds - {pattern_of(path) for path in public}) >= 3, sorted(kinds)
    assert any("/said-did/open-data" in path for path in public), sorted(public)

    # In Welsh and Urdu too (the member's pages, as the browser crawl visits them).
    for language in ("cy", "ur"):
        pages = crawl(member, language)
        states = {path: listen_state(html) for path, html in pages.items()}
        ready = [path for path, state in states.items() if state == "ready"]
        assert "/" in ready or len(ready) >= 1, (language, states)
        assert not [p for p, s in states.items() if s == "failed"], (language, states)

    # Nothing failed.
    clips = db.scalars(select(AudioClip).where(AudioClip.speed == "normal"))
    assert clips and {clip.status for clip in clips} == {ClipStatus.READY}


def test_a_page_being_read_now_goes_before_audio_made_ahead(audio, demo, client):
    from coprod.tasks import huey

    assert {task.name for task in huey.pending()} == {"prepare_page_audio"}, "the demo's whole site is queued"
    client.get("/help")  # someone is on the help page now
    first = [huey.dequeue(), huey.dequeue()]
    assert {task.name for task in first} == {"make_audio_clip"}, "the page someone is on now comes first"
    assert {task.args[0]["speed"] for task in first} == {"normal", "slow"}
    assert all("Signing in" in task.args[0]["sentences"] for task in first)
    assert min(task.priority for task in first) > max(task.priority or 0 for task in huey.pending())


WEB_ADDRESSES = [
    ("Use http://localhost/api/boards/riverside-ld/records to get them.",
     "Use localhost slash api slash boards slash riverside dash ld slash records to get them."),
    ("Email help@coprod.example today.", "Email help at coprod dot example today."),
    ("See www.gov.uk/easy-read, please.", "See gov dot uk slash easy dash read, please."),
    ("Your key is 3f9a2c71e0b4d5a6c7e8f9a0b1c2d3e4.", "Your key is a code shown on the screen."),
    ("We meet on 12 March at 10:30.", "We meet on 12 March at 10:30."),
]


@pytest.mark.parametrize("written, said", WEB_ADDRESSES)
def test_web_addresses_emails_and_codes_are_read_as_words(written, said):
    assert speakable(written) == said


def test_web_addresses_are_read_in_the_page_language():
    assert speakable("Ewch i coprod.example/help.", "cy") == "Ewch i coprod dot example slaes help."
    assert "سلیش" in speakable("coprod.example/help", "ur")


def test_the_open_data_page_audio_is_made_with_the_real_engine(audio, monkeypatch, client, db):
    """It failed for good: "10.49 s of audio for 1 word(s) is not plausible" (the API address was one word)."""
    from coprod.models import Board
    from coprod.tasks import huey

    with db.context() as session:
        session.add(Board(slug="riverside-ld", name="Riverside Board", about="We meet every 3 months."))
    huey.flush()  # only the open-data page's own audio, made with the real engine
    monkeypatch.setitem(audio.config, "AUDIO_ENGINE", "espeak")
    path = "/boards/riverside-ld/said-did/open-data"
    page = client.get(path).get_data(as_text=True)
    assert "/api/boards/riverside-ld/records" in page
    run_worker(audio)
    clips = db.scalars(select(AudioClip).where(AudioClip.language == "en"))
    assert clips and all(clip.status == ClipStatus.READY for clip in clips), [c.error for c in clips]
    assert AUDIO_SRC.search(client.get(path).get_data(as_text=True))


def test_a_long_address_said_in_words_passes_the_length_check():
    said = speakable("http://localhost/api/boards/riverside-ld/records")
    # 10.49 s was refused for "1 word"; counted as the words said, it fits.
    expected = engine._words(said)
    assert expected >= 8
    assert 10.49 <= engine._longest_words(said) * 60 / 160 * 4 + 3


def test_publishing_an_agenda_makes_it_ready_for_members_signed_in_too(audio, db, factory, signed_in):
    """Not only the public view: the members of the board see the meeting with their own buttons
    and words, in their own language; their audio is made ahead too (it was "not ready" for ~15 min)."""
    from datetime import timedelta

    from coprod.models import AgendaItem, Meeting, MeetingStatus, Role, User, utcnow

    board = factory.board()
    member = factory.person("Sam Taylor", board=board, role=Role.MEMBER)
    welsh = factory.person("Tom Evans", board=board, role=Role.MEMBER)
    with db.context() as session:
        session.get(User, welsh.id).locale = "cy"
        meeting = Meeting(board_id=board.id, title="Meeting in May", place="Library",
                          starts_dt=utcnow() + timedelta(days=20), status=MeetingStatus.PLANNED)
        session.add(meeting)
        session.flush()
        session.add(AgendaItem(meeting_id=meeting.id, title="Homes near family"))
        meeting_id = meeting.id
    run_worker(audio)
    with db.context() as session:
        session.get(Meeting, meeting_id).status = MeetingStatus.AGENDA_PUBLISHED
    run_worker(audio)

    path = f"/boards/{board.slug}/meetings/{meeting_id}"
    for person, language in ((member, "en"), (welsh, "cy")):
        browser = signed_in(person)
        page = browser.get(path, query_string={"lang": language}).get_data(as_text=True)
        assert "Homes near family" in page
        assert listen_state(page) == "ready", (person.name, language)


def test_a_vote_that_closes_by_its_time_gets_its_results_audio(audio, db, factory, client):
    """Nothing is saved when a vote closes at its set time, so no save makes its results' audio: the
    worker's five-minute job finds votes that opened or closed by time and prepares their pages."""
    from datetime import timedelta

    from coprod.audio.pages import votes_changed_by_time
    from coprod.audio.tasks import prepare_audio_of_timed_votes
    from coprod.models import Choice, Proposal, utcnow

    from sqlalchemy import update

    board = factory.board()
    now = utcnow()
    with db.context() as session:
        made = {}
        for name in ("just closed", "closed long ago", "still open"):
            proposal = Proposal(board_id=board.id, title=f"Meet in the library? ({name})", voter_roles="member",
                                opened_dt=now - timedelta(days=7), closes_dt=now + timedelta(hours=1))
            session.add(proposal)
            session.flush()
            session.add_all([Choice(proposal_id=proposal.id, label="Yes"), Choice(proposal_id=proposal.id, label="No")])
            made[name] = proposal.id
    run_worker(audio)  # what the saves above asked for: the pages of open votes
    results = f"/boards/{board.slug}/votes/{made['just closed']}/results"
    # Time passes (no save, so nothing is noticed): one vote closed 2 minutes ago, one 2 days ago.
    with db.context() as session:
        for name, closes in (("just closed", now - timedelta(minutes=2)), ("closed long ago", now - timedelta(days=2))):
            session.execute(update(Proposal).where(Proposal.id == made[name]).values(closes_dt=closes))
    assert listen_state(client.get(results).get_data(as_text=True)) == "not ready"
    from coprod.tasks import huey

    huey.flush()  # the visit above queued the page's clip at once; the job must make it on its own

    with db.context() as session:
        found = votes_changed_by_time(session, utcnow())
    assert results in found
    assert not any(f"/votes/{made[name]}/" in path for name in ("closed long ago", "still open") for path in found)

    with audio.app_context():
        assert prepare_audio_of_timed_votes.call_local() == len(found)
    run_worker(audio)
    assert listen_state(client.get(results).get_data(as_text=True)) == "ready"
