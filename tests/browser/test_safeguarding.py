"""The safeguarding lead's pages in Chromium (issue 17): in the demo David is the lead, told about a
question marked private. His list and the concern pass axe-core and 44 px targets at tablet size and
at 320 px; a note sent empty gets its message next to the box; a note is saved. Nobody else sees them."""

from __future__ import annotations

import re

from .pages import assert_page_ok, new_context, set_viewport, sign_in


def test_the_lead_reads_a_concern_and_writes_what_was_done(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("commissioner"))  # David, the demo board's safeguarding lead
        page.goto(site.base_url + "/safeguarding")
        assert_page_ok(page, "safeguarding concerns")
        with page.expect_navigation():
            page.locator("main a[href^='/safeguarding/']").first.click()
        assert re.search(r"/safeguarding/\d+$", page.url)
        assert_page_ok(page, "a safeguarding concern")
        page.get_by_label("Not yet: keep it open").check()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save")).click()
        assert "Write what was done." in page.locator("main").inner_text()
        assert_page_ok(page, "a safeguarding concern with a message", screenshot=False)
        set_viewport(page, "narrow")
        assert_page_ok(page, "a safeguarding concern at 320 px", screenshot=False)
        page.get_by_label("What was done").fill("Rang her supporter. They are meeting on Friday.")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save")).click()
        assert "Saved." in page.locator("main").inner_text()
        assert "Rang her supporter." in page.locator("main").inner_text()
        context.close()

        context = new_context(browser)
        page = context.new_page()
        sign_in(page, site, site.person("member"))
        response = page.goto(site.base_url + "/safeguarding")
        assert response.status == 403
    finally:
        context.close()
