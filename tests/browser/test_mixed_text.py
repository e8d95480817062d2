"""Words that read right in every language, and focus that is never hidden, in a real Chromium:

- the results chart on the room screen: no answer's name runs into a number, with long answers, in
  English and Urdu, at 320, 768 and 1024 px wide (screenshots of the room screen in /work/wt/shots/
  when that folder exists, else in test-artifacts/screenshots/);
- an English sentence on an Urdu page keeps its full stop at its end (typed words keep their own
  direction);
- WCAG 2.4.11: tabbing down a long page while Listen plays, the sticky Listen bar never covers the
  focused element.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import browser_support as bs
from .pages import SCREENSHOTS, back_to_english, new_context, sign_in

SHOTS = Path("/work/wt/shots") if Path("/work/wt/shots").is_dir() else SCREENSHOTS
WIDTHS = [(320, 800), (768, 1024), (1024, 768)]
LONG = ["At the bowling alley on Mill Lane, by the library",
        "In the big room at the town hall, upstairs",
        "Online, on our tablets at home"]

BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const svg = document.querySelector("svg.bar-chart");
  return {svg: box(svg),
          labels: [...svg.querySelectorAll(".bar-chart__label")].map(el => ({...box(el), text: el.textContent})),
          values: [...svg.querySelectorAll(".bar-chart__value")].map(el => ({...box(el), text: el.textContent})),
          bars: [...svg.querySelectorAll(".bar-chart__bar")].map(box)};
}"""


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def _inside(inner, outer, slack=1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack)


def _make_vote_with_long_answers(page, base: str) -> str:
    """The secretary makes a vote with long answers, shown while people vote, and adds a show of hands."""
    page.goto(base + "/boards/riverside-ld/proposals/new")
    page.fill("input[name=title]", "Where should we meet?")
    page.fill("textarea[name=body]", "We want a place near the bus.")
    page.check("input[name=kind][value=custom]")
    for n, answer in enumerate(LONG, start=1):
        page.fill(f"input[name=choice_{n}]", answer)
    page.check("input[name=results][value=shown]")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    if page.locator("input[name=easy_read_ok]").count():  # the easy-read check held it back
        page.check("input[name=easy_read_ok]")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
    match = re.search(r"/proposals/(\d+)", page.url)
    assert match, page.url
    proposal_id = match.group(1)
    page.goto(f"{base}/boards/riverside-ld/proposals/{proposal_id}/hands")
    boxes = page.locator("main form input[name^=count_]")
    for i, count in enumerate(["12", "3", "7"]):
        boxes.nth(i).fill(count)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    return f"{base}/boards/riverside-ld/votes/{proposal_id}/screen"


def test_chart_labels_never_run_into_the_numbers(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, site, site.person("secretary"))
        screen = _make_vote_with_long_answers(page, site.base_url)
        for language in ("en", "ur"):
            for width, height in WIDTHS:
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{screen}?lang={language}")
                boxes = page.evaluate(BOXES)
                labels, values = boxes["labels"], boxes["values"]
                where = f"{language} at {width}px"
                assert len(labels) == len(values) == 3, where
                assert sorted(v["text"] for v in values) == ["12", "3", "7"], where
                for label in labels:
                    assert label["w"] > 0 and label["text"].strip(), f"{where}: an answer's name is not drawn"
                    assert _inside(label, boxes["svg"]), f"{where}: {label['text']!r} runs off the chart"
                    for value in values:
                        assert not _overlap(label, value), f"{where}: {label['text']!r} overlaps {value['text']}"
                for value in values:
                    assert _inside(value, boxes["svg"]), f"{where}: the number {value['text']} runs off the chart"
                    for bar in boxes["bars"]:
                        assert not _overlap(value, bar), f"{where}: the number {value['text']} is on a bar"
                page.evaluate("window.scrollTo(0, 0)")
                bs.screenshot(page, SHOTS / f"room-screen__{language}__{width}.png")
            # The projector: the chart fills the width of a wide screen.
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.goto(f"{screen}?lang={language}")
            chart = page.evaluate(BOXES)["svg"]
            assert chart["w"] > 1920 * 0.8, f"{language}: the chart is {chart['w']} px wide on a 1920 px screen"
            assert page.locator("noscript").count() >= 1 or page.locator("meta[http-equiv=refresh]").count() >= 1
            bs.screenshot(page, SHOTS / f"room-screen__{language}__projector.png")
        back_to_english(page, site)
    finally:
        context.close()


FULL_STOP = """(needle) => {
  const p = [...document.querySelectorAll("main p")].find(el => el.textContent.trim() === needle);
  if (!p) { return null; }
  const text = p.firstChild;
  const at = (i) => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                      return r.getBoundingClientRect(); };
  const n = text.textContent.length;
  return {first: at(0).left, stop: at(n - 1).left, dir: getComputedStyle(p).direction, attr: p.getAttribute("dir")};
}"""


def test_an_english_sentence_on_an_urdu_page_keeps_its_full_stop_at_its_end(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(site.base_url + "/boards/riverside-ld?lang=ur")
            assert page.locator("html").get_attribute("dir") == "rtl"
            found = page.evaluate(FULL_STOP, "We meet every 3 months.")
            assert found, "the board's own words are not on its page"
            assert found["attr"] == "auto" and found["dir"] == "ltr", found
            assert found["stop"] > found["first"], f"at {width}px the full stop is before the 'W': {found}"
    finally:
        context.close()


def test_focus_is_never_hidden_behind_the_listen_bar(site, browser):
    """WCAG 2.4.11: while Listen plays, its bar sticks to the top of the screen; tab down a long page
    and back up: every focused element is in full view, below the bar."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 768, "height": 1024})
        page.goto(site.base_url + "/jargon-buster")
        slot = page.locator("[data-listen-slot]").first
        assert slot.count() == 1
        slot.evaluate("el => el.classList.add('is-playing')")  # as listen.js does while it plays
        assert page.evaluate("document.scrollingElement.scrollHeight") > 2 * 1024, "the page is not long"
        hidden = []
        steps = 0
        for key in ["Tab"] * 60 + ["Shift+Tab"] * 60:
            page.keyboard.press(key)
            steps += 1
            state = page.evaluate("""() => {
              const el = document.activeElement;
              if (!el || el === document.body) { return null; }
              const bar = document.querySelector("[data-listen-slot].is-playing").getBoundingClientRect();
              const r = el.getBoundingClientRect();
              const stuck = bar.top <= 0.5;  // the bar is stuck to the top, over the page
              return {what: el.outerHTML.slice(0, 80), top: r.top, bottom: r.bottom, barBottom: bar.bottom,
                      stuck: stuck, inside: el.closest("[data-listen-slot]") !== null};
            }""")
            if state is None or state["inside"] or not state["stuck"]:
                continue
            if state["top"] < state["barBottom"] - 0.5:
                hidden.append((steps, key, state))
        assert not hidden, f"focus went behind the Listen bar: {hidden[:5]}"
    finally:
        context.close()
