"""The secretary's "to do" in Chromium (issue 14): on their home page and the board page, each a
number and a link; one tap from the board page to the question queue; the check page before
stopping questions early. axe-core and 44px targets; screenshots at 1024 px wide."""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import browser_support as bs
from .pages import SCREENSHOTS, assert_page_ok, new_context, set_viewport, sign_in

# Where the screenshots for the closing note go (COPROD_SHOTS=/tmp/shots, say); the usual folder otherwise.
SHOTS = Path(os.environ.get("COPROD_SHOTS") or SCREENSHOTS)


def test_the_secretarys_to_do_leads_to_the_queue(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("secretary"))
        set_viewport(page, "tablet-landscape")  # 1024 x 768
        page.goto(site.base_url + "/")
        todo = page.locator("section.todo").first
        assert todo.is_visible()
        words = todo.inner_text()
        assert re.search(r"\d+ questions? (is|are) waiting\.", words), words
        assert re.search(r"\d+ private questions? to look at\.", words), words
        assert re.search(r"\d+ actions? (is|are) late\.", words), words
        assert re.search(r"\d+ votes? to open or close\.", words), words
        assert_page_ok(page, "secretary home with to do", screenshot=False)
        bs.screenshot(page, SHOTS / "secretary-todo-home-1024.png")

        page.goto(site.base_url + "/boards/riverside-ld")
        assert page.locator("section.todo").first.is_visible()
        assert_page_ok(page, "board page with to do", screenshot=False)
        bs.screenshot(page, SHOTS / "secretary-todo-board-1024.png")

        # One tap from the board page to the question queue.
        with page.expect_navigation():
            page.locator("section.todo a.big-link").first.click()
        assert page.get_by_role("heading", level=1).inner_text() == "Questions to look at"
        assert page.get_by_role("heading", name="Private questions to look at").is_visible()
        assert_page_ok(page, "question queue", screenshot=False)
        bs.screenshot(page, SHOTS / "secretary-queue-1024.png")

        # The meeting taking questions: the check page before stopping them (no JavaScript needed).
        page.goto(site.base_url + "/boards/riverside-ld/meetings/manage")
        manage_links = page.locator("main a[href*='/meetings/'][href$='/manage']")
        for index in range(manage_links.count()):
            page.goto(site.base_url + "/boards/riverside-ld/meetings/manage")
            with page.expect_navigation():
                page.locator("main a[href*='/meetings/'][href$='/manage']").nth(index).click()
            stop = page.get_by_role("link", name=re.compile("^Stop taking questions now"))
            if stop.count():
                with page.expect_navigation():
                    stop.click()
                break
        assert page.get_by_role("heading", level=1).inner_text() == "Stop taking questions now?"
        assert re.search(r"\d+ questions? (is|are) still waiting for you\.", page.locator("main").inner_text())
        assert_page_ok(page, "stop questions check", screenshot=False)
        bs.screenshot(page, SHOTS / "secretary-stop-questions-1024.png")
    finally:
        context.close()
