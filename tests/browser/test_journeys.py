"""Whole journeys, as people do them, on a tablet in Chromium: signing in with a card, Welsh, large
text, someone helping; a printed login card; asking a spoken question with the microphone; jargon
words explained in place (also in Urdu, right to left); the easy-read check for writers.
Every page on the way passes axe-core and the 44px target check (`assert_page_ok`)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from coprod.demo import LATER_MEETING_DAYS, NEXT_MEETING_DAYS, meeting_title

from . import browser_support as bs
from .pages import (ALL_VIEWPORTS, SCREENSHOTS, Site, assert_page_ok, back_to_english, new_context, open_meeting,
                    set_viewport, sign_in)


def test_carer_signs_in_switches_to_welsh_large_text_helper_and_signs_out(site, browser):
    """The foundation's 'done' journey, on a tablet: card link, Welsh, large text, help, sign out."""
    carer = site.person("carer")
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(site.base_url + carer.path)
        assert page.get_by_role("heading", level=1).inner_text() == "Is this you?"
        assert_page_ok(page, "card link")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^Yes, this is me")).click()
        assert f"Hello {carer.name}" in page.get_by_role("heading", level=1).inner_text()

        with page.expect_navigation():
            page.get_by_role("button", name="Cymraeg", exact=True).click()
        assert page.evaluate("document.documentElement.lang") == "cy"
        assert_page_ok(page, "home in Welsh")

        # My settings, in Welsh: tap the whole "large text" card, then save.
        page.goto(site.base_url + "/settings")
        page.locator("label[for=text_size-1]").click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "text-large" in page.evaluate("document.documentElement.className")
        assert_page_ok(page, "settings saved, large text, Welsh")

        # Someone is helping me: the supporter on the board.
        page.goto(site.base_url + "/helping")
        supporter = site.person("supporter")
        page.locator("label", has_text=supporter.name).click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        banner = page.locator(".helping-banner").inner_text()
        assert supporter.name in banner
        assert_page_ok(page, "helped by a supporter, Welsh")

        with page.expect_navigation():
            page.locator("form[action$='/sign-out'] button").click()
        assert urlsplit(page.url).path == "/signed-out"
        assert page.locator("form[action$='/sign-out']").count() == 0
        assert_page_ok(page, "signed out, Welsh")
        page.goto(site.base_url + "/account")
        assert urlsplit(page.url).path == "/sign-in", "signed out for real"
    finally:
        context.close()


def test_secretary_prints_a_login_card_that_signs_the_person_in(site, browser):
    secretary = site.person("secretary")
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        page.goto(site.base_url + "/boards/riverside-ld/people")
        page.get_by_role("link", name=member.name, exact=True).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Make a new login card").click()
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            assert_page_ok(page, f"printable card {viewport}")
        set_viewport(page, "tablet-portrait")
        code = page.locator(".login-card__code").inner_text()
        page.emulate_media(media="print")
        bs.screenshot(page, SCREENSHOTS / "journey__card-printed.png")
        assert not page.locator(".site-header").is_visible(), "only the card is printed"
        assert page.locator(".login-card").is_visible()
    finally:
        context.close()

    # The short code on the new card signs the member in on another tablet.
    tablet = new_context(browser)
    try:
        page = tablet.new_page()
        page.goto(site.base_url + "/sign-in/code")
        page.get_by_label("Your code").fill(code)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert f"Hello {member.name}" in page.get_by_role("heading", level=1).inner_text()
    finally:
        tablet.close()


