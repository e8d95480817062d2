"""Papers in Chromium: the next meeting's agenda shows each paper with its easy-read version first,
as big buttons that open the PDF; the secretary's item page lists them with what is missing. axe-core
and 44px targets; screenshots at 768 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import browser_support as bs
from .pages import SCREENSHOTS, assert_page_ok, new_context, sign_in

SHOTS = Path(os.environ.get("COPROD_SHOTS") or SCREENSHOTS)


def test_papers_on_the_agenda_and_the_secretarys_item_page(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("member"))
        page.goto(site.base_url + "/boards/riverside-ld/meetings/next")
        with page.expect_navigation():
            page.get_by_role("link", name="Read the agenda").click()
        papers = page.locator(".papers")
        assert papers.count() == 2
        easy = page.get_by_role("link", name=re.compile(r"^Easy read version \(PDF, 2 pages\)\s*: Housing plan 2027$"))
        assert easy.is_visible()
        assert "The council is writing it. It comes next week." in papers.nth(1).inner_text()
        assert_page_ok(page, "agenda with papers", screenshot=False)
        papers.first.scroll_into_view_if_needed()
        bs.screenshot(page, SHOTS / "papers-agenda-768.png")
        # The easy-read PDF opens (the browser gets the file, not a page about it).
        answer = page.request.get(site.base_url + easy.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        assert answer.body().startswith(b"%PDF-")

        context.close()
        context = new_context(browser)
        page = context.new_page()
        sign_in(page, site, site.person("secretary"))
        page.goto(site.base_url + "/boards/riverside-ld/meetings/next")
        with page.expect_navigation():
            page.get_by_role("link", name="Read the agenda").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Change this meeting").click()
        with page.expect_navigation():
            page.locator("a[href*='/items/']", has_text="Change").nth(1).click()
        assert page.locator("#papers").is_visible()
        assert "Easy read version: 2 pages." in page.locator(".paper-list").inner_text()
        assert_page_ok(page, "item page with papers", screenshot=False)
        page.locator("#papers").scroll_into_view_if_needed()
        bs.screenshot(page, SHOTS / "papers-item-768.png")
        with page.expect_navigation():
            page.get_by_role("link", name="Add a paper").click()
        assert_page_ok(page, "add a paper", screenshot=False)
        bs.screenshot(page, SHOTS / "papers-add-768.png")
    finally:
        context.close()
