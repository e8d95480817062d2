"""Check-in on the day in Chromium (issue 17): the secretary's tablet camera sees a member's login card
(a fake camera playing a video of the card's QR code), the page reads it with jsQR and the member is
marked here; the tablet stays signed in as the secretary. Undo puts it back. axe-core and 44px targets
on the page, with the camera on and off; screenshots at tablet size."""

from __future__ import annotations

import os
import re
from pathlib import Path

import segno

from . import browser_support as bs
from .pages import SCREENSHOTS, assert_page_ok, set_viewport, sign_in

SHOTS = Path(os.environ.get("COPROD_SHOTS") or SCREENSHOTS)
WIDTH, HEIGHT = 640, 480


def write_y4m(text: str, path: Path, frames: int = 10) -> Path:
    """A short YUV4MPEG2 video (Chromium's fake camera plays it in a loop): a QR code of `text`, black on
    white, in the middle of each frame."""
    matrix = list(segno.make(text, error="m").matrix_iter(scale=8, border=4))
    size = len(matrix)
    assert size <= HEIGHT, "the QR code must fit in the frame"
    top, left = (HEIGHT - size) // 2, (WIDTH - size) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)  # white
    for y, row in enumerate(matrix):
        start = (top + y) * WIDTH + left
        luma[start:start + size] = bytes(16 if dark else 235 for dark in row)
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))  # no colour
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path


def _open_check_in(page, site) -> str:
    """The check-in page of a meeting that can still take check-ins (minutes not published)."""
    page.goto(site.base_url + "/boards/riverside-ld/meetings/manage")
    ids = sorted({int(m) for m in re.findall(r"/meetings/(\d+)/manage", page.content())})
    for meeting_id in ids:
        url = f"{site.base_url}/boards/riverside-ld/meetings/{meeting_id}/check-in"
        page.goto(url)
        if page.locator("[data-check-in-scan]").count():
            return url
    raise AssertionError("no demo meeting open for check-in")


def _person(page, name: str):
    return page.locator("li.check-in-list__person", has=page.get_by_text(name, exact=True))


def test_the_camera_reads_a_login_card_and_checks_the_person_in(site, browser, tmp_path):
    secretary, member = site.person("secretary"), site.person("member")
    video = write_y4m(site.base_url + member.path, tmp_path / "card.y4m")
    # Its own Chromium: the fake camera plays the card (the shared browser's fake camera shows a test pattern).
    camera_browser = browser.browser_type.launch(
        executable_path=bs.find_chromium(), headless=True,
        args=bs.CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                 f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera_browser.new_context(viewport={"width": 768, "height": 1024})
        context.grant_permissions(["camera"], origin=site.base_url)
        page = context.new_page()
        sign_in(page, site, secretary)
        url = _open_check_in(page, site)
        assert page.get_by_role("heading", level=1).inner_text() == "Check in"
        count = page.locator(".check-in-count__number").inner_text()
        assert re.fullmatch(r"\d+ here\. The meeting needs 5 \(quorum\)\.", count), count
        here_before = int(page.locator(".check-in-count__number").get_attribute("data-here"))
        person = _person(page, member.name)
        assert person.count() == 1 and person.get_by_role("button", name=re.compile(r"^Here")).count() == 1, \
            f"{member.name} is not checked in yet"
        # With JavaScript the camera part shows; the typed code and the names are there anyway.
        assert page.get_by_role("button", name="Start the camera").is_visible()
        assert not page.get_by_role("button", name="Stop the camera").is_visible()
        assert_page_ok(page, "check-in page", screenshot=False)
        bs.screenshot(page, SHOTS / "check-in-768.png")

        with page.expect_navigation(url=re.compile(r"/check-in(#.*)?$"), timeout=30_000):
            page.get_by_role("button", name="Start the camera").click()
        assert page.get_by_text(f"{member.name} is here. They are checked in.").is_visible()
        count = page.locator(".check-in-count__number")
        assert int(count.get_attribute("data-here")) == here_before + 1
        assert _person(page, member.name).get_by_role("button", name=re.compile(r"^Undo")).count() == 1

        # The camera starts again by itself for the next card; the same card is not sent again at once.
        page.wait_for_selector("[data-scan-video]:not([hidden])", timeout=15_000)
        assert page.locator("[data-scan-status]").inner_text() == "The camera is on. Hold the card still."
        assert page.get_by_role("button", name="Stop the camera").is_visible()
        assert not page.get_by_role("button", name="Start the camera").is_visible()
        assert_page_ok(page, "check-in page, camera on", screenshot=False)
        bs.screenshot(page, SHOTS / "check-in-camera-on-768.png")
        page.get_by_role("button", name="Stop the camera").click()
        assert page.locator("[data-scan-status]").inner_text() == "The camera is off."
        assert not page.locator("[data-scan-video]").is_visible()
        assert page.get_by_role("button", name="Start the camera").is_visible()

        # Never signed in as the member: the tablet is still the secretary's.
        page.goto(site.base_url + "/account")
        account = page.locator("main").inner_text()
        assert secretary.name in account and member.name not in account

        # At 320 px wide (reflow) and with the tablet turned: still no axe finding, targets still big.
        page.goto(url)
        for size in ("narrow", "tablet-landscape"):
            set_viewport(page, size)
            assert_page_ok(page, f"check-in page {size}", screenshot=False)
        set_viewport(page, "tablet-portrait")

        # Undo (and the demo site is left as it was for other tests).
        with page.expect_navigation():
            _person(page, member.name).get_by_role("button", name=re.compile(r"^Undo")).click()
        assert page.get_by_text(f"{member.name} is not checked in now.").is_visible()
        assert int(page.locator(".check-in-count__number").get_attribute("data-here")) == here_before
        context.close()
    finally:
        camera_browser.close()
