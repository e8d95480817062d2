"""The easy-read check for writers: findings on real sentences from the seed reports, in English
and Welsh, and the check inside the forms (shown before saving; saving anyway is recorded)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coprod.easyread.checker import check
from coprod.models import AgendaItem, AuditEvent, Board, GlossaryTerm, Meeting, Role, utcnow

# From ../shared/seeds/ (002 and 001).
SEED_LONG = ("Referrals were then made by the Taskforce representatives to appropriate providers and contact "
             "established between the provider, and commissioner and funding agencies to take forward the "
             "assessment and support planning process.")
SEED_CCG = ("We have experienced local authority and CCG staff overly focussed on discharge dates and progress "
            "reporting to deadlines.")
SEED_TCP = ("Thirty people were referred and representatives of the Taskforce met with four of the six London "
            "transforming care partnerships (TCPs) made up of clinical commissioning groups.")


def kinds(findings):
    return sorted({finding.kind for finding in findings})


def test_seed_sentences_get_plain_findings(app):
    with app.test_request_context():
        long = check(SEED_LONG, "en")
        assert {"long-sentence", "passive"} <= set(kinds(long))
        assert "31 words" in str(next(f.advice for f in long if f.kind == "long-sentence"))
        assert any(f.kind == "long-word" and f.where == "commissioner" for f in long)  # not in a jargon buster here
        ccg = check(SEED_CCG, "en")
        assert [f.word for f in ccg if f.kind == "abbreviation"] == ["CCG"]
        assert "What does CCG mean?" in str(next(f.advice for f in ccg if f.kind == "abbreviation"))
        tcp = check(SEED_TCP, "en")
        assert "TCP" in [f.word for f in tcp if f.kind == "abbreviation"]  # "TCPs" is the plural of TCP


def test_words_in_the_jargon_buster_and_easy_sentences_pass(app):
    with app.test_request_context():
        assert check("We meet every 3 months. The council will pay for it. Sam will tell us.", "en") == []
        assert not [f for f in check(SEED_CCG, "en", {"ccg"}) if f.kind == "abbreviation"]
        shouting = check("PLEASE COME TO THE MEETING ON TIME.", "en")
        assert kinds(shouting) == ["capitals"]  # and "TO", "THE" are not taken for abbreviations


def test_welsh_sentences_are_checked_where_we_can(app):
    with app.test_request_context():
        welsh = check("Mae'r gwasanaeth yn cael ei ariannu gan y Bwrdd Iechyd a'r awdurdod lleol trwy "
                      "gyllideb gyfun newydd.", "cy")
        assert {"long-sentence", "passive"} <= set(kinds(welsh))
        assert check("Rydyn ni'n cwrdd bob 3 mis.", "cy") == []


@pytest.fixture
def office(cast, signed_in, db):
    """A client signed in as the cast's secretary, and a meeting of her board."""
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", place="Library",
                          starts_dt=utcnow() + timedelta(days=9))
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    return signed_in(cast.secretary), meeting_id


def test_an_agenda_item_shows_the_check_before_saving_and_saving_anyway_is_recorded(office, db):
    client, meeting_id = office
    data = {"title": "Delayed discharge", "summary": SEED_CCG, "picture": "hospital", "presenter": "",
            "starts": "", "length": "", "proposal": ""}
    url = f"/boards/riverside-ld/meetings/{meeting_id}/items/new"
    shown = client.post(url, data)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Easy-read check" in page and "Nothing is saved yet." in page
    assert "What does CCG mean?" in page and "/jargon-buster/new?term=CCG" in page
    assert SEED_CCG in page  # what was typed is kept
    assert db.scalars(select(AgendaItem)) == []
    saved = client.post(url, {**data, "easy_read_ok": "y"})
    assert saved.status_code == 302
    assert db.scalar(select(AgendaItem)).summary == SEED_CCG
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "easy-read.saved-with-findings"))
    assert event is not None and "abbreviation" in event.detail
    # Once CCG is in the jargon buster, and the sentence is short, there is nothing to hold it back.
    with db.context() as session:
        session.add(GlossaryTerm(language="en", term="CCG", slug="ccg", meaning="Part of the NHS.", picture="hospital"))
    clean = client.post(url, {**data, "title": "Homes", "summary": "The CCG will pay.\nWe will check."})
    assert clean.status_code == 302


