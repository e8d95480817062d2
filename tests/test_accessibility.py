"""Accessibility crawl: every page, every role, three tablet/phone sizes, in a real Chromium.

A real server (`coprod serve`: gunicorn + worker) runs on demo data in a throw-away
instance folder.  For each role we sign in with the login card, then follow every
same-origin link breadth-first from the home page and check each page with axe-core
(WCAG 2.2 AA + best practice), 44x44 px touch targets, one h1, <html lang>, the skip
link, the reserved Listen place and reflow at 320 px.  All problems are collected and
reported together at the end, with a JSON summary and screenshots in test-artifacts/.

Run:  .venv/bin/python -m pytest -q tests/test_accessibility.py -s
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

try:
    import browser_support as bs
except ImportError:  # tests/ turned into a package
    from tests import browser_support as bs

pytestmark = pytest.mark.browser

# A missing browser is a failure, not a skip: scripts/test installs Debian's chromium.
assert bs.find_chromium(), "Chromium is missing: run scripts/test (it installs it) or apt-get install chromium"

from playwright import sync_api  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
REPORT_FILE = ARTIFACTS / "a11y-report.json"

ROLES = ["admin", "secretary", "commissioner", "member", "carer", "supporter"]
SIGNED_OUT = "signed-out"
MAX_PER_PATTERN = 2
SKIP_LINK_VIEWPORT = "tablet-portrait"
SCREENSHOT_VIEWPORT = "tablet-portrait"  # 768x1024
ALL_VIEWPORTS = list(bs.VIEWPORTS)        # tablet-portrait first: links, screenshot, skip link

# Not pages: files and pictures (collect_links already drops /static/ and .svg/.png/... files).
# Also data files (open data downloads, the Atom feed) and the JSON API: not pages for people.
# The picture library's pages are pages; its files (symbols, uploads, a picture waiting for its words) are not.
NOT_PAGES = re.compile(r"^/(static|audio|api)/|^/pictures/(files/|new/|[^/]+\.svg)|\.(csv|json|atom)$",
                       re.IGNORECASE)
# GET links that would sign someone in/out or change data if a careless app exposed them.
STATE_CHANGING = re.compile(
    r"/(sign-out|signout|logout|log-out|language|revoke|delete|remove|stop|cards?)(/|$)"
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
# Server
# ---------------------------------------------------------------------------

@dataclass
class Person:
    role: str
    name: str
    path: str


@dataclass
class Site:
    base_url: str
    people: list[Person]
    log: Path

    def person(self, role: str) -> Person:
        return next(p for p in self.people if p.role == role)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env(instance: Path, base_url: str) -> dict:
    # Nothing from the caller's COPROD_* settings (or conftest's) leaks into the server.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("COPROD_") or k == "COPROD_CHROMIUM"}
    env.update(
        COPROD_INSTANCE_PATH=str(instance),
        COPROD_PUBLIC_URL=base_url,
        COPROD_SECRET_KEY="a11y-test-secret-key-not-for-production",
        COPROD_QUEUE_URL=f"sqlite:///{instance / 'queue.sqlite'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _parse_people(stdout: str) -> list[Person]:
    people = []
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ROLES and parts[-1].startswith("/card/"):
            people.append(Person(parts[0], " ".join(parts[1:-1]), parts[-1]))
    return people


def _stop(proc: subprocess.Popen) -> None:
    """Stop `coprod serve` and everything it started (its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    # Children (gunicorn master + workers, the queue worker) may outlive the parent.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    instance = folder / "instance"
    instance.mkdir()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = _child_env(instance, base_url)

    demo = subprocess.run([sys.executable, "-m", "coprod.cli", "demo-data"], env=env, cwd=PROJECT,
                          capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, f"demo-data failed:\n{demo.stdout}\n{demo.stderr}"
    people = _parse_people(demo.stdout)
    missing = [r for r in ROLES if not any(p.role == r for p in people)]
    assert not missing, f"demo-data printed no person for {missing}:\n{demo.stdout}"

    log = folder / "server.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coprod.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env, cwd=PROJECT, stdout=log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"coprod serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(base_url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{base_url}/ did not answer 200 within 30 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield Site(base_url, people, log)
    finally:
        _stop(proc)


# ---------------------------------------------------------------------------
# Browser, report
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        # A fake microphone (a steady beep), allowed without asking: spoken questions are recorded for real.
        b = bs.launch_browser(pw, extra_args=["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
        try:
            yield b
        finally:
            b.close()


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


def new_context(browser):
    width, height = bs.VIEWPORTS["tablet-portrait"]
    return browser.new_context(viewport={"width": width, "height": height})


def set_viewport(page, name: str) -> None:
    width, height = bs.VIEWPORTS[name]
    page.set_viewport_size({"width": width, "height": height})


def sign_in(page, site: Site, person: Person) -> None:
    page.goto(site.base_url + person.path)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Yes, this is me")).click()
    assert urlsplit(page.url).path != person.path, f"signing in as {person.role} stayed on the card page"
    assert page.locator("form[action$='/sign-out'] button").count() == 1, \
        f"no Sign out button after signing in as {person.role} ({person.name})"


# ---------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------

def pattern_of(url: str) -> str:
    """/boards/x/people/12?page=3 -> /boards/x/people/{id}?page={id}"""
    parts = urlsplit(url)
    path = "/".join("{id}" if seg.isdigit() else seg for seg in (parts.path or "/").split("/"))
    query = sorted((k, "{id}" if v.isdigit() else v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "home"


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
    violations = bs.run_axe(page)
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


def check_audio_served(base_url: str, sources: dict[str, str]) -> list[str]:
    """Each audio file a page points to answers 200 audio/mpeg, and 206 to a byte range (Safari needs it)."""
    problems = []
    for src, page_url in sources.items():
        try:
            with urllib.request.urlopen(base_url + src, timeout=10) as response:
                body = response.read()
                whole = (response.status, response.headers.get_content_type())
            request = urllib.request.Request(base_url + src, headers={"Range": "bytes=0-99"})
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

        for viewport in viewports:
            if viewport != viewports[0]:
                set_viewport(page, viewport)
            if screenshots and viewport == SCREENSHOT_VIEWPORT:
                key = pattern_of(final)
                if key not in shot_patterns:
                    shot_patterns.add(key)
                    result.patterns.append(key)
                    bs.screenshot(page, SCREENSHOTS / f"{role}__{slug(key)}.png")
            check_page_at_viewport(page, role, final, viewport, result, expect_lang)
    return result


def test_every_page_passes_axe_for_every_role(site, browser, report):
    started = time.monotonic()
    failures: list[Failure] = []
    pages_per_role: dict[str, list[str]] = {}
    total_checks = 0
    audio: dict[str, str] = {}
    waiting = 0
    for role in [SIGNED_OUT, *ROLES]:
        context = new_context(browser)
        try:
            page = context.new_page()
            if role != SIGNED_OUT:
                sign_in(page, site, site.person(role))
            result = crawl(page, site, role, ALL_VIEWPORTS)
        finally:
            context.close()
        assert result.pages, f"{role}: nothing was crawled"
        pages_per_role[role] = result.pages
        total_checks += result.checks
        failures.extend(result.failures)
        audio.update(result.audio)
        waiting += result.listen_waiting

    pages_checked = sum(len(p) for p in pages_per_role.values())
    audio_problems = check_audio_served(site.base_url, audio)
    failures += [Failure("-", "-", "-", "audio: " + problem) for problem in audio_problems]
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


def _back_to_english(page, site) -> None:
    """A language choice is saved for the member: put English back so other tests see English."""
    page.goto(site.base_url + "/")
    english = page.get_by_role("button", name="English", exact=True)
    if english.count():
        with page.expect_navigation():
            english.click()


# ---------------------------------------------------------------------------
# Welsh
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
            _back_to_english(page, site)
    finally:
        context.close()
    print(f"\n{button} crawl: {len(result.pages)} pages checked; {len(result.failures)} failures")
    report(**{button: {"pages_checked": len(result.pages), "urls": result.pages,
                       "total_page_checks": result.checks,
                       "failures": [f.as_dict() for f in result.failures]}})
    assert not result.failures, failure_report(result.failures, site.base_url)


# ---------------------------------------------------------------------------
# Whole journeys, as people do them
# ---------------------------------------------------------------------------

def _assert_page_ok(page, what: str) -> None:
    violations = bs.run_axe(page)
    assert not violations, f"{what}: " + bs.format_violations(violations)
    small = [t for t in bs.small_targets(page) if not t["disabled"]]
    assert not small, f"{what}: small targets {small}"
    bs.screenshot(page, SCREENSHOTS / f"journey__{slug(what)}.png")


def test_carer_signs_in_switches_to_welsh_large_text_helper_and_signs_out(site, browser):
    """The foundation's 'done' journey, on a tablet: card link, Welsh, large text, help, sign out."""
    carer = site.person("carer")
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(site.base_url + carer.path)
        assert page.get_by_role("heading", level=1).inner_text() == "Is this you?"
        _assert_page_ok(page, "card link")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^Yes, this is me")).click()
        assert f"Hello {carer.name}" in page.get_by_role("heading", level=1).inner_text()

        with page.expect_navigation():
            page.get_by_role("button", name="Cymraeg", exact=True).click()
        assert page.evaluate("document.documentElement.lang") == "cy"
        _assert_page_ok(page, "home in Welsh")

        # My settings, in Welsh: tap the whole "large text" card, then save.
        page.goto(site.base_url + "/settings")
        page.locator("label[for=text_size-1]").click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "text-large" in page.evaluate("document.documentElement.className")
        _assert_page_ok(page, "settings saved, large text, Welsh")

        # Someone is helping me: the supporter on the board.
        page.goto(site.base_url + "/helping")
        supporter = site.person("supporter")
        page.locator("label", has_text=supporter.name).click()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        banner = page.locator(".helping-banner").inner_text()
        assert supporter.name in banner
        _assert_page_ok(page, "helped by a supporter, Welsh")

        with page.expect_navigation():
            page.locator("form[action$='/sign-out'] button").click()
        assert urlsplit(page.url).path == "/signed-out"
        assert page.locator("form[action$='/sign-out']").count() == 0
        _assert_page_ok(page, "signed out, Welsh")
        page.goto(site.base_url + "/account")
        assert urlsplit(page.url).path == "/sign-in", "signed out for real"
    finally:
        context.close()


def test_secretary_prints_a_login_card_that_signs_the_person_in(site, browser):
    secretary = site.person("secretary")
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        page.goto(site.base_url + "/boards/riverside-ld/people")
        page.get_by_role("link", name=member.name, exact=True).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Make a new login card").click()
        for viewport in ALL_VIEWPORTS:
            set_viewport(page, viewport)
            _assert_page_ok(page, f"printable card {viewport}")
        set_viewport(page, "tablet-portrait")
        code = page.locator(".login-card__code").inner_text()
        page.emulate_media(media="print")
        bs.screenshot(page, SCREENSHOTS / "journey__card-printed.png")
        assert not page.locator(".site-header").is_visible(), "only the card is printed"
        assert page.locator(".login-card").is_visible()
    finally:
        context.close()

    # The short code on the new card signs the member in on another tablet.
    tablet = new_context(browser)
    try:
        page = tablet.new_page()
        page.goto(site.base_url + "/sign-in/code")
        page.get_by_label("Your code").fill(code)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert f"Hello {member.name}" in page.get_by_role("heading", level=1).inner_text()
    finally:
        tablet.close()


# ---------------------------------------------------------------------------
# Listen: the audio a worker made, played in the browser
# ---------------------------------------------------------------------------

_AUDIO_STATE_JS = r"""
() => {
  const audio = document.querySelector('[data-listen-audio]');
  const current = document.querySelector('.listen-current');
  return {paused: audio.paused, time: audio.currentTime, src: audio.getAttribute('src'),
          highlighted: current ? current.innerText.replace(/\s+/g, ' ').trim() : null,
          sentence: (() => { const h = CSS.highlights.get('listen-sentence');
                             for (const range of h || []) return range.toString(); return null; })(),
          label: document.querySelector('[data-listen-play]').innerText.replace(/\s+/g, ' ').trim()};
}
"""


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


def test_listen_plays_the_page_at_normal_and_slow_speed_and_highlights_what_it_reads(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        wait_for_audio(page, site.base_url + "/help")
        listen = page.get_by_role("button", name=re.compile(r"^Listen"))
        assert listen.count() == 1
        for viewport in ("tablet-portrait", "narrow"):
            set_viewport(page, viewport)
            _assert_page_ok(page, f"help page with Listen {viewport}")
        set_viewport(page, "tablet-portrait")

        sources = [page.locator("[data-listen-audio]").get_attribute(f"data-{speed}-src") for speed in ("normal", "slow")]
        assert not check_audio_served(site.base_url, {src: "/help" for src in sources})

        listen.click()
        page.wait_for_function("() => { const a = document.querySelector('[data-listen-audio]');"
                               " return !a.paused && a.currentTime > 0.2; }", timeout=15000)
        state = page.evaluate(_AUDIO_STATE_JS)
        assert state["label"] == "Pause"
        assert state["highlighted"] == "Help", state  # the heading is read first, and highlighted
        page.wait_for_function("() => (document.querySelector('.listen-current') || {}).innerText === 'Signing in'",
                               timeout=15000)
        # The sentence being read is highlighted inside its block (CSS Highlight API), and kept in view.
        sentence = "Point your tablet camera at the square picture on the card."
        page.wait_for_function(f"() => {{ const h = CSS.highlights.get('listen-sentence');"
                               f" for (const r of h || []) return r.toString() === {sentence!r}; return false; }}",
                               timeout=20000)
        state = page.evaluate(_AUDIO_STATE_JS)
        assert state["highlighted"] == sentence + " Then tap the link.", state
        assert page.locator(".listen-current").is_visible()
        bs.screenshot(page, SCREENSHOTS / "journey__listen-playing-768.png")
        set_viewport(page, "narrow")
        bs.screenshot(page, SCREENSHOTS / "journey__listen-playing-320.png")
        _assert_page_ok(page, "help page while listening, narrow")
        set_viewport(page, "tablet-portrait")

        page.get_by_role("button", name="Slow speed").click()
        assert page.get_by_role("button", name="Slow speed").get_attribute("aria-pressed") == "true"
        page.wait_for_function("() => { const a = document.querySelector('[data-listen-audio]');"
                               " return a.getAttribute('src').endsWith(a.getAttribute('data-slow-src').slice(-20))"
                               " && !a.paused && a.currentTime > 0.2; }", timeout=15000)
        page.get_by_role("button", name="Pause").click()
        page.wait_for_function("() => document.querySelector('[data-listen-play]').innerText.trim()"
                               ".startsWith('Listen')", timeout=5000)
        assert page.evaluate(_AUDIO_STATE_JS)["paused"]
        assert page.get_by_role("button", name="Listen: carry on").count() == 1
    finally:
        context.close()


def test_without_javascript_listen_is_a_plain_audio_player_and_links(site, browser):
    width, height = bs.VIEWPORTS["tablet-portrait"]
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
    try:
        page = context.new_page()
        wait_for_audio(page, site.base_url + "/about")
        assert page.locator("[data-listen-slot] audio[controls]").is_visible()
        link = page.get_by_role("link", name=re.compile(r"^Listen to this page"))
        assert link.count() == 1
        assert not check_audio_served(site.base_url, {link.get_attribute("href"): "/about"})
        bs.screenshot(page, SCREENSHOTS / "journey__listen-without-javascript.png")
    finally:
        context.close()


def test_listen_appears_by_itself_once_the_worker_has_made_the_audio(site, browser):
    """A page sent before its audio was ready gets its Listen button without a reload."""
    context = new_context(browser)
    try:
        page = context.new_page()
        wait_for_audio(page, site.base_url + "/help")
        # Lose the files: the page says "not ready yet" and asks the worker to make them again.
        audio_dir = site.log.parent / "instance" / "audio"
        for link in page.locator("[data-listen-slot] a[href^='/audio/']").all():
            key = link.get_attribute("href").split("/")[-1].removesuffix(".mp3")
            (audio_dir / key[:2] / f"{key}.mp3").unlink()
        page.goto(site.base_url + "/help")
        assert page.locator(".listen--waiting").count() == 1
        page.evaluate("window.coprodSamePage = true")
        page.get_by_role("button", name=re.compile(r"^Listen")).wait_for(timeout=60000)
        assert page.evaluate("window.coprodSamePage === true"), "the page was not reloaded"
        assert page.locator(".listen--waiting").count() == 0
        page.get_by_role("button", name="Slow speed").wait_for(timeout=60000)
        _assert_page_ok(page, "help page, audio arrived while it was open")
    finally:
        context.close()


def test_member_asks_a_spoken_question_recorded_in_the_browser(site, browser):
    """Ask, one thing per page, on a tablet: the question is typed and recorded with the microphone,
    read back on the check page, sent, and shown on "My questions"."""
    member = site.person("member")
    context = new_context(browser)
    context.grant_permissions(["microphone"], origin=site.base_url)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/boards/riverside-ld")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Ask a question")).click()
        _assert_page_ok(page, "ask: which meeting")
        with page.expect_navigation():
            page.get_by_role("button", name="Start my question").click()

        # Nothing chosen: the message is next to the choices; then choose a topic card.
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert page.locator("[data-error-summary]").count() == 1
        _assert_page_ok(page, "ask: what about, with an error")
        page.locator("label", has_text="Feeling safe on the bus").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        page.get_by_label("Type your question").fill("Can a bus driver help me if I feel scared?")
        page.get_by_role("button", name="Record my question").click()
        page.get_by_role("button", name="Stop recording").wait_for(state="visible")
        page.wait_for_timeout(2500)
        page.get_by_role("button", name="Stop recording").click()
        page.locator("[data-record-preview]").wait_for(state="visible")
        assert "Your recording is ready" in page.locator("[data-record-status]").inner_text()
        _assert_page_ok(page, "ask: typed and recorded")
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        page.locator("label", has_text="No, do not show my name").click()
        _assert_page_ok(page, "ask: who is asking")
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Check your question"
        assert "Can a bus driver help me if I feel scared?" in page.locator("main").inner_text()
        assert "We will not show your name." in page.locator("main").inner_text()
        recording = page.locator("main audio[src*='/recording']")
        assert recording.count() == 1
        # The recording the browser made was accepted, checked and kept as MP3.
        served = context.request.get(site.base_url + recording.get_attribute("src"))
        assert served.status == 200 and served.headers["content-type"] == "audio/mpeg" and len(served.body()) > 1000
        _assert_page_ok(page, "ask: check your question")
        with page.expect_navigation():
            page.get_by_role("button", name="Send my question").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Your question is sent"
        assert "Can a bus driver help me if I feel scared?" in page.locator("main").inner_text()
        _assert_page_ok(page, "ask: sent")
        page.goto(site.base_url + "/my-questions")
        assert "Sent. The secretary will look at it soon." in page.locator("main").inner_text()
        _assert_page_ok(page, "my questions")
    finally:
        context.close()


def test_a_jargon_word_opens_its_meaning_in_place(site, browser):
    """On the published agenda, a jargon word opens its picture and meaning under the sentence,
    with a Close button that gives focus back to the word."""
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/boards/riverside-ld/meetings")
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("Board meeting in the spring")).first.click()
        word = page.locator("main a.jargon").first
        assert word.count() == 1, "the demo agenda uses jargon words"
        name = word.inner_text()
        word.click()
        box = page.locator(".jargon-box")
        box.wait_for(state="visible")
        assert box.locator("[data-term-card]").count() == 1 and box.locator("img").count() >= 1
        assert word.get_attribute("aria-expanded") == "true"
        _assert_page_ok(page, "jargon word explained in place")
        box.get_by_role("button", name="Close").click()
        assert page.locator(".jargon-box").count() == 0
        assert page.evaluate("document.activeElement.textContent") == name
    finally:
        context.close()


def test_a_jargon_word_opens_its_urdu_meaning_right_to_left(site, browser):
    """On the Urdu page, an English abbreviation people hear (NHS) is explained by the Urdu jargon
    buster, in a box that reads right to left."""
    member = site.person("member")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, member)
        page.goto(site.base_url + "/")
        with page.expect_navigation():
            page.get_by_role("button", name="اردو", exact=True).click()
        try:
            page.goto(site.base_url + "/boards/riverside-ld/meetings")
            with page.expect_navigation():
                page.get_by_role("link", name=re.compile("Board meeting in the spring")).first.click()
            word = page.locator("main a.jargon", has_text="NHS").first
            assert word.count() == 1, "the Urdu jargon buster explains NHS on the demo agenda"
            word.click()
            box = page.locator(".jargon-box")
            box.wait_for(state="visible")
            assert "صحت کی سروس۔" in box.inner_text()
            assert box.evaluate("el => getComputedStyle(el).direction") == "rtl"
            picture = box.locator("img").first.bounding_box()
            words = box.locator("p").first.bounding_box()
            assert picture["x"] > words["x"], (picture, words)  # the picture is on the right, where reading starts
            _assert_page_ok(page, "urdu jargon word explained in place")
        finally:
            _back_to_english(page, site)
    finally:
        context.close()


# ---------------------------------------------------------------------------
# The easy-read check, for writers
# ---------------------------------------------------------------------------

# From ../shared/seeds/ (002 and 004): abbreviations, long sentences, rare words, a passive.
SEED_TITLE = "TCP update"
SEED_SUMMARY = ("Having an overview of the capacity and availability of a number of providers at any one time "
                "will enable TCPs to minimise discharge times.\n"
                "Panel meetings for each TCP area were used to discuss the support needs of each individual.\n"
                "In Kent there are very high numbers of people in ATUs, relying on medical professionals to discharge.")


def _new_agenda_item(page, site: Site) -> None:
    page.goto(site.base_url + "/boards/riverside-ld/meetings/manage")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Board meeting in the summer")).first.click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Add an item to the agenda")).click()


def test_secretary_sees_the_easy_read_check_and_saves_anyway(site, browser):
    """A secretary writes an agenda item full of jargon: the easy-read check holds it back with
    plain findings (and "add it to the jargon buster" links), then a tick saves it anyway."""
    secretary = site.person("secretary")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        _new_agenda_item(page, site)
        page.get_by_label("What is this item about?").fill(SEED_TITLE)
        page.locator("textarea[name=summary]").fill(SEED_SUMMARY)
        with page.expect_navigation():
            page.get_by_role("button", name="Add the item").click()

        panel = page.locator("section.easy-read-check")
        assert panel.is_visible()
        assert panel.get_by_role("heading", name="Easy-read check").count() == 1
        text = panel.inner_text()
        assert "Nothing is saved yet." in text
        assert "What does TCP mean?" in text and "This sentence has 24 words." in text
        assert "Say who does it." in text  # "were used"
        assert panel.get_by_role("link", name="Add TCP to the jargon buster (opens in a new tab)").count() == 1
        assert page.locator("textarea[name=summary]").input_value() == SEED_SUMMARY  # nothing typed is lost
        panel.scroll_into_view_if_needed()
        for viewport in ("narrow", "tablet-landscape", "tablet-portrait"):
            set_viewport(page, viewport)
            _assert_page_ok(page, f"easy-read check on an agenda item {viewport}")
        bs.screenshot(page, SCREENSHOTS / "journey__easy-read-check-panel.png")

        page.get_by_label("I have read the easy-read check. Save it anyway.").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Add the item").click()
        assert "The item is on the agenda." in page.locator("main").inner_text()
        assert SEED_TITLE in page.locator("main").inner_text()
    finally:
        context.close()


def test_the_easy_read_check_shows_findings_while_the_secretary_types(site, browser):
    """With JavaScript the findings appear a moment after typing stops: announced politely, focus
    left where it is, no page load."""
    secretary = site.person("secretary")
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, secretary)
        _new_agenda_item(page, site)
        panel = page.locator("section.easy-read-check")
        assert panel.is_hidden()
        page.evaluate("window.coprodSamePage = true")
        summary = page.locator("textarea[name=summary]")
        summary.click()
        summary.press_sequentially("We will talk about the homes that people can live in when they come out "
                                   "of hospital this year.", delay=5)
        panel.wait_for(state="visible", timeout=10000)
        page.wait_for_function("() => document.querySelector('[data-easy-read-status]').textContent.trim() !== ''")
        assert "This sentence has 19 words." in panel.inner_text()
        assert page.locator("[data-easy-read-status]").inner_text().startswith("We found 1 thing to look at.")
        assert page.evaluate("document.activeElement.name") == "summary"
        assert page.evaluate("window.coprodSamePage === true"), "the page was not reloaded"
        _assert_page_ok(page, "easy-read check while typing")
        # Making it two short sentences clears the finding.
        summary.fill("")
        summary.press_sequentially("We will talk about homes. People can live there when they leave hospital.",
                                   delay=5)
        page.wait_for_function("() => document.querySelector('[data-easy-read-status]').textContent"
                               ".startsWith('We found nothing to change.')", timeout=10000)
        assert "This sentence has" not in panel.inner_text()
    finally:
        context.close()
