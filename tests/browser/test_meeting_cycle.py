"""The whole meeting cycle, played as the people would, on the demo site in Chromium (issue 14):

1. the secretary plans a meeting, adds an agenda item and opens it for questions;
2. two members ask questions (one stays waiting for the secretary);
3. the secretary finds them through the "to do" on their home page, places one on the agenda and
   publishes the agenda;
4. a member sees that questions are still open until the deadline (publishing closes nothing);
5. the secretary stops questions early on the check page, which says how many are still waiting;
6. a vote is opened, members vote on their tablets, the secretary closes it on its check page;
7. the room screen shows the results, in English and Urdu, and no answer's name runs into a number;
8. a "You said, we did" record answers the question, gets an action and is published;
9. the member who asked says "Not happy", and the agenda of the next meeting shows it came back.

Screenshots (the room screen in English and Urdu, the secretary's to do) are saved in
test-artifacts/screenshots/cycle/. axe-core and the 44px check run on the to do and the check pages
(the crawl and test_voting.py / test_mixed_text.py check the room screen and agendas for every role).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import browser_support as bs
from .pages import SCREENSHOTS, Site, assert_page_ok, back_to_english, new_context, set_viewport, sign_in
from .test_mixed_text import BOXES, _inside, _overlap

SHOTS = SCREENSHOTS / "cycle"
BOARD = "/boards/riverside-ld"
MEETING = "Board meeting about buses"
ITEM = "Getting about by bus"
SAM_ASKS = "Can the buses run later in the evening?"
AISHA_ASKS = "Can bus drivers wait until I sit down?"
VOTE = "Where should we meet next time?"
ANSWERS = ["At the bowling alley on Riverside Road", "In the library"]
RECORD = "Buses in the evening"
COMMENT = "The last bus is still at 6pm."


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def _submit(page, name: str) -> None:
    """Press a form's button; if the easy-read check holds the words back, tick "save anyway"."""
    _click(page, page.get_by_role("button", name=name, exact=True))
    if page.locator("input[name=easy_read_ok]").count():
        page.locator("input[name=easy_read_ok]").check()
        _click(page, page.get_by_role("button", name=name, exact=True))


def _main(page) -> str:
    return page.locator("main").inner_text()


def _todo_number(page, site: Site, pattern: str) -> int:
    """A number from the secretary's to do for the Riverside board on their home page (0 if not shown)."""
    page.goto(site.base_url + "/")
    todo = page.locator("section.todo").first
    assert "Riverside Learning Disability" in todo.locator("h2").inner_text()
    found = re.search(pattern, todo.inner_text())
    return int(found.group(1)) if found else 0


def _plan_meeting(page, site: Site) -> str:
    """The secretary plans a meeting with one agenda item and opens it for questions. Its manage page."""
    page.goto(site.base_url + BOARD + "/meetings/manage")
    _click(page, page.get_by_role("link", name=re.compile("^Plan a meeting")))
    page.get_by_label("Name of the meeting").fill(MEETING)
    page.get_by_label("What is the meeting about?").fill("We talk about buses.\nThe bus company comes too.")
    starts, deadline = date.today() + timedelta(days=30), date.today() + timedelta(days=20)
    page.get_by_label("When does it start?").fill(f"{starts.isoformat()}T13:30")
    page.get_by_label("What time does it end? (you can leave this empty)").fill("15:30")
    page.get_by_label("Where is it?").fill("Riverside Library, Mill Lane")
    page.get_by_label("Questions must be sent by (you can leave this empty)").fill(f"{deadline.isoformat()}T17:00")
    _submit(page, "Plan the meeting")
    assert "The meeting is planned." in _main(page)
    manage = page.url

    _click(page, page.get_by_role("link", name=re.compile("^Add an item to the agenda")))
    page.get_by_label("What is this item about?").fill(ITEM)
    page.locator("textarea[name=summary]").fill("The buses stop early.\nThe bus company will talk to us.")
    _submit(page, "Add the item")
    assert "The item is on the agenda." in _main(page)

    page.goto(manage)
    page.locator("input[name=status][value=taking_questions]").check()
    _submit(page, "Save where the meeting is up to")
    assert "Saved. The meeting is now: Taking questions." in _main(page)
    assert "People can send questions now." in _main(page)
    return manage


