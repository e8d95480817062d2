"""What browser tests share: the demo site's people, viewports, signing in, and the checks a page
must pass (axe-core, 44px targets). The fixtures that start the site and the browser are in
conftest.py beside this file; the axe and target-size machinery is in browser_support.py."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import browser_support as bs

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

ROLES = ["admin", "secretary", "commissioner", "member", "carer", "supporter"]
ALL_VIEWPORTS = list(bs.VIEWPORTS)        # tablet-portrait first: links, screenshot, skip link


@dataclass
class Person:
    role: str
    name: str
    path: str


@dataclass
class Site:
    """The running demo: its address, one person per role (with their login card's link), its log."""

    base_url: str
    people: list[Person]
    log: Path

    def person(self, role: str) -> Person:
        return next(p for p in self.people if p.role == role)


def new_context(browser, **kwargs):
    """A fresh browser profile (no cookies) on a tablet held upright."""
    width, height = bs.VIEWPORTS["tablet-portrait"]
    return browser.new_context(viewport={"width": width, "height": height}, **kwargs)


def set_viewport(page, name: str) -> None:
    width, height = bs.VIEWPORTS[name]
    page.set_viewport_size({"width": width, "height": height})


def sign_in(page, site: Site, person: Person) -> None:
    """Open the person's login card link and say "Yes, this is me", as they would."""
    page.goto(site.base_url + person.path)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Yes, this is me")).click()
    assert urlsplit(page.url).path != person.path, f"signing in as {person.role} stayed on the card page"
    assert page.locator("form[action$='/sign-out'] button").count() == 1, \
        f"no Sign out button after signing in as {person.role} ({person.name})"


def open_meeting(page, site: Site, title: str, *, manage: bool = False) -> None:
    """Open the meetings list (the secretary's, with `manage`) and click the meeting called `title`."""
    page.goto(site.base_url + "/boards/riverside-ld/meetings" + ("/manage" if manage else ""))
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(re.escape(title))).first.click()


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "home"


def assert_page_ok(page, what: str, screenshot: bool = True) -> None:
    """No axe-core violation and no touch target under 44x44 px; a screenshot for people to look at."""
    violations = bs.run_axe(page)
    assert not violations, f"{what}: " + bs.format_violations(violations)
    small = [t for t in bs.small_targets(page) if not t["disabled"]]
    assert not small, f"{what}: small targets {small}"
    if screenshot:
        bs.screenshot(page, SCREENSHOTS / f"journey__{slug(what)}.png")


def back_to_english(page, site: Site) -> None:
    """A language choice is saved for the member: put English back so other tests see English."""
    page.goto(site.base_url + "/")
    english = page.get_by_role("button", name="English", exact=True)
    if english.count():
        with page.expect_navigation():
            english.click()


def cookie_header(context) -> str:
    """The browser context's cookies as one Cookie header: audio of signed-in pages is private and
    its signed address works only for the person it was made for."""
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())


def check_audio_served(base_url: str, sources: dict[str, str], cookie: str = "") -> list[str]:
    """Each audio file a page points to answers 200 audio/mpeg, and 206 to a byte range (Safari needs it).
    `cookie`: the reader's cookies, for the private audio of the pages they were shown."""
    problems = []
    headers = {"Cookie": cookie} if cookie else {}
    for src, page_url in sources.items():
        try:
            with urllib.request.urlopen(urllib.request.Request(base_url + src, headers=headers),
                                        timeout=10) as response:
                body = response.read()
                whole = (response.status, response.headers.get_content_type())
            request = urllib.request.Request(base_url + src, headers={**headers, "Range": "bytes=0-99"})
            with urllib.request.urlopen(request, timeout=10) as response:
                part = (response.status, len(response.read()))
        except (urllib.error.URLError, OSError) as error:
            problems.append(f"{src} (from {page_url}): {error}")
            continue
        if whole != (200, "audio/mpeg") or len(body) < 100 or body[0] != 0xFF:
            problems.append(f"{src} (from {page_url}): answered {whole}, {len(body)} bytes")
        if part != (206, 100):
            problems.append(f"{src} (from {page_url}): a byte range answered {part}")
    return problems


def wait_for_audio(page, url: str, seconds: float = 150) -> None:
    """Reload until the worker has made the page's audio at both speeds (the first visit may say
    "not ready yet", and slow speed is made after normal)."""
    deadline = time.monotonic() + seconds
    page.goto(url)
    while page.locator("[data-listen-slot] a[href^='/audio/']").count() < 2:
        assert page.locator("[data-listen-slot] [data-listen]").count() == 1, "no Listen control"
        assert time.monotonic() < deadline, f"the audio for {url} was not ready after {seconds} s"
        time.sleep(1)
        page.goto(url)