def test_the_jargon_buster_form_starts_with_the_word_from_the_check(office):
    client, _meeting_id = office
    page = client.get("/jargon-buster/new?term=CCG").get_data(as_text=True)
    assert re.search(r'name="term"[^>]*value="CCG"', page)


def test_the_demo_content_passes_the_check_or_says_why(app):
    """Every piece of demo writing is checked; what the check still finds is written to
    test-artifacts/easy-read-demo.json, and none of it is a long sentence, capitals or passive."""
    import json
    from pathlib import Path

    from coprod.demo import load_demo
    from coprod.easyread.review import review
    from coprod.extensions import db as _db
    from coprod.models import Meeting, Proposal, Question

    with app.test_request_context():
        load_demo()
        texts = [("meeting", m.title, m.about) for m in _db.session.scalars(select(Meeting))]
        texts += [("agenda item", i.title, i.summary + "\n" + i.minutes_text) for i in _db.session.scalars(select(AgendaItem))]
        texts += [("proposal", p.title, p.body) for p in _db.session.scalars(select(Proposal))]
        texts += [("answer", q.text, q.answer_text) for q in _db.session.scalars(select(Question)) if q.answer_text]
        report = [{"what": what, "title": title, "findings": [f.as_dict() for f in review(title, text)]}
                  for what, title, text in texts]
    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / "easy-read-demo.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    serious = [(entry["title"], finding["where"]) for entry in report for finding in entry["findings"]
               if finding["kind"] in ("long-sentence", "capitals", "passive")]
    assert not serious, serious
    assert len(report) >= 10


LIVE = "/boards/riverside-ld/easy-read-check"


def test_the_live_check_answers_writers_with_the_same_findings(office, factory, signed_in, client, db):
    secretary, meeting_id = office
    answer = secretary.post(LIVE, {"text": "Delayed discharge\n" + SEED_CCG})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert 'data-easy-read-result data-count="2"' in html  # the same two findings as on saving
    assert "What does CCG mean?" in html and "/jargon-buster/new?term=CCG" in html
    assert "We found 2 things to look at." in html and "<html" not in html  # a fragment, not a page
    # Easy writing: nothing to change, said in plain words.
    clean = secretary.post(LIVE, {"text": "We meet every 3 months.\nThe council will pay for it."})
    assert 'data-count="0"' in clean.get_data(as_text=True)
    assert "We found nothing to change. It is easy to read." in clean.get_data(as_text=True)
    # The words in the jargon buster are fine, as on saving.
    with db.context() as session:
        session.add(GlossaryTerm(language="en", term="CCG", slug="ccg", meaning="Part of the NHS.", picture="hospital"))
    assert "What does CCG mean?" not in secretary.post(LIVE, {"text": SEED_CCG}).get_data(as_text=True)
    # In the page's language: Welsh passive sentences.
    assert secretary.post("/language", {"locale": "cy"}).status_code == 302
    welsh = secretary.post(LIVE, {"text": "Mae'r gwasanaeth yn cael ei ariannu."}).get_data(as_text=True)
    assert 'data-count="1"' in welsh and "Mae&#39;r gwasanaeth yn cael ei ariannu." in welsh


