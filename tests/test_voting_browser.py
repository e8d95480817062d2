"""Voting on a tablet in Chromium: big picture cards, the check page, and the room screen."""

from __future__ import annotations

import re

import pytest

from test_accessibility import (ALL_VIEWPORTS, SCREENSHOTS, bs, browser, new_context, set_viewport,  # noqa: F401
                                sign_in, site)

pytestmark = pytest.mark.browser


def _assert_page_ok(page, what: str) -> None:
    violations = bs.run_axe(page)
    assert not violations, f"{what}: " + bs.format_violations(violations)
    small = [t for t in bs.small_targets(page) if not t["disabled"]]
    assert not small, f"{what}: small targets {small}"


def test_member_votes_by_tapping_a_picture_card_and_checks_it(site, browser):  # noqa: F811
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/boards/riverside-ld/votes")
        _assert_page_ok(page, "votes for you")
        page.get_by_role("link", name=re.compile("short breaks house")).click()
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            _assert_page_ok(page, f"proposal page {viewport}")
        set_viewport(page, "tablet-portrait")

        # The whole card is the touch target: tap the picture, not a tiny radio.
        page.locator("label.choice__label", has_text=re.compile(r"^\s*No\s*$")).locator("img").click()
        assert page.get_by_role("radio", name="No", exact=True).is_checked()
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Is that right?"
        assert "You chose No." in page.locator("main").inner_text()
        _assert_page_ok(page, "check page")
        bs.screenshot(page, SCREENSHOTS / "journey__vote-check.png")
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, count my vote").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Your vote is counted"
        _assert_page_ok(page, "vote counted")
        bs.screenshot(page, SCREENSHOTS / "journey__vote-counted.png")
    finally:
        context.close()


def test_results_and_room_screen_are_accessible(site, browser):  # noqa: F811
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
            _assert_page_ok(page, f"results {viewport}")
        set_viewport(page, "tablet-landscape")
        bs.screenshot(page, SCREENSHOTS / "journey__results.png")
        page.goto(page.url.replace("/results", "/screen"))
        set_viewport(page, "tablet-landscape")
        _assert_page_ok(page, "room screen")
        bs.screenshot(page, SCREENSHOTS / "journey__room-screen.png")
    finally:
        context.close()