def test_member_asks_a_spoken_question_recorded_in_the_browser(site, browser):
    """Ask, one thing per page, on a tablet: the question is typed and recorded with the microphone,
    read back on the check page, sent, and shown on "My questions"."""
    member = site.person("member")
    context = new_context(browser)
    context.grant_permissions(["microphone"], origin=site.base_url)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/boards/riverside-ld")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Ask a question")).click()
        assert_page_ok(page, "ask: which meeting")
        # Two meetings take questions (publishing an agenda does not close them before the deadline):
        # the person chooses the later one.
        page.locator("label", has_text=meeting_title(LATER_MEETING_DAYS)).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Start my question").click()

        # Nothing chosen: the message is next to the choices; then choose a topic card.
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert page.locator("[data-error-summary]").count() == 1
        assert_page_ok(page, "ask: what about, with an error")
        page.locator("label", has_text="Feeling safe on the bus").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        page.get_by_label("Type your question").fill("Can a bus driver help me if I feel scared?")
        page.get_by_role("button", name="Record my question").click()
        page.get_by_role("button", name="Stop recording").wait_for(state="visible")
        page.wait_for_timeout(2500)
        page.get_by_role("button", name="Stop recording").click()
        page.locator("[data-record-preview]").wait_for(state="visible")
        assert "Your recording is ready" in page.locator("[data-record-status]").inner_text()
        assert_page_ok(page, "ask: typed and recorded")
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        page.locator("label", has_text="No, do not show my name").click()
        assert_page_ok(page, "ask: who is asking")
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Check your question"
        assert "Can a bus driver help me if I feel scared?" in page.locator("main").inner_text()
        assert "We will not show your name." in page.locator("main").inner_text()
        recording = page.locator("main audio[src*='/recording']")
        assert recording.count() == 1
        # The recording the browser made was accepted, checked and kept as MP3.
        served = context.request.get(site.base_url + recording.get_attribute("src"))
        assert served.status == 200 and served.headers["content-type"] == "audio/mpeg" and len(served.body()) > 1000
        assert_page_ok(page, "ask: check your question")
        with page.expect_navigation():
            page.get_by_role("button", name="Send my question").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Your question is sent"
        assert "Can a bus driver help me if I feel scared?" in page.locator("main").inner_text()
        assert_page_ok(page, "ask: sent")
        page.goto(site.base_url + "/my-questions")
        assert "Sent. The secretary will look at it soon." in page.locator("main").inner_text()
        assert_page_ok(page, "my questions")
    finally:
        context.close()


def test_a_jargon_word_opens_its_meaning_in_place(site, browser):
    """On the published agenda, a jargon word opens its picture and meaning under the sentence,
    with a Close button that gives focus back to the word."""
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        open_meeting(page, site, meeting_title(NEXT_MEETING_DAYS))
        word = page.locator("main a.jargon").first
        assert word.count() == 1, "the demo agenda uses jargon words"
        name = word.inner_text()
        word.click()
        box = page.locator(".jargon-box")
        box.wait_for(state="visible")
        assert box.locator("[data-term-card]").count() == 1 and box.locator("img").count() >= 1
        assert word.get_attribute("aria-expanded") == "true"
        assert_page_ok(page, "jargon word explained in place")
        box.get_by_role("button", name="Close").click()
        assert page.locator(".jargon-box").count() == 0
        assert page.evaluate("document.activeElement.textContent") == name
    finally:
        context.close()


def test_a_jargon_word_opens_its_urdu_meaning_right_to_left(site, browser):
    """On the Urdu page, an English abbreviation people hear (NHS) is explained by the Urdu jargon
    buster, in a box that reads right to left."""
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/")
        with page.expect_navigation():
            page.get_by_role("button", name="اردو", exact=True).click()
        try:
            open_meeting(page, site, meeting_title(NEXT_MEETING_DAYS))
            word = page.locator("main a.jargon", has_text="NHS").first
            assert word.count() == 1, "the Urdu jargon buster explains NHS on the demo agenda"
            word.click()
            box = page.locator(".jargon-box")
            box.wait_for(state="visible")
            assert "صحت کی سروس۔" in box.inner_text()
            assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
            picture = box.locator("img").first.bounding_box()
            words = box.locator("p").first.bounding_box()
            assert picture["x"] > words["x"], (picture, words)  # the picture is on the right, where reading starts
            assert_page_ok(page, "urdu jargon word explained in place")
        finally:
            back_to_english(page, site)
    finally:
        context.close()


