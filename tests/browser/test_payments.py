"""Involvement payments in Chromium (issue 17): Sam, who came to the last meeting, claims his payment
and bus fare with a photo of the ticket; the secretary finds the claim from the meeting, approves it
and marks it paid; Sam sees "Paid.". axe-core and 44px targets on each page, at tablet and 320 px."""

from __future__ import annotations

import io
import re

from PIL import Image

from coprod.demo import PAST_MEETING_DAYS, meeting_title

from .pages import assert_page_ok, new_context, open_meeting, set_viewport, sign_in


def _ticket() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 240), (255, 255, 230)).save(out, "PNG")
    return out.getvalue()


def _check_both_sizes(page, what: str) -> None:
    for viewport in ("tablet-portrait", "narrow"):
        set_viewport(page, viewport)
        assert_page_ok(page, f"{what} ({viewport})")
    set_viewport(page, "tablet-portrait")


def test_a_member_claims_and_the_secretary_pays(site, browser):
    title = meeting_title(PAST_MEETING_DAYS)
    sam_context, office_context = new_context(browser), new_context(browser)
    try:
        sam = sam_context.new_page()
        sign_in(sam, site, site.person("member"))
        open_meeting(sam, site, title)
        with sam.expect_navigation():
            sam.get_by_role("link", name="Claim your payment").click()
        assert sam.get_by_role("heading", level=1).inner_text() == "Your payment for coming"
        _check_both_sizes(sam, "payment claim form")
        sam.get_by_label("How much did your travel cost?").fill("3.20")
        sam.get_by_label("A photo of your ticket or receipt").set_input_files(
            {"name": "ticket.png", "mimeType": "image/png", "buffer": _ticket()})
        sam.get_by_label("Name on the bank account").fill("Sam Taylor")
        sam.get_by_label("Sort code").fill("12-34-56")
        sam.get_by_label("Account number").fill("12345678")
        with sam.expect_navigation():
            sam.get_by_role("button", name="Send my claim").click()
        main = sam.locator("main").inner_text()
        assert "Total: £28.20." in main and "Bank account ending 5678." in main and "12345678" not in main
        _check_both_sizes(sam, "payment claim sent")

        office = office_context.new_page()
        sign_in(office, site, site.person("secretary"))
        open_meeting(office, site, title, manage=True)
        with office.expect_navigation():
            office.get_by_role("link", name=re.compile("^Payments and expenses")).click()
        _check_both_sizes(office, "payment claims of a meeting")
        with office.expect_navigation():
            office.get_by_role("link", name="Sam Taylor").click()
        _check_both_sizes(office, "one payment claim")
        with office.expect_navigation():
            office.get_by_role("button", name="Approve the claim").click()
        with office.expect_navigation():
            office.get_by_role("button", name="Mark it paid").click()
        assert "Paid." in office.locator("main").inner_text()

        sam.reload()
        assert "Paid." in sam.locator("main").inner_text()
    finally:
        sam_context.close()
        office_context.close()
