"""Accessibility crawl: every page, every role, three tablet/phone sizes, in a real Chromium.

For each role we sign in with the login card, then follow every same-origin link breadth-first
from the home page and check each page with axe-core (WCAG 2.2 AA + best practice; every rule at
768x1024, the width-dependent rules at 1024x768 and 320x640), 44x44 px touch targets, one h1,
<html lang>, the skip link, the reserved Listen place and reflow at 320 px.
All problems are collected and reported together at the end, with a JSON summary and screenshots
in test-artifacts/. Also: every form's error state, and the member's pages in Welsh and Urdu.
The site and the browser come from conftest.py (the real demo, served by `coprod serve`).

Run:  .venv/bin/python -m pytest -q tests/browser/test_crawl.py -s
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright import sync_api

from . import browser_support as bs
from .pages import (ALL_VIEWPORTS, ARTIFACTS, PROJECT, ROLES, SCREENSHOTS, Site, back_to_english,
                    check_audio_served, cookie_header, new_context, set_viewport, sign_in, slug)

REPORT_FILE = ARTIFACTS / "a11y-report.json"

SIGNED_OUT = "signed-out"
# Pages every role must reach from the footer (and so have checked): the privacy page tells people
# what is kept about them (issue 13).
FOOTER_PAGES = ["/privacy", "/help"]
MAX_PER_PATTERN = 2
# Every page at all three widths. COPROD_CRAWL_EVERY_WIDTH=0: every page at 768x1024 (with the skip link
# and Listen checks) and only the first page of each address pattern at 1024x768 and 320x640 too (on
# the demo that is only 7% fewer checks: most patterns have one page).
EVERY_WIDTH_EVERY_PAGE = os.environ.get("COPROD_CRAWL_EVERY_WIDTH", "1") != "0"
# A screenshot of each role's first page of each pattern, for people to look through
# (test-artifacts/screenshots/); COPROD_CRAWL_SCREENSHOTS=0 leaves them out (.ci/run does: they are not checks).
CRAWL_SCREENSHOTS = os.environ.get("COPROD_CRAWL_SCREENSHOTS", "1") != "0"
SKIP_LINK_VIEWPORT = "tablet-portrait"
# Every axe rule at 768x1024; at the other widths only the rules whose answer can change with the width
# (our CSS changes sizes and columns with the width, never colours, and hides nothing), while the
# crawl's own checks (44 px targets, reflow, content spilling out, one h1) run at every width. A whole
# axe run costs about 1 s a page, these two rules about 0.2 s.
FULL_AXE_VIEWPORT = "tablet-portrait"
WIDTH_AXE_RULES = ["target-size", "scrollable-region-focusable"]
SCREENSHOT_VIEWPORT = "tablet-portrait"  # 768x1024

# Not pages: files and pictures (collect_links already drops /static/ and .svg/.png/... files).
# Also data files (open data downloads, the Atom feed, calendar files) and the JSON API: not pages for people.
# The picture library's pages are pages; its files (symbols, uploads, a picture waiting for its words) are not.
NOT_PAGES = re.compile(r"^/(static|audio|api)/|^/account/my-data/\d+/file$|^/pictures/(files/|new/|[^/]+\.svg)|\.(csv|json|atom|ics|pdf)$",
                       re.IGNORECASE)
# GET links that would sign someone in/out or change data if a careless app exposed them.
STATE_CHANGING = re.compile(
    # ".../remove" and ".../revoke" links open check pages (GET changes nothing), so they are crawled.
    r"/(sign-out|signout|logout|log-out|language|delete|stop|cards?)(/|$)"
    r"|/sign-in/link/",
    re.IGNORECASE,
)

_PAGE_FACTS_JS = r"""
() => {
  const h1s = [...document.querySelectorAll('h1')];
  const shown = h1s.filter(h => h.getClientRects().length > 0 &&
                                getComputedStyle(h).visibility !== 'hidden');
  const de = document.documentElement;
  return {
    h1: h1s.length,
    h1_visible: shown.length,
    h1_text: h1s.map(h => h.innerText.replace(/\s+/g, ' ').trim()),
    lang: de.getAttribute('lang'),
    listen_slots: document.querySelectorAll('[data-listen-slot]').length,
    listen: listenFacts(),
    scroll_width: Math.max(de.scrollWidth, document.body ? document.body.scrollWidth : 0),
    client_width: de.clientWidth,
    spills: spills(),
  };

  // The Listen control in its reserved place: a Listen button, or the plain "not ready yet".
  function listenFacts() {
    const slot = document.querySelector('[data-listen-slot]');
    if (!slot) return null;
    const play = slot.querySelector('[data-listen-play]');
    const audio = slot.querySelector('[data-listen-audio]');
    return {
      button: play && play.getClientRects().length
        ? (play.getAttribute('aria-label') || play.innerText).replace(/\s+/g, ' ').trim() : null,
      waiting: !!slot.querySelector('.listen--waiting'),
      text: slot.innerText.replace(/\s+/g, ' ').trim(),
      audio: audio ? [audio.getAttribute('data-normal-src'), audio.getAttribute('data-slow-src')].filter(Boolean) : [],
    };
  }

  // Boxes whose content sticks out sideways (words or pictures sliding under the next thing),
  // outside any box that scrolls on purpose.  Only the innermost such boxes are listed.
  function spills() {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX !== 'visible' || cs.visibility === 'hidden') continue;
      let scroller = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox !== 'visible' && ox !== 'clip') { scroller = true; break; }
      }
      if (!scroller) found.push(el);
    }
    return found.filter(el => !found.some(o => o !== el && el.contains(o))).slice(0, 10).map(el => {
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      const text = (el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 50);
      return `<${el.tagName.toLowerCase()}${cls}> ${el.scrollWidth}px of content in ${el.clientWidth}px: ${text}`;
    });
  }
}
"""

_ACTIVE_ELEMENT_JS = r"""
() => {
  const el = document.activeElement;
  if (!el) return null;
  return {tag: el.tagName.toLowerCase(), id: el.id || '',
          summary: el.hasAttribute('data-error-summary')};
}
"""

_RESET_FOCUS_JS = r"""
() => {
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
}
"""

_SUMMARY_LINKS_JS = r"""
() => {
  const summary = document.querySelector('[data-error-summary]');
  if (!summary) return null;
  return [...summary.querySelectorAll('a[href]')].map(a => {
    const href = a.getAttribute('href') || '';
    const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : null;
    const target = id ? document.getElementById(id) : null;
    // What a screen reader reads with the field: its own aria-describedby and its fieldset's.
    const described = [];
    if (target) {
      for (const holder of [target, target.closest('fieldset')]) {
        if (!holder) continue;
        for (const ref of (holder.getAttribute('aria-describedby') || '').split(/\s+/)) {
          const el = ref && document.getElementById(ref);
          if (el) described.push(el.innerText.replace(/\s+/g, ' ').trim());
        }
      }
    }
    return {
      text: a.innerText.replace(/\s+/g, ' ').trim(),
      href: href,
      target_tag: target ? target.tagName.toLowerCase() : null,
      target_invalid: !!target && (target.getAttribute('aria-invalid') === 'true' ||
                                   !!target.closest('fieldset') && target.type === 'radio'),
      described: described,
    };
  });
}
"""



# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report():
    """One JSON summary per module run; each test adds its section and rewrites the file."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data: dict = {}

    def write(**sections):
        data.update(sections)
        REPORT_FILE.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    return write


