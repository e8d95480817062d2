"""Helpers for checking Coprod pages in a real headless Chromium.

Self-contained: needs only ``playwright`` (sync API) and ``axe-playwright-python``
(which bundles ``axe.min.js``, so nothing is downloaded).  The browser is the
system Chromium (Debian package); ``playwright install`` is never needed.

Public API
----------
``find_chromium()``                      -> str | None
``launch_browser(playwright, extra_args=None)`` -> Browser
``VIEWPORTS``                            {"tablet-portrait": (768, 1024), ...}
``new_page(browser, viewport="tablet-portrait", **context_kwargs)`` -> Page
``run_axe(page, tags=AXE_TAGS)``         -> list[dict]   (violations)
``format_violations(violations)``        -> str          (for assert messages)
``small_targets(page, minimum=44)``      -> list[dict]
``skip_link_ok(page)``                   -> dict | None  (first Tab stop)
``collect_links(page, base_url)``        -> list[str]
``screenshot(page, path)``               -> pathlib.Path

How axe-core is injected, and why it works under a strict CSP
-------------------------------------------------------------
``run_axe`` injects axe as ``axe_playwright_python.sync_playwright.Axe.run`` does, with
``page.evaluate(axe_source)`` (once per document), and then runs ``page.evaluate("axe.run(...)")``.
``page.evaluate`` goes through the DevTools protocol (Runtime.evaluate /
callFunctionOn), which Chromium does *not* subject to the page's
Content-Security-Policy, and axe-core itself uses no ``eval``/``new Function``.
So axe runs fine on pages served with ``script-src 'self'`` and no inline
scripts, without ``bypass_csp=True`` - the page is tested with its real CSP in
force (which matters: ``bypass_csp`` would hide CSP breakage in the app).
By contrast ``page.add_script_tag(content=...)`` inserts an inline <script>
that such a CSP blocks; the self-test proves both facts.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe

__all__ = [
    "AXE_TAGS",
    "VIEWPORTS",
    "collect_links",
    "find_chromium",
    "format_violations",
    "launch_browser",
    "new_page",
    "run_axe",
    "screenshot",
    "skip_link_ok",
    "small_targets",
]

# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------

CHROMIUM_ARGS = [
    # "--headless" is added by Playwright itself because we pass headless=True.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORTS = {
    "tablet-portrait": (768, 1024),
    "tablet-landscape": (1024, 768),
    "narrow": (320, 640),
}


def find_chromium() -> str | None:
    """Chromium executable: $COPROD_CHROMIUM, /usr/bin/chromium, or PATH."""
    env = os.environ.get("COPROD_CHROMIUM")
    if env:
        return env
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _scratch_home() -> str:
    """A throw-away folder for the browser's HOME / XDG dirs (removed at exit)."""
    path = tempfile.mkdtemp(prefix="coprod-chromium-")
    atexit.register(shutil.rmtree, path, True)
    return path


def launch_browser(playwright, extra_args: list[str] | None = None):
    """Launch the system Chromium headless via Playwright.

    HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME of the browser process point into
    a temporary folder so nothing is written into the real $HOME (Chromium
    writes e.g. ~/.pki/nssdb and ~/.config/chromium crash data otherwise).
    The user profile itself is Playwright's own temporary --user-data-dir.
    The temporary folder is deleted when the browser disconnects (or at exit).
    """
    executable = find_chromium()
    if not executable:
        raise RuntimeError(
            "Chromium not found: set COPROD_CHROMIUM or install /usr/bin/chromium"
        )
    scratch = _scratch_home()
    config = os.path.join(scratch, "config")
    cache = os.path.join(scratch, "cache")
    os.makedirs(config, exist_ok=True)
    os.makedirs(cache, exist_ok=True)
    env = dict(os.environ)
    env.update(HOME=scratch, XDG_CONFIG_HOME=config, XDG_CACHE_HOME=cache)
    browser = playwright.chromium.launch(
        executable_path=executable,
        headless=True,
        args=CHROMIUM_ARGS + list(extra_args or []),
        env=env,
    )
    browser.on("disconnected", lambda _b: shutil.rmtree(scratch, True))
    return browser


def new_page(browser, viewport: str | tuple[int, int] = "tablet-portrait",
             **context_kwargs):
    """New page in a fresh context with one of VIEWPORTS (or a (w, h) tuple).

    Close it with ``page.context.close()``.
    """
    width, height = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
    context = browser.new_context(viewport={"width": width, "height": height},
                                  **context_kwargs)
    return context.new_page()


