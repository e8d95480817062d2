"""Content in more than one language, and "checked for easy read by", through HTTP: a Welsh
version of an agenda item, a proposal and a record; what Welsh, Urdu and English readers see;
who may write versions and mark checks; bad input; the check after the words change; Listen
speaking content in its own language."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coprod.models import (AgendaItem, AuditEvent, Choice, ContentLanguage, Meeting, MeetingStatus, Proposal, Record,
                           RecordStatus, Role, User, utcnow)

BOARD = "/boards/riverside-ld"
WELSH_TITLE = "Seibiant byr i deuluoedd"
WELSH_SUMMARY = "Mae teuluoedd angen gorffwys."


@pytest.fixture
def world(cast, factory, db, signed_in):
    board, other = cast.board, cast.other_board
    people = {
        "secretary": cast.secretary,
        "commissioner": cast.commissioner,
        "member": cast.member,
        "carer": cast.carer,
        "other secretary": factory.person("Olga Other", board=other, role=Role.SECRETARY),
    }
    with db.context() as session:
        meeting = Meeting(board_id=board.id, title="Spring meeting", place="Library",
                          status=MeetingStatus.AGENDA_PUBLISHED, starts_dt=utcnow() + timedelta(days=10))
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Short breaks for families",
                          summary="Families need a rest.\nThe council wants to close the house.", picture="family")
        other_meeting = Meeting(board_id=other.id, title="Other meeting", place="Hall", starts_dt=utcnow())
        session.add_all([item, other_meeting])
        session.flush()
        other_item = AgendaItem(meeting_id=other_meeting.id, title="Other board's item")
        proposal = Proposal(board_id=board.id, title="Keep the house open?", body="We can ask the council.",
                            opened_dt=utcnow() - timedelta(hours=1), results_hidden_until_closed=False,
                            agenda_item_id=item.id)
        record = Record(board_id=board.id, title="Job coaches", said_text="We want job coaches.",
                        did_text="We pay for 2 job coaches.", status=RecordStatus.PUBLISHED, published_dt=utcnow())
        session.add_all([other_item, proposal, record])
        session.flush()
        session.add_all([Choice(proposal_id=proposal.id, position=0, label="Yes", picture="yes"),
                         Choice(proposal_id=proposal.id, position=1, label="No", picture="no")])
        session.flush()
        ids = {"meeting": meeting.id, "item": item.id, "proposal": proposal.id, "record": record.id,
               "other_item": other_item.id}
    ids["yes"], ids["no"] = [c.id for c in db.scalars(select(Choice).where(Choice.proposal_id == ids["proposal"])
                                                      .order_by(Choice.position))]
    clients = {role: signed_in(person) for role, person in people.items()}
    return {"board": board, "people": people, "ids": ids, "clients": clients}


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _version_url(kind: str, content_id: int) -> str:
    return f"{BOARD}/languages/{kind}/{content_id}/version"


def _add_welsh_item(world, **extra):
    ids = world["ids"]
    return world["clients"]["secretary"].post(_version_url("agenda-item", ids["item"]), {
        "language": "cy", "title": WELSH_TITLE, "summary": WELSH_SUMMARY, "easy_read_ok": "y", **extra})


def _errors(page: str) -> dict[str, str]:
    """Field id -> the message shown next to it."""
    return {m.group(1): html.unescape(m.group(2)).strip()
            for m in re.finditer(r'<p class="field-error" id="([\w-]+)-error"><span[^>]*>[^<]*</span>([^<]*)</p>',
                                 page)}


# ---- writing and reading versions ---------------------------------------------------------------

def test_a_welsh_version_of_an_agenda_item_is_what_welsh_readers_see(world, client, db):
    ids = world["ids"]
    form = _page(world["clients"]["secretary"], _version_url("agenda-item", ids["item"]) + "?language=cy")
    # The original stands beside each box, marked as English.
    assert 'class="original-text" lang="en"' in form and "Families need a rest." in form

    response = _add_welsh_item(world)
    assert response.status_code == 302
    version = db.scalar(select(ContentLanguage).where(ContentLanguage.kind == "agenda-item"))
    assert (version.content_id, version.language, version.texts["title"]) == (ids["item"], "cy", WELSH_TITLE)
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "content-version.add")) is not None

    agenda = f"{BOARD}/meetings/{ids['meeting']}"
    welsh = _page(client, agenda + "?lang=cy")
    assert WELSH_TITLE in welsh and WELSH_SUMMARY in welsh
    assert "Short breaks for families" not in welsh
    assert '</span> <bdi>Seibiant byr i deuluoedd</bdi></h2>' in welsh, "Welsh on a Welsh page needs no lang of its own"
    # The proposal under it has no Welsh version: it is shown in English, marked as English.
    assert '<span lang="en" dir="ltr">Keep the house open?</span>' in welsh
    assert "Mae hwn yn Saesneg." in welsh and "Does dim fersiwn Gymraeg eto." in welsh
    pack = _page(client, f"{agenda}/pack?lang=cy")
    assert WELSH_TITLE in pack and WELSH_SUMMARY in pack

    # An Urdu reader: the English original, in an element that says it is English, with a note in Urdu.
    urdu = _page(client, agenda + "?lang=ur")
    assert '<span lang="en" dir="ltr">Short breaks for families</span>' in urdu
    assert '<p lang="en" dir="ltr">Families need a rest.</p>' in urdu
    assert "یہ انگریزی میں ہے۔" in urdu and "ابھی اس کا اردو ورژن نہیں ہے۔" in urdu
    assert WELSH_TITLE not in urdu

    english = _page(client, agenda + "?lang=en")
    assert "Short breaks for families" in english and WELSH_TITLE not in english
    assert "This is in English." not in english and '<span lang="en" dir="ltr">' not in english

    # Changing it again edits the same version, and the form shows what it says now.
    again = _page(world["clients"]["secretary"], _version_url("agenda-item", ids["item"]) + "?language=cy")
    assert f'value="{WELSH_TITLE}"' in again
    _add_welsh_item(world, title="Seibiant byr")
    assert [v.texts["title"] for v in db.scalars(select(ContentLanguage))] == ["Seibiant byr"]
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "content-version.edit")) is not None


def test_a_welsh_proposal_with_its_answers(world, db, signed_in, factory):
    ids = world["ids"]
    response = world["clients"]["secretary"].post(_version_url("proposal", ids["proposal"]), {
        "language": "cy", "title": "Cadw'r tŷ ar agor?", "body": "Gallwn ofyn i'r cyngor.",
        f"choice_{ids['yes']}": "Ie", f"choice_{ids['no']}": "Na", "easy_read_ok": "y"})
    assert response.status_code == 302
    with db.context() as session:
        session.get(User, world["people"]["member"].id).locale = "cy"
    member = world["clients"]["member"]
    vote = _page(member, f"{BOARD}/votes/{ids['proposal']}")
    assert "Cadw&#39;r tŷ ar agor?" in vote and "Gallwn ofyn i&#39;r cyngor." in vote
    assert re.search(r'<span class="choice__text">Ie</span>', vote) and "Keep the house open?" not in vote
    votes = _page(member, f"{BOARD}/votes")
    assert "Cadw&#39;r tŷ ar agor?" in votes
    results = _page(member, f"{BOARD}/votes/{ids['proposal']}/results")
    assert '<th scope="row" dir="auto">Ie</th>' in results

    # A carer reading in Urdu votes on the English answers, marked as English.
    with db.context() as session:
        session.get(User, world["people"]["carer"].id).locale = "ur"
    urdu = _page(world["clients"]["carer"], f"{BOARD}/votes/{ids['proposal']}")
    assert '<h1 lang="en" dir="ltr">Keep the house open?</h1>' in urdu
    assert '<span class="choice__text"><span lang="en" dir="ltr">Yes</span></span>' in urdu
    screen = _page(world["clients"]["carer"], f"{BOARD}/votes/{ids['proposal']}/screen")
    assert '<th scope="row" lang="en" dir="ltr">Yes</th>' in screen


def test_a_welsh_record_on_the_record_page_and_the_tracker(world, client, db):
    ids = world["ids"]
    response = world["clients"]["commissioner"].post(_version_url("record", ids["record"]), {
        "language": "cy", "title": "Hyfforddwyr swyddi", "said_text": "Rydyn ni eisiau hyfforddwyr.",
        "did_text": "Rydyn ni'n talu am 2 hyfforddwr.", "easy_read_ok": "y"})
    assert response.status_code == 302
    page = _page(client, f"{BOARD}/said-did/{ids['record']}?lang=cy")
    assert "<h1><bdi>Hyfforddwyr swyddi</bdi></h1>" in page and "Rydyn ni eisiau hyfforddwyr." in page
    tracker = _page(client, f"{BOARD}/said-did?lang=cy")
    assert "Hyfforddwyr swyddi" in tracker
    english = _page(client, f"{BOARD}/said-did/{ids['record']}?lang=ur")
    assert '<h1 lang="en" dir="ltr">Job coaches</h1>' in english


def test_new_content_is_in_the_writers_language(world, client, db):
    ids = world["ids"]
    with db.context() as session:
        session.get(User, world["people"]["secretary"].id).locale = "cy"
    response = world["clients"]["secretary"].post(f"{BOARD}/meetings/{ids['meeting']}/items/new", {
        "title": "Tai", "summary": "Mae angen cartrefi.", "picture": "house", "easy_read_ok": "y"})
    assert response.status_code == 302
    item = db.scalar(select(AgendaItem).where(AgendaItem.title == "Tai"))
    assert item.language == "cy"
    english = _page(client, f"{BOARD}/meetings/{ids['meeting']}?lang=en")
    assert '<span lang="cy" dir="ltr">Tai</span>' in english
    assert "This is in Welsh. There is no English version yet." in english
    # Its versions can be in English, but not in Welsh again.
    form = _page(world["clients"]["secretary"], _version_url("agenda-item", item.id))
    assert '<option selected value="en">' in form or 'value="en" selected' in form or \
        re.search(r'<option[^>]*value="en"[^>]*selected', form)
    assert not re.search(r'<option[^>]*value="cy"', form)


def test_a_welsh_version_gets_the_welsh_easy_read_check(world, db):
    ids = world["ids"]
    response = world["clients"]["secretary"].post(_version_url("agenda-item", ids["item"]), {
        "language": "cy", "title": WELSH_TITLE, "summary": "Cafodd ei benderfynu gan y cyngor."})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "easy-read-check" in page
    assert "Cafodd ei benderfynu gan y cyngor." in page, "what was typed is kept"
    assert db.scalar(select(ContentLanguage)) is None, "nothing is saved until the writer says so"


# ---- who may -------------------------------------------------------------------------------------

def test_only_the_people_who_may_write_the_original(world, make_client):
    ids, clients = world["ids"], world["clients"]
    item_url = _version_url("agenda-item", ids["item"])
    data = {"language": "cy", "title": WELSH_TITLE, "summary": WELSH_SUMMARY, "easy_read_ok": "y"}
    # Another board's secretary: refused on our board, and our item is not on theirs.
    assert clients["other secretary"].get(item_url).status_code == 403
    assert clients["other secretary"].post(item_url, data).status_code == 403
    theirs = f"/boards/other-board/languages/agenda-item/{ids['item']}/version"
    assert clients["other secretary"].post(theirs, data).status_code == 404
    assert clients["secretary"].get(_version_url("agenda-item", ids["other_item"])).status_code == 404
    # A commissioner writes records, not agenda items; members write neither.
    assert clients["commissioner"].post(item_url, data).status_code == 403
    assert clients["commissioner"].get(_version_url("record", ids["record"])).status_code == 200
    assert clients["member"].get(_version_url("record", ids["record"])).status_code == 403
    assert make_client().get(item_url).status_code == 302
    assert clients["secretary"].get(f"{BOARD}/languages/nothing/{ids['item']}/version").status_code == 404
    # Only a secretary marks checks.
    checked = f"{BOARD}/languages/record/{ids['record']}/checked/en"
    assert clients["commissioner"].get(checked).status_code == 403
    assert clients["secretary"].get(checked).status_code == 200
    assert clients["secretary"].get(f"{BOARD}/languages/record/{ids['record']}/checked/cy").status_code == 404


# ---- bad input ------------------------------------------------------------------------------------

def test_bad_input_gets_a_message_next_to_the_field_and_keeps_what_was_typed(world, db):
    ids = world["ids"]
    secretary = world["clients"]["secretary"]
    url = _version_url("agenda-item", ids["item"])

    empty = secretary.post(url, {"language": "cy", "title": "  ", "summary": WELSH_SUMMARY}).get_data(as_text=True)
    assert _errors(empty) == {"title": "Type the words for this in the new language."}
    assert WELSH_SUMMARY in empty and "There is a problem" in empty

    huge = secretary.post(url, {"language": "cy", "title": "Tŷ " * 100, "summary": WELSH_SUMMARY})
    assert huge.status_code == 200
    assert _errors(huge.get_data(as_text=True))["title"].startswith("This is too long. Use 200 letters or fewer.")

    same = secretary.post(url, {"language": "en", "title": WELSH_TITLE, "summary": WELSH_SUMMARY,
                                "easy_read_ok": "y"}).get_data(as_text=True)
    assert _errors(same) == {"language": "It was written in English. Choose another language."}
    assert f'value="{WELSH_TITLE}"' in same and WELSH_SUMMARY in same

    unknown = secretary.post(url, {"language": "xx", "title": WELSH_TITLE}).get_data(as_text=True)
    assert _errors(unknown)["language"] == "Choose one of the answers shown."
    hidden = secretary.post(url, {"language": "cy", "title": "Tai\x00", "summary": ""}).get_data(as_text=True)
    assert "hidden character" in _errors(hidden)["title"]
    assert db.scalar(select(ContentLanguage)) is None


# ---- checked by ------------------------------------------------------------------------------------

def test_checked_by_a_self_advocate_shows_and_is_flagged_when_the_words_change(world, client, db):
    ids, secretary = world["ids"], world["clients"]["secretary"]
    sam = world["people"]["member"]
    url = f"{BOARD}/languages/agenda-item/{ids['item']}/checked/en"
    form = _page(secretary, url)
    assert f'<option value="{sam.id}">Sam Taylor</option>' in form
    assert "David Okafor" not in form, "only the board's self-advocates are listed"

    day = (utcnow() - timedelta(days=2)).date()
    assert secretary.post(url, {"checker": str(sam.id), "checked_on": day.isoformat()}).status_code == 302
    check = db.scalar(select(ContentLanguage))
    assert (check.checker_id, check.checker_name, check.checked_on) == (sam.id, "Sam Taylor", day)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "content.checked"))
    assert "Sam Taylor" in event.detail and event.actor_id == world["people"]["secretary"].id

    agenda = f"{BOARD}/meetings/{ids['meeting']}"
    when = f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
    page = html.unescape(_page(client, agenda + "?lang=en"))
    assert f"Checked for easy read by Sam Taylor, a self-advocate, on {when}." in page
    # The check is for the English words: a Welsh reader of a Welsh version does not see it.
    _add_welsh_item(world)
    assert "Sam Taylor" not in _page(client, agenda + "?lang=cy")

    # The secretary changes the English words: the page says Sam checked the words before that.
    response = secretary.post(f"{agenda}/items/{ids['item']}", {
        "title": "Short breaks for families", "summary": "Families need a rest.", "picture": "family",
        "easy_read_ok": "y"})
    assert response.status_code == 302
    page = html.unescape(_page(client, agenda + "?lang=en"))
    assert "Checked for easy read by" not in page
    assert f"<bdi>Sam Taylor</bdi>, a self-advocate, checked this for easy read on {when}. The words changed after that." in page

    # Someone with no account, typed by name, for the Welsh version.
    welsh = f"{BOARD}/languages/agenda-item/{ids['item']}/checked/cy"
    no_name = secretary.post(welsh, {"checker": "other", "name": "", "checked_on": day.isoformat()})
    assert _errors(no_name.get_data(as_text=True)) == {"name": "Type the name of the person who checked it."}
    future = secretary.post(welsh, {"checker": "other", "name": "Gwen Pritchard",
                                    "checked_on": (utcnow() + timedelta(days=5)).date().isoformat()})
    future_page = future.get_data(as_text=True)
    assert _errors(future_page) == {"checked_on": "This day has not come yet. Type the day they checked it."}
    assert 'value="Gwen Pritchard"' in future_page
    assert secretary.post(welsh, {"checker": "other", "name": "Gwen Pritchard",
                                  "checked_on": day.isoformat()}).status_code == 302
    assert "Gwen Pritchard" in _page(client, agenda + "?lang=cy")
    overview = _page(secretary, f"{BOARD}/languages/agenda-item/{ids['item']}")
    assert "Gwen Pritchard" in overview and WELSH_TITLE in overview


# ---- Listen ----------------------------------------------------------------------------------------

def _distance(one: bytes, other: bytes) -> float:
    """How different two clips of 16-bit speech are: the mean difference per sample, with the
    length difference counted as silence against sound."""
    from array import array

    a, b = array("h", one[: len(one) // 2 * 2]), array("h", other[: len(other) // 2 * 2])
    shared = min(len(a), len(b))
    longer = a if len(a) > len(b) else b
    total = sum(abs(x - y) for x, y in zip(a[:shared], b[:shared])) + sum(abs(x) for x in longer[shared:])
    return total / max(len(a), len(b), 1)


def test_listen_speaks_content_in_its_own_language(world, client, app):
    from coprod.audio import clips, engine
    from coprod.audio.text import read_page

    page = _page(client, f"{BOARD}/meetings/{world['ids']['meeting']}?lang=cy")
    spoken = read_page(page)
    languages = dict(zip(spoken.sentences, spoken.languages))
    assert languages["Short breaks for families"] == "en" and languages["Families need a rest."] == "en"
    assert languages["Mae hwn yn Saesneg."] is None, "the note is in the page's language"
    with app.test_request_context():
        spec = clips.specs_for(spoken.sentences, "cy", spoken.languages)["normal"]
        plain = clips.specs_for(spoken.sentences, "cy")["normal"]
    voices = dict(zip(spoken.sentences, spec.voices))
    assert voices["Families need a rest."] == "en-gb" and voices["Mae hwn yn Saesneg."] == "cy"
    assert spec.key != plain.key

    # Real espeak-ng: the English sentence on the Welsh page sounds as the English voice says it.
    words = ["Families need a rest."]
    mixed = engine.speak(words, voice="cy", voices=["en-gb"], words_per_minute=160)
    english = engine.speak(words, voice="en-gb", words_per_minute=160)
    welsh = engine.speak(words, voice="cy", words_per_minute=160)
    # Near, not byte for byte: under load the engine's output can differ by a few samples.
    assert _distance(mixed.pcm, english.pcm) < _distance(mixed.pcm, welsh.pcm) / 4


def test_jargon_in_english_content_on_a_welsh_page_opens_the_english_meaning(world, client, db):
    from coprod.models import GlossaryTerm

    with db.context() as session:
        session.add(GlossaryTerm(language="en", term="Council", slug="council", picture="board",
                                 meaning="The people who run services in our town."))
    page = _page(client, f"{BOARD}/meetings/{world['ids']['meeting']}?lang=cy")
    link = re.search(r'<a class="jargon" href="([^"]+)" data-jargon="council">', page)
    assert link and html.unescape(link.group(1)) == "/jargon-buster/council?words=en"
    meaning = _page(client, html.unescape(link.group(1)) + "&lang=cy")
    assert '<html lang="cy"' in meaning, "the page stays Welsh"
    assert '<h1 lang="en" dir="ltr">Council</h1>' in meaning
    assert '<p class="lead" lang="en" dir="ltr">The people who run services in our town.</p>' in meaning
    assert client.get("/jargon-buster/council?lang=cy").status_code == 404, "not a Welsh word"