@dataclass
class Failure:
    role: str
    url: str
    viewport: str
    problem: str

    def as_dict(self) -> dict:
        return {"role": self.role, "url": self.url, "viewport": self.viewport, "problem": self.problem}


def failure_report(failures: list[Failure], base_url: str, limit: int = 30) -> str:
    """Failures grouped by problem, each with every (role, page, viewport) where it was seen."""
    groups: dict[str, list[Failure]] = {}
    for f in failures:
        groups.setdefault(f.problem, []).append(f)
    lines = [f"{len(failures)} accessibility problem(s), {len(groups)} different; "
             f"full list in {REPORT_FILE.relative_to(PROJECT)}:"]
    for problem, where in groups.items():
        body = problem.splitlines() or [""]
        lines.append("")
        lines.append("* " + body[0])
        lines.extend("      " + line for line in body[1:])
        lines.append(f"  seen {len(where)} time(s), role / page / viewport:")
        for f in where[:limit]:
            lines.append(f"    [{f.role}] {f.url.removeprefix(base_url) or '/'} @ {f.viewport}")
        if len(where) > limit:
            lines.append(f"    ... and {len(where) - limit} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------

# Pages named by a word, not a number: one page per word of the jargon buster (47 in the demo, for every
# role, half the crawl) is the same template with other words in it, so they count as one pattern.
WORD_PAGES = re.compile(r"^/jargon-buster/(?!new(/|$))[^/]+")


def pattern_of(url: str) -> str:
    """/boards/x/people/12?page=3 -> /boards/x/people/{id}?page={id}; /jargon-buster/vote -> /jargon-buster/{word}"""
    parts = urlsplit(url)
    path = WORD_PAGES.sub("/jargon-buster/{word}", parts.path or "/")
    path = "/".join("{id}" if seg.isdigit() else seg for seg in path.split("/"))
    query = sorted((k, "{id}" if v.isdigit() else v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


@dataclass
class CrawlResult:
    pages: list[str] = field(default_factory=list)
    checks: int = 0
    failures: list[Failure] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    audio: dict[str, str] = field(default_factory=dict)   # audio URL -> a page that uses it
    listen_waiting: int = 0


def check_page_at_viewport(page, role, url, viewport, result: CrawlResult, expect_lang=None):
    def fail(problem):
        result.failures.append(Failure(role, url, viewport, problem))

    result.checks += 1
    violations = bs.run_axe(page) if viewport == FULL_AXE_VIEWPORT else bs.run_axe(page, rules=WIDTH_AXE_RULES)
    if violations:
        fail("axe: " + bs.format_violations(violations))
    small = [t for t in bs.small_targets(page) if not t["disabled"]]
    if small:
        fail("targets under 44x44 px:\n" + "\n".join(
            f"{t['width']}x{t['height']}  <{t['tag']}> {t['text']!r}  {t['selector']}" for t in small))
    facts = page.evaluate(_PAGE_FACTS_JS)
    if facts["h1"] != 1 or facts["h1_visible"] != 1:
        fail(f"expected exactly one visible h1, found {facts['h1']} ({facts['h1_visible']} visible): "
             f"{facts['h1_text']}")
    if not facts["lang"] or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", facts["lang"]):
        fail(f"<html lang> not set to a language code: {facts['lang']!r}")
    elif expect_lang and facts["lang"] != expect_lang:
        fail(f'<html lang="{facts["lang"]}">, expected "{expect_lang}"')
    if facts["listen_slots"] < 1:
        fail("no reserved Listen place ([data-listen-slot])")
    elif viewport == SKIP_LINK_VIEWPORT:
        check_listen(facts["listen"], expect_lang or facts["lang"] or "en", url, result, fail)
    if facts["scroll_width"] > facts["client_width"] + 1:
        fail(f"page scrolls sideways: {facts['scroll_width']}px wide content in a "
             f"{facts['client_width']}px window (WCAG 1.4.10 reflow)")
    if facts["spills"]:
        fail("content sticks out of its box (overlaps what is next to it):\n" + "\n".join(facts["spills"]))
    if viewport == SKIP_LINK_VIEWPORT:
        info = bs.skip_link_ok(page)
        english = (expect_lang or facts["lang"] or "").startswith("en")
        ok = (info is not None and info["tag"] == "a" and info["href"].startswith("#")
              and info["target_found"] and info["in_viewport"]
              and info["width"] >= 44 and info["height"] >= 44
              and bool(info["text"]) and (not english or info["text"].startswith("Skip")))
        if not ok:
            fail(f"first Tab does not reach a working, visible 44px skip link: {info}")
        # While the skip link shows it must not cover or crowd other targets (axe 2.5.8 rule).
        shown = bs.run_axe(page, tags=["wcag22aa"])
        if shown:
            fail("with the skip link focused: axe: " + bs.format_violations(shown))
        page.evaluate(_RESET_FOCUS_JS)  # the other viewports see the page at rest


LISTEN_WORD = {"en": "Listen", "cy": "Gwrando", "ur": "سنیں"}


def check_listen(listen: dict, lang: str, url: str, result: CrawlResult, fail) -> None:
    """A Listen button (its name starts with "Listen"), or a plain message that audio is not ready."""
    word = LISTEN_WORD[lang.split("-")[0]]
    if listen["button"] is not None:
        if not listen["button"].startswith(word):
            fail(f"the Listen button's name does not start with {word!r}: {listen['button']!r}")
        for src in listen["audio"]:
            result.audio.setdefault(src, url)
    elif listen["waiting"]:
        result.listen_waiting += 1
        if not listen["text"].startswith(word):
            fail(f"the audio-not-ready message does not start with {word!r}: {listen['text']!r}")
    else:
        fail(f"the Listen place holds neither a Listen button nor a not-ready message: {listen['text']!r}")


def crawl(page, site: Site, role: str, viewports: list[str], expect_lang=None,
          screenshots: bool = True) -> CrawlResult:
    """Breadth-first over same-origin links from "/", at most MAX_PER_PATTERN URLs per pattern."""
    result = CrawlResult()
    start = site.base_url + "/"
    queue = deque([start])
    seen = {start}
    per_pattern = Counter({pattern_of(start): 1})
    checked_finals: set[str] = set()
    shot_patterns: set[str] = set()
    widths_done: set[str] = set()

    while queue:
        url = queue.popleft()
        set_viewport(page, viewports[0])
        try:
            response = page.goto(url, wait_until="load")
        except sync_api.Error as exc:
            result.failures.append(Failure(role, url, viewports[0], f"page did not load: {exc}"))
            continue
        final = page.url.split("#", 1)[0]
        if final in checked_finals:  # a redirect to a page already checked
            continue
        checked_finals.add(final)
        seen.add(final)
        result.pages.append(final.removeprefix(site.base_url) or "/")
        status = response.status if response else None
        if status is None or status >= 400:
            result.failures.append(Failure(role, final, "-", f"answered with HTTP status {status}"))

        for link in bs.collect_links(page, site.base_url):
            path = urlsplit(link).path
            if link in seen or NOT_PAGES.search(path) or STATE_CHANGING.search(path):
                continue
            seen.add(link)
            key = pattern_of(link)
            if per_pattern[key] >= MAX_PER_PATTERN:
                continue
            per_pattern[key] += 1
            queue.append(link)

        # Every page at the first width; the first page of each pattern at every width too.
        key = pattern_of(final)
        widths = viewports if EVERY_WIDTH_EVERY_PAGE or key not in widths_done else viewports[:1]
        widths_done.add(key)
        for viewport in widths:
            if viewport != viewports[0]:
                set_viewport(page, viewport)
            if screenshots and CRAWL_SCREENSHOTS and viewport == SCREENSHOT_VIEWPORT:
                if key not in shot_patterns:
                    shot_patterns.add(key)
                    result.patterns.append(key)
                    bs.screenshot(page, SCREENSHOTS / f"{role}__{slug(key)}.png")
            check_page_at_viewport(page, role, final, viewport, result, expect_lang)
    return result


# Pages the crawl must reach by following links (as each role), so new pages cannot hide from it.
# The secretary's to do (home, board page) links to the question queue; a meeting taking questions
# links to the check page before stopping questions early (issue 14), a meeting's manage page to the
# list of who is coming (issue 17).
MUST_REACH = {
    "secretary": ["/boards/riverside-ld/meetings/{id}/questions/manage",
                  "/boards/riverside-ld/meetings/{id}/stop-questions",
                  "/boards/riverside-ld/meetings/{id}/attendance"],
    # "Are you coming?" on the meeting page leads to the form (issue 17).
    "member": ["/my-questions", "/boards/riverside-ld/meetings/{id}/coming?answer=yes"],
}


def test_every_page_passes_axe_for_every_role(site, browser, report):
    started = time.monotonic()
    failures: list[Failure] = []
    pages_per_role: dict[str, list[str]] = {}
    total_checks = 0
    audio: dict[str, str] = {}
    audio_problems: list[str] = []
    waiting = 0
    for role in [SIGNED_OUT, *ROLES]:
        context = new_context(browser)
        try:
            page = context.new_page()
            if role != SIGNED_OUT:
                sign_in(page, site, site.person(role))
            result = crawl(page, site, role, ALL_VIEWPORTS)
            # Fetched as this reader: the audio of pages only they may see is theirs alone.
            audio_problems += check_audio_served(site.base_url, result.audio, cookie_header(context))
        finally:
            context.close()
        assert result.pages, f"{role}: nothing was crawled"
        missing = [path for path in FOOTER_PAGES if path not in result.pages]
        assert not missing, f"{role}: the crawl never reached {missing} (a page every footer links to)"
        pages_per_role[role] = result.pages
        total_checks += result.checks
        failures.extend(result.failures)
        audio.update(result.audio)
        waiting += result.listen_waiting

    pages_checked = sum(len(p) for p in pages_per_role.values())
    failures += [Failure("-", "-", "-", "audio: " + problem) for problem in audio_problems]
    for role, patterns in MUST_REACH.items():
        reached = {pattern_of(site.base_url + path) for path in pages_per_role.get(role, [])}
        failures += [Failure(role, pattern, "-", "the crawl did not reach this page by its links")
                     for pattern in patterns if pattern not in reached]
    seconds = round(time.monotonic() - started, 1)
    print(f"\nListen: {pages_checked - waiting} pages had their audio ready, {waiting} said not ready yet; "
          f"{len(audio)} audio files served with byte ranges")
    print(f"\naccessibility crawl: {pages_checked} pages checked "
          f"({', '.join(f'{r} {len(p)}' for r, p in pages_per_role.items())}); "
          f"{total_checks} page checks at {len(ALL_VIEWPORTS)} viewports; "
          f"{len(failures)} failures; {seconds} s")
    report(
        pages_checked=pages_checked,
        pages_per_role={r: len(p) for r, p in pages_per_role.items()},
        urls_per_role=pages_per_role,
        total_page_checks=total_checks,
        viewports={name: f"{w}x{h}" for name, (w, h) in bs.VIEWPORTS.items()},
        seconds=seconds,
        failures=[f.as_dict() for f in failures],
        listen={"audio_ready_pages": pages_checked - waiting, "not_ready_pages": waiting,
                "audio_files_checked": len(audio)},
    )
    assert not failures, failure_report(failures, site.base_url)


# ---------------------------------------------------------------------------
# Forms in their error state
# ---------------------------------------------------------------------------

SIGNED_OUT_FORMS = ["/sign-in/code", "/sign-in/email", "/sign-in/password"]
SECRETARY_FORMS = ["/boards/riverside-ld/people/new", "/boards/riverside-ld/said-did/new", "/pictures/new",
                   "/boards/riverside-ld/said-did/1/actions/new", "/boards/riverside-ld/said-did/1/actions/1",
                   "/jargon-buster/new", "/boards/riverside-ld/languages/record/1/version",
                   "/boards/riverside-ld/languages/record/1/checked/en"]


def check_error_state(page, site: Site, role: str, path: str) -> list[Failure]:
    failures: list[Failure] = []
    url = site.base_url + path

    def fail(viewport, problem):
        failures.append(Failure(role, url, viewport, problem))

    set_viewport(page, "tablet-portrait")
    response = page.goto(url)
    if response is None or response.status >= 400:
        fail("-", f"form page answered with HTTP status {response and response.status}")
        return failures
    # The form's own button (a picture picker's "Find pictures" comes before it and saves nothing).
    submit = page.locator("main form[method=post] button[type=submit]:not([data-find-pictures])").first
    with page.expect_navigation():
        submit.click()
    page.wait_for_load_state("load")

    summary = page.locator("[data-error-summary]")
    if summary.count() != 1:
        fail("-", f"sending the empty form did not show one error summary (found {summary.count()})")
        return failures
    active = page.evaluate(_ACTIVE_ELEMENT_JS)
    if not (active and active["summary"]):
        fail("-", f"focus is not on the error summary after the page loads; focused: {active}")
    links = page.evaluate(_SUMMARY_LINKS_JS) or []
    if not links:
        fail("-", "the error summary has no links to the fields")
    for link in links:
        if link["target_tag"] not in ("input", "textarea", "select"):
            fail("-", f"error summary link {link['text']!r} ({link['href']}) does not point at a field "
                      f"(target: {link['target_tag']})")
        else:
            if not link["target_invalid"]:
                fail("-", f"the field behind {link['text']!r} ({link['href']}) is not marked aria-invalid")
            if not any(link["text"] in text for text in link["described"]):
                fail("-", f"the message {link['text']!r} is not next to its field ({link['href']}) and read "
                          f"out with it (aria-describedby gives {link['described']})")
    if links and links[0]["target_tag"]:
        # Following the first summary link puts the cursor in that field.
        target_id = links[0]["href"][1:]
        page.locator("[data-error-summary] a[href]").first.click()
        focused = page.evaluate(_ACTIVE_ELEMENT_JS)
        if not focused or focused["id"] != target_id:
            fail("-", f"following {links[0]['href']} did not focus the field; focused: {focused}")
        page.evaluate(_RESET_FOCUS_JS)

    for viewport in ALL_VIEWPORTS:
        set_viewport(page, viewport)
        violations = bs.run_axe(page)
        if violations:
            fail(viewport, "axe: " + bs.format_violations(violations))
        small = [t for t in bs.small_targets(page) if not t["disabled"]]
        if small:
            fail(viewport, "targets under 44x44 px:\n" + "\n".join(
                f"{t['width']}x{t['height']}  <{t['tag']}> {t['text']!r}  {t['selector']}" for t in small))
    set_viewport(page, SCREENSHOT_VIEWPORT)
    bs.screenshot(page, SCREENSHOTS / f"{role}__error__{slug(path)}.png")
    return failures


def test_form_errors_are_accessible(site, browser, report):
    failures: list[Failure] = []
    checked = []
    for role, paths in [(SIGNED_OUT, SIGNED_OUT_FORMS), ("secretary", SECRETARY_FORMS)]:
        context = new_context(browser)
        try:
            page = context.new_page()
            if role != SIGNED_OUT:
                sign_in(page, site, site.person(role))
            for path in paths:
                failures.extend(check_error_state(page, site, role, path))
                checked.append(f"{role} {path}")
        finally:
            context.close()
    report(forms={"checked": checked, "failures": [f.as_dict() for f in failures]})
    assert not failures, failure_report(failures, site.base_url)


# ---------------------------------------------------------------------------
# Welsh and Urdu
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("language, button", [("cy", "Cymraeg"), ("ur", "اردو")])
def test_other_language_pages_pass_axe(site, browser, report, language, button):
    """The member's pages in Welsh, and in Urdu (right to left)."""
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/")
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
        try:
            assert page.evaluate("document.documentElement.lang") == language, f"the {button} button did not switch"
            if language == "ur":
                assert page.evaluate("document.documentElement.dir") == "rtl"
                # Mirrored: the picture beside the heading is on the right, where reading starts.
                picture = page.locator(".page-heading img").bounding_box()
                heading = page.locator(".page-heading h1").bounding_box()
                assert picture["x"] > heading["x"], (picture, heading)
                bs.screenshot(page, SCREENSHOTS / "journey__urdu-home-rtl.png")
            result = crawl(page, site, f"member-{language}", ["tablet-portrait"], expect_lang=language)
        finally:
            back_to_english(page, site)
    finally:
        context.close()
    print(f"\n{button} crawl: {len(result.pages)} pages checked; {len(result.failures)} failures")
    report(**{button: {"pages_checked": len(result.pages), "urls": result.pages,
                       "total_page_checks": result.checks,
                       "failures": [f.as_dict() for f in result.failures]}})
    assert not result.failures, failure_report(result.failures, site.base_url)


# ---------------------------------------------------------------------------
# The privacy page, alone (quick to run on its own)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "cy", "ur"])
def test_the_privacy_page_passes_axe_in_every_language(site, browser, language):
    """Signed out, at every width: axe-core, 44 px targets, the Listen place, its own language."""
    context = new_context(browser)
    try:
        page = context.new_page()
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            response = page.goto(f"{site.base_url}/privacy?lang={language}", wait_until="load")
            assert response is not None and response.status == 200
            assert page.evaluate("document.documentElement.lang") == language
            assert page.locator("[data-listen-slot]").count() == 1
            assert page.locator(".easy-read img").count() >= 10, "a picture beside each point"
            violations = bs.run_axe(page)
            assert not violations, f"{language} {viewport}: " + bs.format_violations(violations)
            small = [t for t in bs.small_targets(page) if not t["disabled"]]
            assert not small, f"{language} {viewport}: targets under 44x44 px {small}"
    finally:
        context.close()
