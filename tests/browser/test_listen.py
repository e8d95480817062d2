"""Listen: the audio the worker made for a page, played in Chromium at normal and slow speed, with
the sentence being read highlighted; without JavaScript a plain audio player; and the Listen
button arriving by itself once the audio is ready."""

from __future__ import annotations

import re

from . import browser_support as bs
from .pages import (SCREENSHOTS, assert_page_ok, check_audio_served, new_context, set_viewport,
                    wait_for_audio)

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


def test_listen_plays_the_page_at_normal_and_slow_speed_and_highlights_what_it_reads(site, browser):
    context = new_context(browser)
    try:
        page = context.new_page()
        wait_for_audio(page, site.base_url + "/help")
        listen = page.get_by_role("button", name=re.compile(r"^Listen"))
        assert listen.count() == 1
        for viewport in ("tablet-portrait", "narrow"):
            set_viewport(page, viewport)
            assert_page_ok(page, f"help page with Listen {viewport}")
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
        assert_page_ok(page, "help page while listening, narrow")
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
        assert_page_ok(page, "help page, audio arrived while it was open")
    finally:
        context.close()
