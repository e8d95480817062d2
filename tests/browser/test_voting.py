"""Voting on a tablet in Chromium: big picture cards, the check page, and the room screen."""

from __future__ import annotations

import re

from . import browser_support as bs
from .pages import ALL_VIEWPORTS, SCREENSHOTS, assert_page_ok, new_context, set_viewport, sign_in


def test_member_votes_by_tapping_a_picture_card_and_checks_it(site, browser):
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/boards/riverside-ld/votes")
        assert_page_ok(page, "votes for you", screenshot=False)
        page.get_by_role("link", name=re.compile("short breaks house")).click()
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            assert_page_ok(page, f"proposal page {viewport}", screenshot=False)
        set_viewport(page, "tablet-portrait")

        # The whole card is the touch target: tap the picture, not a tiny radio.
        page.locator("label.choice__label", has_text=re.compile(r"^\s*No\s*$")).locator("img").click()
        assert page.get_by_role("radio", name="No", exact=True).is_checked()
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Is that right?"
        assert "You chose No." in page.locator("main").inner_text()
        assert_page_ok(page, "check page", screenshot=False)
        bs.screenshot(page, SCREENSHOTS / "journey__vote-check.png")
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, count my vote").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Your vote is counted"
        assert_page_ok(page, "vote counted", screenshot=False)
        bs.screenshot(page, SCREENSHOTS / "journey__vote-counted.png")
    finally:
        context.close()


def test_results_and_room_screen_are_accessible(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(site.base_url + "/boards/riverside-ld/votes")
        sign_in(page, site, site.person("commissioner"))
        page.goto(site.base_url + "/boards/riverside-ld/votes")
        page.get_by_role("link", name=re.compile("next meeting be about")).click()
        text = page.locator("main").inner_text()
        assert "Most people chose Feeling safe." in text
        assert "9 people chose Feeling safe." in text
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            assert_page_ok(page, f"results {viewport}", screenshot=False)
        set_viewport(page, "tablet-landscape")
        bs.screenshot(page, SCREENSHOTS / "journey__results.png")
        page.goto(page.url.replace("/results", "/screen"))
        set_viewport(page, "tablet-landscape")
        assert_page_ok(page, "room screen", screenshot=False)
        bs.screenshot(page, SCREENSHOTS / "journey__room-screen.png")
    finally:
        context.close()