# ---------------------------------------------------------------------------
# axe-core
# ---------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_AXE = Axe()  # reads the bundled axe.min.js once
_AXE_READY_JS = "() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"
_AXE_RUN_JS = "options => axe.run(document, options).then(results => ({violations: results.violations}))"


def _trim(text, limit: int = 300) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def run_axe(page, tags: list[str] | None = None, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on the current page; return its violations (trimmed). `rules`: only these rules
    (axe rule ids) instead of the rules of `tags`.

    Each violation: {"id", "impact", "help", "helpUrl", "nodes": [{"target",
    "html", "summary"}]} where "target" is axe's list of CSS selectors.
    Injection is via page.evaluate (see module docstring: immune to CSP).
    """
    options = {
        "runOnly": {"type": "rule", "values": list(rules)} if rules else {"type": "tag", "values": list(tags or AXE_TAGS)},
        "resultTypes": ["violations"],
    }
    # Injected once per document (a page checked at three widths keeps it), and only the
    # violations come back: the same answer as Axe.run, for less work in the browser.
    if not page.evaluate(_AXE_READY_JS):
        page.evaluate(_AXE.axe_script)
    response = page.evaluate(_AXE_RUN_JS, options)
    violations = []
    for v in response.get("violations", []):
        violations.append({
            "id": v.get("id"),
            "impact": v.get("impact"),
            "help": v.get("help"),
            "helpUrl": v.get("helpUrl"),
            "nodes": [
                {
                    "target": [str(t) for t in node.get("target", [])],
                    "html": _trim(node.get("html"), 200),
                    "summary": _trim(node.get("failureSummary"), 300),
                }
                for node in v.get("nodes", [])
            ],
        })
    return violations


def format_violations(violations: list[dict]) -> str:
    """Readable multi-line text for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(node['target'])}  {node['html']}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Target size (WCAG 2.5.5 Target Size (Enhanced), 44 x 44 CSS px)
# ---------------------------------------------------------------------------
#
# WCAG 2.5.5 requires pointer targets of at least 44x44 CSS px except when:
#   * Equivalent  - another target for the same function is >= 44px.
#                   (Not automatable; NOT applied here - fix or filter in tests.)
#   * Inline      - the target is in a sentence or block of text.
#                   APPLIED: an <a> whose computed display is inline-ish and
#                   whose nearest block ancestor contains other text (letters
#                   or digits, not counting the text of any interactive
#                   element) is exempt.  A lone link in a <li>/<p>, or links
#                   separated only by punctuation ("Home | About"), is checked.
#   * User agent control - size set by the browser and not modified by the
#                   author.  NOT applied (we want even native controls big);
#                   but for radio/checkbox the associated <label> is part of
#                   the target (clicking it toggles the input), so the box is
#                   the union of the input's box and its label(s)' boxes,
#                   whether the label wraps the input or uses for=.
#                   (Caveat: a for= label far away from its input makes the
#                   union box large and so can mask a small target.)
#   * Essential   - not automatable; not applied.
# Elements that are not pointer targets at all are skipped: not rendered
# (display:none, no boxes, visibility:hidden, inside [inert] or a closed
# <details>), or *visually hidden* (<=1px wide/high, clip rect(0..)/clip-path
# inset(50%) on it or an ancestor, a 1px overflow-hidden ancestor, or placed
# entirely off the document like a skip link at left:-9999px).  A visually
# hidden element that currently has focus IS checked (a skip link becomes a
# target once focused) - see also skip_link_ok().
# Disabled controls are checked too (reported with "disabled": True).

