"""Listen's list of blocks (and of what it leaves out) lives in one place, coprod/audio/text.py: the
server reads pages with it, and the browser player gets the same list from <main>. These fail if a
copy appears in static/js/listen.js or the page stops passing the list on."""

from __future__ import annotations

import html
import re

from coprod.audio.text import BLOCKS, SKIP, SKIP_ATTRIBUTES, browser_selectors, read_page
from coprod.paths import PROJECT_ROOT

LISTEN_JS = PROJECT_ROOT / "static" / "js" / "listen.js"


def _main_attribute(page: str, name: str) -> str:
    main = re.search(r"<main\b[^>]*>", page).group(0)
    return html.unescape(re.search(rf'\s{name}="([^"]*)"', main).group(1))


def test_the_selectors_are_the_servers_lists():
    selectors = browser_selectors()
    assert set(selectors["blocks"].split(",")) == BLOCKS | {"[data-listen-part]"}
    assert set(selectors["left_out"].split(",")) == ({f"[{name}]" for name in SKIP_ATTRIBUTES}
                                                     | {"[aria-hidden='true']"} | SKIP)


def test_every_page_passes_the_lists_to_the_player(client):
    for path in ("/sign-in", "/jargon-buster"):
        page = client.get(path).get_data(as_text=True)
        assert _main_attribute(page, "data-listen-blocks") == browser_selectors()["blocks"]
        assert _main_attribute(page, "data-listen-left-out") == browser_selectors()["left_out"]
        # Passing the lists on changes nothing that is read out.
        assert "data-listen" not in " ".join(read_page(page).sentences)


def test_the_player_reads_them_and_keeps_no_copy():
    script = LISTEN_JS.read_text(encoding="utf-8")
    assert 'getAttribute("data-listen-blocks")' in script
    assert 'getAttribute("data-listen-left-out")' in script
    tags = BLOCKS | SKIP
    for literal in re.findall(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'', script):
        words = set(re.findall(r"[a-z][a-z0-9]*", "".join(literal)))
        assert len(words & tags) < 2, f"listen.js has its own list of elements: {''.join(literal)!r}"


def test_language_names_are_read_in_their_own_language(client):
    """"اردو" read by the Welsh or English voice is spelled out letter by letter (a clip that failed
    its length check in the crawl); marked lang="ur", it is spoken with the Urdu voice."""
    spoken = read_page(client.get("/settings").get_data(as_text=True))
    languages = dict(zip(spoken.sentences, spoken.languages))
    assert languages["اردو"] == "ur"
    assert languages["Cymraeg"] == "cy"
