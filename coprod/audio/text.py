"""What a page says out loud: the text of its <main>, block by block, split into sentences.

Nothing is written by hand per page: headings, paragraphs, list items, labels, legends, table
cells and buttons are read in page order (and any element marked `data-listen-part`). Left out: anything marked `data-no-listen` (flash
notices), the error summary (it repeats the messages next to each field), hidden things, form
inputs, scripts and the Listen control itself.

The page itself is not changed: the player finds the block holding the sentence being spoken
(by its text, in order) to highlight it and keep it in view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SLOT = '<div class="listen-slot" data-listen-slot></div>'

# Text inside these is read as one block (the innermost one wins).
BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "legend", "label", "td", "th",
          "caption", "figcaption", "blockquote", "summary", "button", "pre"}
# These only separate blocks: text on either side is never joined into one sentence.
BREAKS = {"div", "section", "article", "header", "footer", "nav", "aside", "form", "fieldset", "ul",
          "ol", "dl", "table", "tr", "thead", "tbody", "tfoot", "details", "figure", "br", "hr"}
# Never read what is inside these.
SKIP = {"script", "style", "template", "noscript", "select", "textarea", "svg", "math", "audio",
        "video", "object", "iframe", "head", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
SKIP_ATTRIBUTES = {"hidden", "data-no-listen", "data-error-summary", "data-listen-slot"}

_SENTENCE_END = re.compile(r"(?<=[.!?\u2026\u061f\u06d4])[\"'\u201d\u2019)\]]*\s+")
_SPACE = re.compile(r"\s+")
_WORDY = re.compile(r"\w")


def split_sentences(text: str) -> list[str]:
    text = _SPACE.sub(" ", text).strip()
    return [s.strip() for s in _SENTENCE_END.split(text) if _WORDY.search(s)]


@dataclass
class Spoken:
    sentences: list[str] = field(default_factory=list)
    # For each sentence, the block it was read from (None: loose text not in any block).
    blocks: list[int | None] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = False
        self.main_done = False
        self.stack: list[tuple[str, int | None, bool]] = []  # (tag, block id, skipping)
        self.skip_depth = 0
        self.buffer: list[str] = []
        self.next_block = 0
        self.spoken = Spoken()

    # -- helpers -------------------------------------------------------------------------------
    def _current_block(self) -> int | None:
        for _tag, block, _skip in reversed(self.stack):
            if block is not None:
                return block
        return None

    def _flush(self) -> None:
        if not self.buffer:
            return
        block = self._current_block()
        for sentence in split_sentences("".join(self.buffer)):
            self.spoken.sentences.append(sentence)
            self.spoken.blocks.append(block)
        self.buffer = []

    # -- parser events -------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if self.main_done:
            return
        if not self.in_main:
            if tag == "main":
                self.in_main = True
                self.stack.append((tag, None, False))
            return
        attributes = dict(attrs)
        if tag == "img":
            if self.skip_depth == 0 and (attributes.get("alt") or "").strip():
                self.buffer.append(f" {attributes['alt']} ")
            return
        if tag in VOID:
            if tag in BREAKS and self.skip_depth == 0:
                self._flush()
            return
        skipping = (tag in SKIP or bool(SKIP_ATTRIBUTES & attributes.keys())
                    or attributes.get("aria-hidden") == "true")
        block = None
        if self.skip_depth == 0 and not skipping and (tag in BLOCKS or "data-listen-part" in attributes):
            self._flush()
            block = self.next_block
            self.next_block += 1
        elif self.skip_depth == 0 and (tag in BREAKS or skipping):
            self._flush()
        if skipping:
            self.skip_depth += 1
        self.stack.append((tag, block, skipping))

    def handle_startendtag(self, tag, attrs):
        if tag in VOID:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if not self.in_main or self.main_done:
            return
        if not any(open_tag == tag for open_tag, _b, _s in self.stack):
            return  # a stray end tag: ignore it
        while self.stack:
            open_tag, block, skipping = self.stack[-1]
            if self.skip_depth == 0 and (block is not None or open_tag in BREAKS or open_tag == "main"):
                self._flush()
            self.stack.pop()
            if skipping:
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if tag == "main":
            self.main_done = True

    def handle_data(self, data):
        if self.in_main and not self.main_done and self.skip_depth == 0:
            self.buffer.append(data)


def read_page(html: str) -> Spoken:
    """The sentences a page's <main> says, in order."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader._flush()
    return reader.spoken