def test_the_live_check_is_for_writers_only_and_needs_the_form_token(office, factory, signed_in, client, db):
    secretary, _meeting_id = office
    board = factory.board("second", "Second board")
    with db.context() as session:
        riverside = session.scalar(select(Board).where(Board.slug == "riverside-ld"))
        session.expunge(riverside)
    member = signed_in(factory.person("Sam Taylor", board=riverside))
    commissioner = signed_in(factory.person("David Okafor", board=riverside, role=Role.COMMISSIONER))
    other = signed_in(factory.person("Other Secretary", board=board, role=Role.SECRETARY))
    assert client.post(LIVE, {"text": "Hello."}).status_code == 302  # signed out: sign in first
    assert member.post(LIVE, {"text": "Hello."}).status_code == 403
    assert commissioner.post(LIVE, {"text": "Hello."}).status_code == 200  # writes records and actions
    assert other.post(LIVE, {"text": "Hello."}).status_code == 403  # a secretary of another board
    assert secretary.post("/boards/second/easy-read-check", {"text": "Hello."}).status_code == 403
    refused = secretary.post(LIVE, {"text": "Hello."}, csrf=False)
    assert refused.status_code == 400 and "data-easy-read-result" not in refused.get_data(as_text=True)
    assert secretary.post(LIVE, {"text": "Hello.", "csrf_token": "forged"}, csrf=False).status_code == 400


def test_the_live_check_refuses_huge_text_with_a_message(office):
    secretary, _meeting_id = office
    message = "This is too long to check as you type. We check it when you save."
    long = secretary.post(LIVE, {"text": "Word. " * 1001})  # 6,006 letters
    assert long.status_code == 400 and message in long.get_data(as_text=True)
    assert 'data-summary="' + message in long.get_data(as_text=True)
    huge = secretary.post(LIVE, {"text": "a" * 2_000_000})
    assert huge.status_code == 413 and message in huge.get_data(as_text=True)
    # Just under the limit is checked.
    assert secretary.post(LIVE, {"text": "We meet. " * 600}).status_code == 200


def test_checked_forms_ask_for_the_live_check(office):
    secretary, meeting_id = office
    page = secretary.get(f"/boards/riverside-ld/meetings/{meeting_id}/items/new").get_data(as_text=True)
    assert f'data-easy-read-live="{LIVE}" data-easy-read-fields="title summary"' in page
    assert 'role="status" aria-live="polite" data-easy-read-status' in page
    # Nothing found yet: the panel is there for the live check, hidden, without the tick.
    assert re.search(r'<section class="easy-read-check"[^>]*data-easy-read-panel hidden>', page)
    assert 'name="easy_read_ok"' not in page
    assert re.search(r'src="/static/js/easyread.js\?v=[0-9a-f]{12}"', page)
    proposal = secretary.get("/boards/riverside-ld/proposals/new").get_data(as_text=True)
    assert 'data-easy-read-fields="title body"' in proposal


def test_a_finding_in_the_title_and_the_text_is_said_once(office):
    secretary, meeting_id = office
    data = {"title": "TCP update", "summary": "The TCP meets.", "picture": "hospital", "presenter": "",
            "starts": "", "length": "", "proposal": ""}
    page = secretary.post(f"/boards/riverside-ld/meetings/{meeting_id}/items/new", data).get_data(as_text=True)
    assert page.count("/jargon-buster/new?term=TCP") == 1 and "We found 1 thing to look at." in page
    live = secretary.post(LIVE, {"text": "TCP update\nThe TCP meets."}).get_data(as_text=True)
    assert live.count("What does TCP mean?") == 1


def test_urdu_sentences_end_at_the_urdu_full_stop(app):
    with app.test_request_context():
        # Two short sentences (one with no space after "۔"), then one of 25 words, and a rare word.
        text = ("ہم ہر تین مہینے ملتے ہیں۔کونسل پیسے دے گی۔ ہم اس میٹنگ میں ان گھروں کے بارے میں بات کریں گے جن میں"
                " لوگ ہسپتال سے نکلنے کے بعد اس سال رہ سکتے ہیں۔ ٹرانسفارمنگ")
        findings = check(text, "ur")
        assert [(f.kind, f.where[:8]) for f in findings] == [("long-sentence", "ہم اس می"), ("rare-word", "ٹرانسفار")]
        assert "25 words" in str(findings[0].advice)
        assert check("ہم ہر تین مہینے ملتے ہیں۔ کونسل پیسے دے گی۔", "ur") == []