_SMALL_TARGETS_JS = r"""
(minimum) => {
  const NATIVE = 'a[href], area[href], button, input:not([type="hidden" i]), select, textarea, summary';
  const ALL = NATIVE + ', [role="button"], [tabindex]';
  const active = document.activeElement;
  const de = document.documentElement;
  const docW = Math.max(de.scrollWidth, de.clientWidth, document.body ? document.body.scrollWidth : 0);
  const sx = window.scrollX, sy = window.scrollY;

  function isCandidate(el) {
    if (el.matches(NATIVE) || el.matches('[role="button" i]')) return true;
    const ti = parseInt(el.getAttribute('tabindex'), 10);
    return !isNaN(ti) && ti >= 0;
  }
  function rendered(el) {
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.visibility === 'collapse') return false;
    if (el.closest('[inert]')) return false;
    return true;
  }
  function clipHides(cs) {
    if ((cs.position === 'absolute' || cs.position === 'fixed') && cs.clip && cs.clip !== 'auto') {
      const n = (cs.clip.match(/-?[\d.]+/g) || []).map(Number);
      // rect(top, right, bottom, left)
      if (n.length === 4 && (n[1] - n[3] <= 1 || n[2] - n[0] <= 1)) return true;
    }
    const cp = cs.clipPath || '';
    const m = cp.match(/^inset\(\s*([\d.]+)%/);
    if (m && parseFloat(m[1]) >= 50) return true;
    return false;
  }
  function visuallyHidden(el, r) {
    if (r.width <= 1 || r.height <= 1) return true;
    // entirely outside the document (off-screen technique)
    if (r.right + sx <= 0 || r.bottom + sy <= 0 || r.left + sx >= docW) return true;
    for (let n = el; n && n !== document.body && n.nodeType === 1; n = n.parentElement) {
      const cs = getComputedStyle(n);
      if (clipHides(cs)) return true;
      if (n !== el && cs.overflow !== 'visible') {
        const pr = n.getBoundingClientRect();
        if (pr.width <= 1 || pr.height <= 1) return true;
      }
    }
    return false;
  }
  function box(el) {
    // Clickable area: the element's box united with its rendered descendants'
    // (e.g. an inline <a> wrapping a block <img>).
    let r = el.getBoundingClientRect();
    let b = {l: r.left, t: r.top, r: r.right, b: r.bottom};
    const kids = el.querySelectorAll('*');
    for (let i = 0; i < kids.length && i < 200; i++) {
      const k = kids[i];
      const kr = k.getBoundingClientRect();
      if (kr.width < 1 || kr.height < 1) continue;
      const cs = getComputedStyle(k);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      b = unite(b, kr);
    }
    return b;
  }
  function unite(b, r) {
    const rr = ('l' in r) ? r : {l: r.left, t: r.top, r: r.right, b: r.bottom};
    return {l: Math.min(b.l, rr.l), t: Math.min(b.t, rr.t), r: Math.max(b.r, rr.r), b: Math.max(b.b, rr.b)};
  }
  function blockAncestor(el) {
    let p = el.parentElement;
    while (p && p !== document.body) {
      const d = getComputedStyle(p).display;
      if (!(d.startsWith('inline') || d === 'contents')) return p;
      p = p.parentElement;
    }
    return p;
  }
  function inlineInText(el) {
    if (el.tagName !== 'A') return false;
    const d = getComputedStyle(el).display;
    if (!d.startsWith('inline')) return false;
    const block = blockAncestor(el);
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const parent = t.parentElement;
      const owner = parent && parent.closest(ALL);
      if (owner && block.contains(owner) && owner !== block) continue;  // text of a link/button
      if (parent && parent.closest('script, style, template')) continue;
      text += t.data;
    }
    return /[\p{L}\p{N}]/u.test(text);
  }
  function describe(el) {
    const parts = [];
    for (let n = el, i = 0; n && n.nodeType === 1 && i < 4; n = n.parentElement, i++) {
      let s = n.tagName.toLowerCase();
      if (n.id) { parts.unshift(s + '#' + n.id); break; }
      const cls = Array.from(n.classList).slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      if (n === el) {
        if (n.getAttribute('name')) s += '[name="' + n.getAttribute('name') + '"]';
        if (n.tagName === 'A') s += '[href="' + (n.getAttribute('href') || '').slice(0, 60) + '"]';
        if (n.tagName === 'INPUT') s += '[type="' + (n.getAttribute('type') || 'text') + '"]';
      }
      parts.unshift(s);
      if (n.tagName === 'BODY') break;
    }
    return parts.join(' > ');
  }
  function textOf(el) {
    let t = el.getAttribute('aria-label') || '';
    if (!t && el.labels && el.labels.length) t = Array.from(el.labels).map(l => l.innerText).join(' ');
    if (!t) t = el.innerText || el.value || el.getAttribute('title') || el.getAttribute('placeholder') || '';
    t = String(t).replace(/\s+/g, ' ').trim();
    return t.length > 80 ? t.slice(0, 79) + '\u2026' : t;
  }

  const out = [];
  for (const el of document.querySelectorAll(ALL)) {
    if (!isCandidate(el) || !rendered(el)) continue;
    const own = el.getBoundingClientRect();
    const focused = el === active;
    const type = (el.getAttribute('type') || '').toLowerCase();
    let b;
    if (el.tagName === 'INPUT' && (type === 'radio' || type === 'checkbox') && el.labels && el.labels.length) {
      // The label is part of the target: unite visible label boxes with the
      // input's own box (the input itself may be visually hidden, custom-styled).
      b = null;
      if (!visuallyHidden(el, own) || focused) b = {l: own.left, t: own.top, r: own.right, b: own.bottom};
      for (const lab of el.labels) {
        if (!rendered(lab)) continue;
        const lr = lab.getBoundingClientRect();
        if (visuallyHidden(lab, lr)) continue;
        const lb = box(lab);
        b = b ? unite(b, lb) : lb;
      }
      if (!b) continue;   // both input and label(s) hidden
    } else {
      if (!focused && visuallyHidden(el, own)) continue;
      if (inlineInText(el)) continue;
      b = box(el);
    }
    const w = b.r - b.l, h = b.b - b.t;
    if (w < minimum - 0.01 || h < minimum - 0.01) {
      out.push({
        selector: describe(el),
        tag: el.tagName.toLowerCase(),
        text: textOf(el),
        width: Math.round(w * 10) / 10,
        height: Math.round(h * 10) / 10,
        disabled: !!el.disabled,
      });
    }
  }
  return out;
}
"""


