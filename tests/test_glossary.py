"""The jargon buster: matching words in content, the A to Z and word pages, and adding words."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from coprod.glossary import matcher
from coprod.models import AgendaItem, AuditEvent, GlossaryTerm, Meeting, MeetingStatus, Role, utcnow


def _term(term, other_forms="", slug=None):
    return GlossaryTerm(language="en", term=term, slug=slug or term.lower().replace(" ", "-"),
                        other_forms=other_forms, meaning="It means something.", picture="book")


TERMS = [_term("Commissioner", "commissioners\ncommissioning"), _term("ICB", "CCG\nClinical Commissioning Group"),
         _term("Partnership board", "partnership boards"), _term("Board"), _term("ATU")]


def _marked(text, used=None, app=None):
    with app.test_request_context():
        return str(matcher.mark(text, matcher.build(TERMS), used if used is not None else set()))


def test_word_forms_abbreviations_and_first_use_only(app):
    html = _marked("The commissioners met the Commissioner. The CCG pays.", app=app)
    # Other forms count; only the first use of a word is marked.
    assert html.count('data-jargon="commissioner"') == 1
    assert '<a class="jargon" href="/jargon-buster/commissioner" data-jargon="commissioner">commissioners</a>' in html
    assert 'data-jargon="icb">CCG</a>' in html
    # Abbreviations only in capitals, and never inside another word.
    assert "data-jargon" not in _marked("The atu was a saturday. ATUs. Boardroom.", app=app)
    # The longer form wins: "partnership board" is one term, not "board".
    html = _marked("Our partnership board meets. The board is big.", app=app)
    assert 'data-jargon="partnership-board">partnership board</a>' in html
    assert 'data-jargon="board">board</a>' in html


def test_marking_escapes_content_and_remembers_the_page(app):
    used = set()
    first = _marked("<b>Commissioner</b> & co", used, app=app)
    assert first.startswith("&lt;b&gt;<a class=\"jargon\"") and "&amp; co" in first
    assert "data-jargon" not in _marked("Ask the commissioner.", used, app=app)  # already used on this page


def _agenda(db, factory, summary, title="Commissioner's report", language="en"):
    board = factory.board()
    with db.context() as session:
        session.add_all([_term("Commissioner", "commissioners"), _term("ATU", "Assessment and Treatment Unit")])
        meeting = Meeting(board_id=board.id, title="Board meeting", place="Library", starts_dt=utcnow() + timedelta(days=9),
                          status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(meeting)
        session.flush()
        session.add(AgendaItem(meeting_id=meeting.id, title=title, summary=summary, language=language))
        return meeting.id


def test_content_pages_explain_jargon_but_not_in_headings_or_links(client, db, factory):
    meeting_id = _agenda(db, factory, "The commissioner will talk.\nPeople live in an ATU.\nThe commissioner agrees.")
    page = client.get(f"/boards/riverside-ld/meetings/{meeting_id}").get_data(as_text=True)
    assert page.count('class="jargon"') == 2  # commissioner once, ATU once
    assert "<bdi>Commissioner&#39;s report</bdi></h2>" in page  # typed words: isolated, and no jargon mark
    # Without JavaScript the word is a link to its page, which explains it (and has Listen).
    term = client.get("/jargon-buster/commissioner").get_data(as_text=True)
    assert "It means something." in term and "data-listen-slot" in term and "data-term-card" in term
    assert client.get("/jargon-buster/no-such-word").status_code == 404


def test_the_a_to_z_lists_the_starter_words(client, db, app):
    from coprod.extensions import db as _db
    from coprod.glossary.services import load_starter
    from coprod.glossary.starter import ENGLISH

    with app.test_request_context():
        added = load_starter()
        _db.session.commit()
        assert load_starter() == 0  # loading again adds nothing and keeps edits
    assert len(ENGLISH) >= 40 and added >= len(ENGLISH)
    page = client.get("/jargon-buster").get_data(as_text=True)
    for word in ("Commissioner", "ATU", "Safeguarding", "Short breaks", "Transition"):
        assert f">{word}</a></h3>" in page
    assert 'href="#letter-A"' in page


def test_secretaries_add_words_with_clear_messages(signed_in, factory, db, client):
    board = factory.board()
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    member = signed_in(factory.person("Sam Taylor", board=board))
    form = {"term": "Direct payment", "other_forms": "direct payments", "meaning": "Money for your support.",
            "picture": "page"}
    assert member.post("/jargon-buster/new", form).status_code == 403
    assert office.post("/jargon-buster/new", form).status_code == 302
    assert db.scalar(select(GlossaryTerm).where(GlossaryTerm.slug == "direct-payment")).other_forms == "direct payments"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "glossary.add")) is not None
    cases = [
        ({**form, "term": "direct  payment"}, "is already in the jargon buster"),
        ({**form, "term": "The"}, "is an everyday word"),
        ({**form, "term": "Budget", "other_forms": "budgets\nand"}, "is an everyday word"),
        ({**form, "term": "  "}, "Type the word."),
        ({**form, "term": "Pool", "meaning": ""}, "Type what it means."),
        ({**form, "term": "Pool", "meaning": "x" * 401}, "This is too long"),
        ({**form, "term": "Pool", "other_forms": "p"}, "2 letters or more"),
        ({**form, "term": "!!!"}, "Type the word with letters or numbers."),
    ]
    for data, message in cases:
        response = office.post("/jargon-buster/new", data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page, (data, message)
        assert 'class="field-error"' in page
    # Changing a word keeps its page; it is in the log.
    changed = office.post("/jargon-buster/direct-payment/edit", {**form, "meaning": "Money you spend on your support."})
    assert changed.status_code == 302
    assert "Money you spend on your support." in client.get("/jargon-buster/direct-payment").get_data(as_text=True)


def test_welsh_pages_explain_welsh_words(client, db, factory, app):
    from coprod.extensions import db as _db
    from coprod.glossary.services import load_starter

    meeting_id = _agenda(db, factory, "Bydd y comisiynydd yn siarad am y GIG.", title="Adroddiad", language="cy")
    with app.test_request_context():
        load_starter()
        _db.session.commit()
    assert client.post("/language", {"locale": "cy"}).status_code == 302
    page = client.get(f"/boards/riverside-ld/meetings/{meeting_id}").get_data(as_text=True)
    assert 'data-jargon="comisiynydd">comisiynydd</a>' in page and 'data-jargon="gig">GIG</a>' in page
    assert "Comisiynydd" in client.get("/jargon-buster").get_data(as_text=True)


def _urdu(client, app):
    from coprod.extensions import db as _db
    from coprod.glossary.services import load_starter

    with app.test_request_context():
        load_starter()
        _db.session.commit()
    assert client.post("/language", {"locale": "ur"}).status_code == 302


def test_urdu_pages_explain_urdu_words_at_their_first_use(client, db, factory, app):
    from coprod.glossary.starter_ur import URDU

    assert len(URDU) == 45
    # Urdu full stops and commas end a word; a longer word (ووٹر, a voter) is not the word ووٹ; the
    # English letters people hear (NHS) are a form of the Urdu word; vowel marks and the Arabic
    # letters some keyboards type (ي for ی, ك for ک) still match.
    summary = ("ووٹر کمشنر سے ملیں گے۔ NHS اور کونسل، دونوں آئیں گے۔\nکمشنر بات کرے گا۔\n"
               "تَجوِیز پر بات ہو گی۔ سيكرٹري ایجنڈا لکھیں گے۔")
    meeting_id = _agenda(db, factory, summary, title="رپورٹ", language="ur")  # written in Urdu
    _urdu(client, app)
    page = client.get(f"/boards/riverside-ld/meetings/{meeting_id}").get_data(as_text=True)
    assert 'dir="rtl"' in page
    links = dict(re.findall(r'data-jargon="([^"]+)">([^<]+)</a>', page))
    assert links == {"کمشنر": "کمشنر", "این-ایچ-ایس": "NHS", "کونسل": "کونسل", "تجویز": "تَجوِیز",
                     "سیکرٹری": "سيكرٹري", "ایجنڈا": "ایجنڈا"}, links
    assert page.count('data-jargon="کمشنر"') == 1  # the first use only
    assert "ووٹر" in page and 'data-jargon="ووٹ"' not in page
    # Without JavaScript the link goes to the word's page, in Urdu.
    href = re.search(r'href="([^"]+)" data-jargon="کمشنر"', page).group(1)
    assert href == "/jargon-buster/" + quote("کمشنر")
    term = client.get(href).get_data(as_text=True)
    assert "کونسل یا این ایچ ایس کا ایک شخص۔" in term and "data-term-card" in term
    assert "کمشنرز یا کمشنروں" in term  # its other forms, listed the Urdu way


def test_the_urdu_a_to_z_follows_the_urdu_alphabet(client, db, app):
    _urdu(client, app)
    page = client.get("/jargon-buster").get_data(as_text=True)
    letters = re.findall(r'<h2 id="letter-([^"]+)"', page)
    # The letters of the starter words in Urdu order (not code point order: ٹ after ت, ڈ before س,
    # ک after ق, ہ after و); آ is under ا.
    assert letters == ["ا", "ب", "پ", "ت", "ٹ", "ج", "ح", "ڈ", "س", "ش", "ق", "ک", "م", "و", "ہ"], letters
    sections = {m.group(1): m.group(0) for m in re.finditer(r'<h2 id="letter-([^"]+)".*?(?=<h2 id="letter-|</main>)',
                                                            page, re.S)}
    for letter, word in [("ا", "آئی سی بی"), ("ا", "ایجنڈا"), ("ٹ", "ٹرانزیشن"), ("ت", "تجویز"),
                         ("ک", "کمشنر"), ("ہ", "ہیٹ کرائم")]:
        assert f">{word}</a></h3>" in sections[letter], (letter, word)
    assert page.count('class="term-title"') == 45
    assert 'href="#letter-ٹ"' in page


def test_urdu_words_are_added_in_urdu(signed_in, factory, db, client):
    board = factory.board()
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    assert office.post("/language", {"locale": "ur"}).status_code == 302
    form = {"term": "ڈائریکٹ پیمنٹ", "other_forms": "ڈائریکٹ پیمنٹس", "meaning": "آپ کی مدد کے لیے پیسے۔",
            "picture": "page"}
    made = office.post("/jargon-buster/new", form)
    assert made.status_code == 302 and made.headers["Location"] == "/jargon-buster/" + quote("ڈائریکٹ-پیمنٹ")
    found = db.scalar(select(GlossaryTerm).where(GlossaryTerm.language == "ur"))
    assert (found.term, found.slug) == ("ڈائریکٹ پیمنٹ", "ڈائریکٹ-پیمنٹ")
    assert "آپ کی مدد کے لیے پیسے۔" in office.get(made.headers["Location"]).get_data(as_text=True)
    # The same word typed on an Arabic keyboard is the same word; an everyday Urdu word is refused.
    again = office.post("/jargon-buster/new", {**form, "term": "ڈائريكٹ پيمنٹ"})
    assert again.status_code == 400 and "ڈائریکٹ پیمنٹ" in again.get_data(as_text=True)
    assert office.post("/jargon-buster/new", {**form, "term": "کام"}).status_code == 400


def test_welsh_a_to_z_has_the_welsh_letters(app):
    from coprod.glossary.services import by_letter

    words = [_term(word) for word in ("Llais", "Cyngor", "Chwarae", "Lles", "Dolen", "Ddiogelu", "Zoo")]
    letters = by_letter(words, "cy")
    assert {letter: [t.term for t in terms] for letter, terms in letters.items()} == {
        "C": ["Cyngor"], "CH": ["Chwarae"], "D": ["Dolen"], "DD": ["Ddiogelu"], "LL": ["Llais", "Lles"], "Z": ["Zoo"]}


def test_a_new_word_is_explained_on_the_next_page_seen(signed_in, factory, db):
    """Pages read the jargon buster's words from the shared cache; adding a word renews it at once
    (the site's change stamp), in every process."""
    meeting_id = _agenda(db, factory, "You can get a direct payment.")
    board_id = db.scalar(select(Meeting).where(Meeting.id == meeting_id)).board_id
    from coprod.models import Board

    board = db.scalar(select(Board).where(Board.id == board_id))
    office = signed_in(factory.person("Helen Carter", board=board, role=Role.SECRETARY))
    member = signed_in(factory.person("Sam Taylor", board=board))
    url = f"/boards/{board.slug}/meetings/{meeting_id}"
    assert 'data-jargon="direct-payment"' not in member.get(url).get_data(as_text=True)
    assert member.get(url).status_code == 200  # read twice: the words are now kept in the cache
    form = {"term": "Direct payment", "other_forms": "direct payments", "meaning": "Money for your support.",
            "picture": "page"}
    assert office.post("/jargon-buster/new", form).status_code == 302
    assert 'data-jargon="direct-payment"' in member.get(url).get_data(as_text=True)