# ---------------------------------------------------------------------------
# The easy-read check, for writers
# ---------------------------------------------------------------------------

# From ../shared/seeds/ (002 and 004): abbreviations, long sentences, rare words, a passive.
SEED_TITLE = "TCP update"
SEED_SUMMARY = ("Having an overview of the capacity and availability of a number of providers at any one time "
                "will enable TCPs to minimise discharge times.\n"
                "Panel meetings for each TCP area were used to discuss the support needs of each individual.\n"
                "In Kent there are very high numbers of people in ATUs, relying on medical professionals to discharge.")


def _new_agenda_item(page, site: Site) -> None:
    open_meeting(page, site, meeting_title(LATER_MEETING_DAYS), manage=True)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Add an item to the agenda")).click()


def test_secretary_sees_the_easy_read_check_and_saves_anyway(site, browser):
    """A secretary writes an agenda item full of jargon: the easy-read check holds it back with
    plain findings (and "add it to the jargon buster" links), then a tick saves it anyway."""
    secretary = site.person("secretary")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        _new_agenda_item(page, site)
        page.get_by_label("What is this item about?").fill(SEED_TITLE)
        page.locator("textarea[name=summary]").fill(SEED_SUMMARY)
        with page.expect_navigation():
            page.get_by_role("button", name="Add the item").click()

        panel = page.locator("section.easy-read-check")
        assert panel.is_visible()
        assert panel.get_by_role("heading", name="Easy-read check").count() == 1
        text = panel.inner_text()
        assert "Nothing is saved yet." in text
        assert "What does TCP mean?" in text and "This sentence has 24 words." in text
        assert "Say who does it." in text  # "were used"
        assert panel.get_by_role("link", name="Add TCP to the jargon buster (opens in a new tab)").count() == 1
        assert page.locator("textarea[name=summary]").input_value() == SEED_SUMMARY  # nothing typed is lost
        panel.scroll_into_view_if_needed()
        for viewport in ("narrow", "tablet-landscape", "tablet-portrait"):
            set_viewport(page, viewport)
            assert_page_ok(page, f"easy-read check on an agenda item {viewport}")
        bs.screenshot(page, SCREENSHOTS / "journey__easy-read-check-panel.png")

        page.get_by_label("I have read the easy-read check. Save it anyway.").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Add the item").click()
        assert "The item is on the agenda." in page.locator("main").inner_text()
        assert SEED_TITLE in page.locator("main").inner_text()
    finally:
        context.close()


def test_the_easy_read_check_shows_findings_while_the_secretary_types(site, browser):
    """With JavaScript the findings appear a moment after typing stops: announced politely, focus
    left where it is, no page load."""
    secretary = site.person("secretary")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        _new_agenda_item(page, site)
        panel = page.locator("section.easy-read-check")
        assert panel.is_hidden()
        page.evaluate("window.coprodSamePage = true")
        summary = page.locator("textarea[name=summary]")
        summary.click()
        summary.press_sequentially("We will talk about the homes that people can live in when they come out "
                                   "of hospital this year.", delay=5)
        panel.wait_for(state="visible", timeout=10000)
        page.wait_for_function("() => document.querySelector('[data-easy-read-status]').textContent.trim() !== ''")
        assert "This sentence has 19 words." in panel.inner_text()
        assert page.locator("[data-easy-read-status]").inner_text().startswith("We found 1 thing to look at.")
        assert page.evaluate("document.activeElement.name") == "summary"
        assert page.evaluate("window.coprodSamePage === true"), "the page was not reloaded"
        assert_page_ok(page, "easy-read check while typing")
        # Making it two short sentences clears the finding.
        summary.fill("")
        summary.press_sequentially("We will talk about homes. People can live there when they leave hospital.",
                                   delay=5)
        page.wait_for_function("() => document.querySelector('[data-easy-read-status]').textContent"
                               ".startsWith('We found nothing to change.')", timeout=10000)
        assert "This sentence has" not in panel.inner_text()
    finally:
        context.close()