def small_targets(page, minimum: int = 44) -> list[dict]:
    """Visible interactive elements whose clickable box is < minimum x minimum.

    Returns [{"selector", "tag", "text", "width", "height", "disabled"}].
    See the comment block above for which WCAG 2.5.5 exceptions are applied.
    Measured at the page's current viewport and focus state.
    """
    return page.evaluate(_SMALL_TARGETS_JS, minimum)


_FOCUS_START_JS = r"""
() => {
  // Reset the sequential-focus starting point to the top of the document.
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  window.scrollTo(0, 0);
  const b = document.body;
  const had = b.hasAttribute('tabindex'), old = b.getAttribute('tabindex');
  b.setAttribute('tabindex', '-1');
  b.focus({preventScroll: true});
  if (had) b.setAttribute('tabindex', old); else b.removeAttribute('tabindex');
}
"""

_FOCUSED_BOX_JS = r"""
async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  // let focus transitions/animations (e.g. a skip link sliding in) finish
  try {
    const anims = el.getAnimations({subtree: true});
    await Promise.race([
      Promise.all(anims.map(a => a.finished.catch(() => null))),
      new Promise(r => setTimeout(r, 2000)),
    ]);
  } catch (e) {}
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const r = el.getBoundingClientRect();
  const href = el.getAttribute('href') || '';
  let targetFound = null;
  if (href.startsWith('#') && href.length > 1) {
    const id = decodeURIComponent(href.slice(1));
    targetFound = !!(document.getElementById(id) || document.getElementsByName(id)[0]);
  }
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim(),
    href: href,
    target_found: targetFound,
    x: Math.round(r.left * 10) / 10,
    y: Math.round(r.top * 10) / 10,
    width: Math.round(r.width * 10) / 10,
    height: Math.round(r.height * 10) / 10,
    in_viewport: r.width > 1 && r.height > 1 && r.left >= 0 && r.top >= 0 &&
                 r.right <= window.innerWidth && r.bottom <= window.innerHeight,
  };
}
"""


def skip_link_ok(page) -> dict | None:
    """Press Tab once from the top of the page; describe the focused element.

    Returns None if nothing got focus, else {"tag", "text", "href",
    "target_found" (bool for "#id" hrefs, else None), "x", "y", "width",
    "height", "in_viewport"} measured while focused (after focus transitions).
    Typical assertion::

        info = skip_link_ok(page)
        assert info and info["tag"] == "a" and info["text"].startswith("Skip")
        assert info["height"] >= 44 and info["in_viewport"] and info["target_found"]

    Leaves the element focused (so small_targets() now checks it too).
    """
    page.evaluate(_FOCUS_START_JS)
    page.keyboard.press("Tab")
    return page.evaluate(_FOCUSED_BOX_JS)


# ---------------------------------------------------------------------------
# Links and screenshots
# ---------------------------------------------------------------------------

SKIP_EXTENSIONS = (".svg", ".png", ".mp3", ".wav", ".csv", ".json", ".pdf", ".ics")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def collect_links(page, base_url: str) -> list[str]:
    """Absolute same-origin hrefs of a[href] on the page (deduped, in order).

    Fragments are removed; mailto:/tel:/javascript: and other non-http(s)
    schemes, files ending in .svg/.png/.mp3/.wav/.csv/.json/.pdf, and paths
    under /static/ are dropped.  Relative hrefs resolve against the page's
    own URL/<base> (the browser's a.href); base_url defines the origin.
    """
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    origin = _origin(base_url or page.url)
    seen: dict[str, None] = {}
    for href in hrefs:
        if not href:
            continue
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            continue  # mailto:, tel:, javascript:, data:, ...
        if _origin(url) != origin:
            continue
        path = parts.path or "/"
        if path.startswith("/static/") or path.lower().endswith(SKIP_EXTENSIONS):
            continue
        seen.setdefault(url, None)
    return list(seen)


def screenshot(page, path) -> Path:
    """Full-page PNG screenshot at *path* (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