def _ask(page, site: Site, words: str) -> None:
    """A member asks a question for the new meeting, about its agenda item, with their name shown."""
    page.goto(site.base_url + BOARD)
    _click(page, page.get_by_role("link", name=re.compile(r"^Ask a question")))
    page.locator("label", has_text=MEETING).click()
    _click(page, page.get_by_role("button", name="Start my question"))
    page.locator("label", has_text=ITEM).click()
    _click(page, page.get_by_role("button", name="Next"))
    page.get_by_label("Type your question").fill(words)
    _click(page, page.get_by_role("button", name="Next"))
    page.locator("label", has_text="Yes, show my name").click()
    _click(page, page.get_by_role("button", name="Next"))
    assert words in _main(page)
    _click(page, page.get_by_role("button", name="Send my question"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your question is sent"


def _vote(page, site: Site, answer: str) -> None:
    page.goto(site.base_url + BOARD + "/votes")
    _click(page, page.get_by_role("link", name=re.compile(re.escape(VOTE))))
    page.locator("label.choice__label", has_text=answer).click()
    _click(page, page.get_by_role("button", name="Next"))
    assert f"You chose {answer}." in _main(page)
    _click(page, page.get_by_role("button", name="Yes, count my vote"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your vote is counted"


def _check_chart(page, where: str, totals: list[str]) -> None:
    """Every answer's name is drawn on the chart, inside it, and never runs into a number or a bar."""
    boxes = page.evaluate(BOXES)
    labels, values = boxes["labels"], boxes["values"]
    assert sorted(v["text"] for v in values) == sorted(totals), f"{where}: {values}"
    assert len(labels) == len(totals), where
    for label in labels:
        assert label["w"] > 0 and label["text"].strip(), f"{where}: an answer's name is not drawn"
        assert _inside(label, boxes["svg"]), f"{where}: {label['text']!r} runs off the chart"
        for value in values:
            assert not _overlap(label, value), f"{where}: {label['text']!r} overlaps the number {value['text']}"
        for bar in boxes["bars"]:
            assert not _overlap(label, bar), f"{where}: {label['text']!r} overlaps a bar"
    for value in values:
        assert _inside(value, boxes["svg"]), f"{where}: the number {value['text']} runs off the chart"
        for bar in boxes["bars"]:
            assert not _overlap(value, bar), f"{where}: the number {value['text']} is on a bar"


def test_the_whole_meeting_cycle(site, browser):
    secretary_context, sam_context, aisha_context = new_context(browser), new_context(browser), new_context(browser)
    try:
        secretary, sam, aisha = (c.new_page() for c in (secretary_context, sam_context, aisha_context))
        sign_in(secretary, site, site.person("secretary"))
        sam_person = site.person("member")
        aisha_person = next(p for p in site.people if p.role == "member" and p != sam_person)
        sign_in(sam, site, sam_person)
        sign_in(aisha, site, aisha_person)
        waiting_pattern = r"(\d+) questions? (?:is|are) waiting\."
        waiting_before = _todo_number(secretary, site, waiting_pattern)

        # 1-2. A meeting taking questions; two members ask.
        manage = _plan_meeting(secretary, site)
        _ask(sam, site, SAM_ASKS)
        _ask(aisha, site, AISHA_ASKS)

        # 3. The secretary's to do counts them and leads to this meeting's queue (the soonest waiting).
        assert _todo_number(secretary, site, waiting_pattern) == waiting_before + 2
        set_viewport(secretary, "tablet-landscape")
        assert_page_ok(secretary, "cycle: the secretary's to do", screenshot=False)
        bs.screenshot(secretary, SHOTS / "secretary-todo.png")
        set_viewport(secretary, "tablet-portrait")
        _click(secretary, secretary.locator("section.todo").first.get_by_role(
            "link", name=re.compile(r"questions? (is|are) waiting")))
        assert secretary.get_by_role("heading", level=1).inner_text() == "Questions to look at"
        assert MEETING in _main(secretary)
        question = secretary.locator("li, article, section, div.question").filter(has_text=SAM_ASKS).last
        _click(secretary, question.get_by_role("link", name=re.compile("^Look at this question")))
        assert SAM_ASKS in _main(secretary)
        secretary.get_by_label("Which agenda item is it under?").select_option(label=f"1. {ITEM}")
        _click(secretary, secretary.get_by_role("button", name="Put it on the agenda"))
        assert "The question is on the agenda." in _main(secretary)

        # ... and publishes the agenda.
        secretary.goto(manage)
        secretary.locator("input[name=status][value=agenda_published]").check()
        _submit(secretary, "Save where the meeting is up to")
        assert "Saved. The meeting is now: Agenda published." in _main(secretary)

        # 4. Members: questions still close by the deadline, not when the agenda is published.
        deadline_words = (date.today() + timedelta(days=20)).strftime("%-d %B %Y")
        sam.goto(site.base_url + BOARD + "/meetings")
        _click(sam, sam.get_by_role("link", name=re.compile(re.escape(MEETING))))
        text = _main(sam)
        assert "You can send questions for this meeting now." in text
        assert re.search(rf"Send your questions by \w+ {deadline_words}, 5pm\.", text), text
        assert SAM_ASKS in text, "the question placed on the agenda is on the published agenda"
        meeting_page = sam.url
        sam.goto(site.base_url + BOARD + "/ask")
        assert sam.locator("label", has_text=MEETING).count() == 1, "the meeting still takes questions"

        # 5. The secretary stops questions early: the check page says how many are still waiting.
        secretary.goto(manage)
        _click(secretary, secretary.get_by_role("link", name=re.compile("^Stop taking questions now")))
        assert secretary.get_by_role("heading", level=1).inner_text() == "Stop taking questions now?"
        text = _main(secretary)
        assert "1 question is still waiting for you." in text, text
        assert_page_ok(secretary, "cycle: stop questions check", screenshot=False)
        bs.screenshot(secretary, SHOTS / "stop-questions-check.png")
        assert "The deadline for questions is" in text and deadline_words in text
        _click(secretary, secretary.get_by_role("button", name="Yes, stop taking questions"))
        assert "Questions for this meeting are stopped." in _main(secretary)
        sam.goto(site.base_url + BOARD + "/ask")
        assert sam.locator("label", has_text=MEETING).count() == 0, "the stopped meeting is still offered"
        sam.goto(meeting_page)
        assert "You can send questions for this meeting now." not in _main(sam)
        assert "The secretary stopped taking questions for this meeting." in _main(sam)
        assert SAM_ASKS in _main(sam)

        # 6. A vote in the room: made, opened, voted on by two members, closed on its check page.
        secretary.goto(site.base_url + BOARD + "/proposals/new")
        secretary.fill("input[name=title]", VOTE)
        secretary.fill("textarea[name=body]", "We can meet in a new place.\nChoose one.")
        secretary.check("input[name=kind][value=custom]")
        for n, answer in enumerate(ANSWERS, start=1):
            secretary.fill(f"input[name=choice_{n}]", answer)
        _submit(secretary, "Make the proposal")
        assert "The proposal is made." in _main(secretary)
        proposal_page = secretary.url
        proposal_id = re.search(r"/proposals/(\d+)", proposal_page).group(1)
        _click(secretary, secretary.get_by_role("link", name=re.compile("^Open voting now")))
        assert secretary.get_by_role("heading", level=1).inner_text() == "Open voting now?"
        assert_page_ok(secretary, "cycle: open voting check", screenshot=False)
        assert f"The vote is: {VOTE}" in _main(secretary)
        _click(secretary, secretary.get_by_role("button", name="Yes, open voting now"))
        assert "Voting is open now." in _main(secretary)
        _vote(sam, site, ANSWERS[0])
        _vote(aisha, site, ANSWERS[0])
        secretary.goto(proposal_page)
        assert "2 people have voted" in _main(secretary)
        _click(secretary, secretary.get_by_role("link", name=re.compile("^Close voting now")))
        assert secretary.get_by_role("heading", level=1).inner_text() == "Close voting now?"
        assert f"The vote is: {VOTE}" in _main(secretary)
        _click(secretary, secretary.get_by_role("button", name="Yes, close voting now"))
        assert "Voting is closed now." in _main(secretary)

        # 7. The room screen: the results, and no name runs into a number, in English and Urdu.
        screen = f"{site.base_url}{BOARD}/votes/{proposal_id}/screen"
        for language in ("en", "ur"):
            for width, height in ((1024, 768), (768, 1024), (320, 800)):
                secretary.set_viewport_size({"width": width, "height": height})
                secretary.goto(f"{screen}?lang={language}")
                _check_chart(secretary, f"{language} at {width} px", ["2", "0"])
                if language == "en":
                    text = _main(secretary)
                    assert "Voting has finished." in text or "Voting is closed" in text, text
                    assert f"Most people chose {ANSWERS[0]}." in text
                    assert f"2 people chose {ANSWERS[0]}." in text
                    assert f"0 people chose {ANSWERS[1]}." in text
                else:
                    assert secretary.evaluate("document.documentElement.dir") == "rtl"
                    assert "ووٹنگ ختم ہو گئی ہے۔" in _main(secretary), "the room screen is in Urdu"
                    assert ANSWERS[0] in _main(secretary)
                secretary.evaluate("window.scrollTo(0, 0)")
                bs.screenshot(secretary, SHOTS / f"room-screen-{language}{'' if width == 1024 else f'-{width}'}.png")
        back_to_english(secretary, site)
        set_viewport(secretary, "tablet-portrait")

        # 8. "You said, we did": a record answering Sam's question, with an action, published.
        secretary.goto(site.base_url + BOARD + "/said-did/new")
        secretary.get_by_label("What is it about?").fill(RECORD)
        secretary.locator("textarea[name=said_text]").fill("You said the buses stop too early.")
        secretary.locator("label", has_text=SAM_ASKS).click()
        secretary.get_by_label("The meeting where it was said").select_option(label=MEETING)
        secretary.locator("textarea[name=did_text]").fill("We asked the bus company for a later bus.")
        _submit(secretary, "Save the record")
        record_page = secretary.url
        assert re.search(r"/said-did/\d+$", record_page), record_page
        _click(secretary, secretary.get_by_role("link", name=re.compile("^Add an action")))
        secretary.get_by_label("What will be done?").fill("Ask for a bus at 9pm.")
        secretary.get_by_label("Who will do it? Their name").fill("David Okafor")
        secretary.get_by_label("Where do they work?").fill("Riverside Council")
        secretary.get_by_label("By when?").fill((date.today() + timedelta(days=60)).isoformat())
        _submit(secretary, "Add the action")
        secretary.goto(record_page)
        _click(secretary, secretary.get_by_role("link", name=re.compile("^Publish")))
        assert secretary.get_by_role("heading", level=1).inner_text() == "Publish this record?"
        _click(secretary, secretary.get_by_role("button", name="Yes, publish it"))

        sam.goto(record_page)
        text = _main(sam)
        assert RECORD in text and "We asked the bus company for a later bus." in text
        assert "Ask for a bus at 9pm." in text and "David Okafor" in text
        assert SAM_ASKS in text

        # 9. Sam is not happy; it comes back to the next meeting.
        not_happy_before = _todo_number(secretary, site, r"(\d+) (?:person is|people are) not happy")
        sam.goto(record_page + "/happy")
        sam.locator("label", has_text=re.compile(r"^\s*Not happy\s*$")).click()
        sam.get_by_label("Tell us more (you can leave this empty)").fill(COMMENT)
        _submit(sam, "Send my answer")
        assert _todo_number(secretary, site, r"(\d+) (?:person is|people are) not happy") == not_happy_before + 1

        sam.goto(site.base_url + BOARD + "/meetings/next")
        _click(sam, sam.get_by_role("link", name=re.compile("^Read the agenda")))
        came_back = sam.locator("main").get_by_role("heading", name="Came back to the board")
        assert came_back.count() == 1
        text = _main(sam)
        assert RECORD in text, "the record Sam is not happy with is on the next meeting's agenda"
        entry = sam.locator("main li").filter(has_text=RECORD).first
        assert re.search(r"\d+ (person is|people are) not happy\.", entry.inner_text()), entry.inner_text()

        # The secretary brings it back as an agenda item, from the to do.
        secretary.goto(site.base_url + "/")
        _click(secretary, secretary.locator("section.todo").first.get_by_role(
            "link", name=re.compile(r"not happy with an answer")))
        assert COMMENT in _main(secretary)
        item = secretary.locator("li.came-back").filter(has_text=RECORD)
        _click(secretary, item.get_by_role("button", name=re.compile("^Add as an agenda item")))
        assert "It is on the agenda now." in _main(secretary)
        sam.reload()
        assert f"Came back: {RECORD}" in _main(sam)
        assert "This came back to the board." in _main(sam)
        new_item = sam.locator("main .agenda .agenda-item").filter(has_text=f"Came back: {RECORD}")
        assert new_item.count() == 1
        assert "1 person is not happy." in new_item.inner_text(), new_item.inner_text()
        assert "It is on this agenda." in sam.locator("main li").filter(has_text=RECORD).first.inner_text()
        bs.screenshot(sam, SHOTS / "next-agenda-came-back.png")
    finally:
        for context in (secretary_context, sam_context, aisha_context):
            context.close()
