"""My reminders and the board's reminders in Chromium (issue 17): axe-core and 44px targets at tablet
size and at 320 px; a bad mobile number gets its message next to the box and what was typed is kept;
a good one is saved. No JavaScript is needed."""

from __future__ import annotations

import re

from .pages import assert_page_ok, new_context, set_viewport, sign_in


def test_a_member_chooses_text_reminders_and_the_secretary_sees_the_boards(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("member"))
        page.goto(site.base_url + "/settings/reminders")
        assert page.get_by_role("heading", level=1).inner_text() == "My reminders"
        assert_page_ok(page, "my reminders", screenshot=False)
        page.get_by_label("By text message").check()
        page.get_by_label("Your mobile phone number").fill("0770 09")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save my reminders")).click()
        assert page.get_by_role("alert").is_visible()
        assert "This does not look like a UK mobile number" in page.locator("main").inner_text()
        assert page.get_by_label("Your mobile phone number").input_value() == "0770 09"
        assert_page_ok(page, "my reminders with a message", screenshot=False)
        set_viewport(page, "narrow")  # 320 px wide
        assert_page_ok(page, "my reminders at 320 px", screenshot=False)
        page.get_by_label("Your mobile phone number").fill("07700 900123")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save my reminders")).click()
        assert "Your reminders are saved." in page.locator("main").inner_text()
        assert page.get_by_label("Your mobile phone number").input_value() == "07700 900123"
        context.close()

        context = new_context(browser)
        page = context.new_page()
        sign_in(page, site, site.person("secretary"))
        page.goto(site.base_url + "/boards/riverside-ld")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("^Reminders")).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Reminders this board sends"
        assert_page_ok(page, "the board's reminders", screenshot=False)
    finally:
        context.close()


def test_a_member_asks_for_the_pack_by_post_and_the_secretary_sees_it(site, browser):
    """The paper part of My reminders: a short address gets its message next to the box and keeps
    what was typed; a good one is saved; the secretary's "Packs by post" page lists the person with
    their address and a letter to print."""
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("member"))
        page.goto(site.base_url + "/settings/reminders")
        page.get_by_label("Post the meeting pack to me on paper").check()
        page.get_by_label("Your address").fill("7 Mill Lane\nRiverside")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save my reminders")).click()
        assert "Type your address on at least 3 lines" in page.locator("main").inner_text()
        assert page.get_by_label("Your address").input_value() == "7 Mill Lane\nRiverside"
        assert_page_ok(page, "my reminders with a short address")
        page.get_by_label("Your address").fill("7 Mill Lane\nRiverside\nrv1 2ab")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("^Save my reminders")).click()
        assert "Your reminders are saved." in page.locator("main").inner_text()
        assert page.get_by_label("Your address").input_value() == "7 Mill Lane\nRiverside\nRV1 2AB"
        member_name = site.person("member").name
        context.close()

        context = new_context(browser)
        page = context.new_page()
        sign_in(page, site, site.person("secretary"))
        page.goto(site.base_url + "/boards/riverside-ld/meetings/manage")
        ids = sorted({int(m) for m in re.findall(r"/meetings/(\d+)/manage", page.content())})
        for meeting_id in ids:
            page.goto(f"{site.base_url}/boards/riverside-ld/meetings/{meeting_id}/manage")
            with page.expect_navigation():
                page.get_by_role("link", name=re.compile("^Packs by post")).click()
            if page.get_by_role("link", name=re.compile("^The letter for")).count():
                break
        else:
            raise AssertionError("no demo meeting with a published agenda")
        assert page.get_by_role("heading", level=1).inner_text() == "Packs by post"
        text = page.locator("main").inner_text()
        assert member_name in text and "RV1 2AB" in text and "7 Mill Lane" in text
        assert_page_ok(page, "packs by post")
        set_viewport(page, "narrow")
        assert_page_ok(page, "packs by post at 320 px", screenshot=False)
    finally:
        context.close()


def test_the_admin_sees_the_messages_not_sent(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("admin"))
        page.goto(site.base_url + "/admin")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("^Messages not sent")).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Messages not sent"
        assert "It never shows phone numbers, addresses or the words." in page.locator("main").inner_text()
        assert_page_ok(page, "messages not sent")
        set_viewport(page, "narrow")
        assert_page_ok(page, "messages not sent at 320 px", screenshot=False)
    finally:
        context.close()
