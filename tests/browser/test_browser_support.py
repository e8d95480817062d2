"""Self-test for tests/browser/browser_support.py against tiny pages with a strict CSP."""

from __future__ import annotations

import http.server
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError

from . import browser_support as bs

# The browser smoke test: Chromium starts, axe-core runs under the app's kind of CSP.
pytestmark = pytest.mark.smoke

CSP = "default-src 'self'; script-src 'self'; style-src 'self'"

CSS = """
body { margin: 0; font: 16px/1.5 sans-serif; color: #000; background: #fff; }
.big { min-height: 44px; min-width: 44px; box-sizing: border-box; }
.b20 { width: 20px; height: 20px; padding: 0; }
.b48 { width: 48px; height: 48px; padding: 0; }
.choice { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px; padding: 0 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip: rect(0 0 0 0); white-space: nowrap; padding: 0; margin: -1px; border: 0; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 0; display: inline-flex; align-items: center; min-height: 44px;
              padding: 0 16px; background: #fff; color: #000; }
"""


def page_html(title: str, body: str, lang: str = ' lang="en"') -> str:
    return (
        f"<!doctype html><html{lang}><head><meta charset='utf-8'>"
        f"<title>{title}</title><link rel='stylesheet' href='/test.css'></head>"
        f"<body>{body}</body></html>"
    )


PAGES = {
    "/test.css": ("text/css", CSS),
    "/unlabelled": ("text/html", page_html(
        "Unlabelled", "<main><h1>Form</h1><input type='text' class='big'></main>")),
    "/clean": ("text/html", page_html(
        "Clean",
        "<main><h1>Clean page</h1><p>Some text.</p>"
        "<label for='q'>Search</label> <input id='q' type='text' class='big'></main>")),
    "/inline-script": ("text/html", page_html(
        "Inline", "<main><h1>Inline</h1><script>window.inlineRan = true;</script></main>")),
    "/targets": ("text/html", page_html(
        "Targets",
        "<a class='skip' href='#main'>Skip to content</a>"
        "<main id='main'><h1>Targets</h1>"
        "<button id='small' class='b20' aria-label='Small'>s</button>"
        "<button id='large' class='b48' aria-label='Large'>L</button>"
        "<p>Read the <a id='inline' href='/guide'>guide</a> before you start.</p>"
        "<ul><li><a id='lonely' href='/alone'>Alone</a></li></ul>"
        "<fieldset><legend>Pick</legend>"
        "<label class='choice'><input id='wrapped' type='radio' name='r' value='1'> Yes</label>"
        "<input id='bare' type='radio' name='r' value='2'><label for='bare'>No</label>"
        "</fieldset>"
        "<a class='visually-hidden' id='vh' href='/hidden'>Hidden link</a>"
        "</main>")),
    "/links": ("text/html", page_html(
        "Links",
        "<main><h1>Links</h1><ul>"
        "<li><a href='/about'>About</a></li>"
        "<li><a href='/about#team'>Team</a></li>"
        "<li><a href='meetings?x=1#top'>Meetings</a></li>"
        "<li><a href='#here'>Here</a></li>"
        "<li><a href='https://example.com/'>External</a></li>"
        "<li><a href='//example.org/x'>Protocol-relative external</a></li>"
        "<li><a href='mailto:a@example.com'>Mail</a></li>"
        "<li><a href='tel:+441234'>Phone</a></li>"
        "<li><a href='javascript:void(0)'>JS</a></li>"
        "<li><a href='/static/app.css'>Static</a></li>"
        "<li><a href='/files/easy.PDF'>PDF</a></li>"
        "<li><a href='/audio/a.mp3'>Audio</a></li>"
        "<li><a href='/data.json'>Data</a></li>"
        "</ul></main>")),
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        ctype, body = PAGES.get(path, ("text/html", page_html("Not found", "<main><h1>404</h1></main>")))
        data = body.encode()
        self.send_response(200 if path in PAGES else 404)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser):
    pg = bs.new_page(browser, "tablet-portrait")
    try:
        yield pg
    finally:
        pg.context.close()


def test_viewports():
    assert bs.VIEWPORTS == {
        "tablet-portrait": (768, 1024),
        "tablet-landscape": (1024, 768),
        "narrow": (320, 640),
    }


def test_csp_is_enforced_yet_axe_runs(page, base_url):
    resp = page.goto(base_url + "/inline-script")
    assert resp.headers["content-security-policy"] == CSP
    # the page's own inline script was blocked ...
    assert page.evaluate("window.inlineRan === undefined")
    # ... and so is an injected inline <script> tag ...
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="window.tagRan = true;")
    assert page.evaluate("window.tagRan === undefined")
    # ... but axe (injected through page.evaluate) runs
    assert bs.run_axe(page) == []
    assert page.evaluate("typeof window.axe.run") == "function"


def test_axe_reports_unlabelled_input(page, base_url):
    page.goto(base_url + "/unlabelled")
    violations = bs.run_axe(page)
    ids = {v["id"] for v in violations}
    assert "label" in ids, bs.format_violations(violations)
    label = next(v for v in violations if v["id"] == "label")
    assert label["impact"] and label["help"]
    assert label["nodes"][0]["target"] == ["input"]
    assert label["nodes"][0]["html"].startswith("<input")


def test_axe_clean_page(page, base_url):
    page.goto(base_url + "/clean")
    violations = bs.run_axe(page)
    assert violations == [], bs.format_violations(violations)


def test_small_targets(page, base_url):
    page.goto(base_url + "/targets")
    found = {d["selector"].split(" > ")[-1].split("[")[0]: d for d in bs.small_targets(page)}
    assert "button#small" in found and found["button#small"]["width"] == 20
    assert found["button#small"]["tag"] == "button" and found["button#small"]["text"] == "Small"
    assert "button#large" not in found
    assert "a#inline" not in found          # inline link in a sentence: exempt
    assert "a#lonely" in found              # lone link in a list item: checked
    assert "input#wrapped" not in found     # 44px label wraps the radio
    assert "input#bare" in found            # tiny radio + plain inline label
    assert "a#vh" not in found              # visually hidden
    assert not any(d["text"].startswith("Skip") for d in found.values())  # off-screen skip link


def test_skip_link(page, base_url):
    page.goto(base_url + "/targets")
    page.focus("#large")                    # move focus away first; helper must reset
    info = bs.skip_link_ok(page)
    assert info is not None
    assert info["tag"] == "a" and info["text"].startswith("Skip")
    assert info["height"] >= 44 and info["in_viewport"]
    assert info["href"] == "#main" and info["target_found"] is True
    # now focused, the skip link is a target and is big enough
    assert not any(d["text"].startswith("Skip") for d in bs.small_targets(page))


def test_collect_links(page, base_url):
    page.goto(base_url + "/links")
    links = bs.collect_links(page, base_url)
    assert links == [
        base_url + "/about",
        base_url + "/meetings?x=1",
        base_url + "/links",
    ]


def test_screenshot(page, base_url, tmp_path):
    page.goto(base_url + "/clean")
    out = bs.screenshot(page, tmp_path / "shots" / "clean.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
