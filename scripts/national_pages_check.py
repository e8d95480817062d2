#!/usr/bin/env python3
"""The long lists at national size, in a real browser: the pages that show a page of a long list
(tracker, came back, agenda, questions, votes, the question queue, who voted, the writers' records,
meetings) on the national data set's biggest board, at 768 px and 320 px wide. For each: axe-core
(every rule at 768 px; at 320 px the rules whose answer changes with the width), no sideways
scrolling, and a screenshot with the pager in view in test-artifacts/screenshots/national/.

    export COPROD_DATABASE_URL=sqlite:////tmp/bench/national.sqlite COPROD_INSTANCE_PATH=/tmp/bench
    .venv/bin/python scripts/national_pages_check.py

The demo has too few of anything for a pager, so the crawl never sees one: this does. Exit status 1
if any page has an axe violation, scrolls sideways or does not answer 200.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests" / "browser")]


def main() -> int:
    if not os.environ.get("COPROD_DATABASE_URL"):
        raise SystemExit("set COPROD_DATABASE_URL (and COPROD_INSTANCE_PATH) to the national data set")
    import benchmark
    import browser_support
    from playwright.sync_api import sync_playwright

    from coprod import create_app
    from coprod.extensions import db

    app = create_app()
    with app.test_request_context():
        found = benchmark.data_set(None)
        paths = benchmark.card_paths(found.pop("_board"))
        db.session.remove()
    on = found["board"]
    base_path = f"/boards/{on['slug']}"
    pages = [
        ("tracker", None, "/said-did"), ("tracker-page-2", None, "/said-did?page=2"),
        ("came-back", None, f"/meetings/{on['coming']}/came-back"),
        ("agenda", "member", f"/meetings/{on['coming']}"), ("pack", None, f"/meetings/{on['coming']}/pack"),
        ("questions", "member", f"/meetings/{on['coming']}/questions"),
        ("votes", "member", "/votes"), ("meetings", "member", "/meetings"),
        ("question-queue", "secretary", f"/meetings/{on['asking']}/questions/manage"),
        ("who-voted", "secretary", f"/proposals/{on['proposal']}"),
        ("write-records", "secretary", "/said-did/manage"),
    ]
    port = benchmark.free_port()
    server = subprocess.Popen([sys.executable, "-m", "coprod.cli", "serve", "--port", str(port), "--workers", "2",
                               "--no-worker"], env=dict(os.environ), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    out = ROOT / "test-artifacts" / "screenshots" / "national"
    out.mkdir(parents=True, exist_ok=True)
    report, faults = {}, []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.3)
        site = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = browser_support.launch_browser(playwright)
            contexts = {}
            for who in (None, "member", "secretary"):
                context = browser.new_context(viewport={"width": 768, "height": 1024})
                if who:  # the login card's page: one button
                    page = context.new_page()
                    page.goto(site + paths[who])
                    page.click("button[type=submit]")
                    page.wait_for_load_state()
                    page.close()
                contexts[who] = context
            for name, who, path in pages:
                page = contexts[who].new_page()
                for width in (768, 320):
                    page.set_viewport_size({"width": width, "height": 1024})
                    answer = page.goto(site + base_path + path)
                    page.wait_for_load_state()
                    violations = (browser_support.run_axe(page) if width == 768 else browser_support.run_axe(
                        page, rules=["target-size", "scrollable-region-focusable"]))
                    pager = page.locator(".pager")
                    if pager.count():
                        pager.first.scroll_into_view_if_needed()
                    page.screenshot(path=str(out / f"{name}-{width}.png"))
                    wide = page.evaluate("document.documentElement.scrollWidth") > width
                    report[f"{name} at {width}"] = {"status": answer.status, "axe": [v["id"] for v in violations],
                                                    "pagers": pager.count(), "scrolls_sideways": wide}
                    if answer.status != 200 or violations or wide:
                        faults.append(f"{name} at {width}")
                page.close()
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(report, indent=1))
    print("faults:", faults or "none", f"(screenshots in {out})")
    return 1 if faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
