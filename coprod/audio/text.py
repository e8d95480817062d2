"""What a page says out loud: the text of its <main>, block by block, split into sentences.

Nothing is written by hand per page: headings, paragraphs, list items, labels, legends, table
cells and buttons are read in page order (and any element marked `data-listen-part`). Left out:
anything marked `data-no-listen` (flash notices), the error summary (it repeats the messages next
to each field), hidden things, form inputs, scripts and the Listen control itself.

The page itself is not changed: the player finds the block holding the sentence being spoken
(by its text, in order) to highlight it and keep it in view.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

SLOT = '<div class="listen-slot" data-listen-slot></div>'
# A very long page (a table of hundreds of rows) is read up to here: about 15 minutes of speech.
MAX_SENTENCES = 300

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


def browser_selectors() -> dict[str, str]:
    """The same rules as CSS selectors for the Listen player in the browser, so there is one list:
    the base template puts them on <main> (`data-listen-blocks`, `data-listen-left-out`) and
    static/js/listen.js reads them from there to find the block of each sentence."""
    return {
        "blocks": ",".join([*sorted(BLOCKS), "[data-listen-part]"]),
        "left_out": ",".join([*(f"[{name}]" for name in sorted(SKIP_ATTRIBUTES)), "[aria-hidden='true']",
                              *sorted(SKIP)]),
    }

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
    # For each sentence, the `lang` of the element it is in (None: the page's own language), so
    # English content on a Welsh page is spoken with the English voice.
    languages: list[str | None] = field(default_factory=list)


# A small tokenizer instead of html.parser: our own pages are well formed, and this is several
# times faster (it runs on every page, so it must stay well under a millisecond per kilobyte).
_TOKEN = re.compile(r"""
    <!--.*?-->
  | <(?P<raw>script|style|template|textarea)\b(?:[^>"']|"[^"]*"|'[^']*')*>.*?</(?P=raw)\s*>
  | <(?P<end>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>
  | <[!?][^>]*>
  | (?P<text>[^<]+)
  | <
""", re.S | re.X)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_FLAGS = re.compile(r"(?:^|\s)(hidden|data-no-listen|data-error-summary|data-listen-slot|data-listen-part)(?=[\s=/]|$)")
_ARIA_HIDDEN = re.compile(r"(?:^|\s)aria-hidden\s*=\s*[\"']?true", re.I)
_ALT = re.compile(r"(?:^|\s)alt\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_LANG = re.compile(r"(?:^|\s)lang\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")


def _value(match) -> str:
    return html.unescape(next(g for g in match.groups() if g is not None)) if match else ""


def _attributes(text: str) -> tuple[set[str], bool, str, str]:
    """(flag attributes present, aria-hidden, alt text, lang) from a start tag's attribute text."""
    bare = _QUOTED.sub('""', text)
    flags = {m.group(1) for m in _FLAGS.finditer(bare)}
    return flags, bool(_ARIA_HIDDEN.search(text)), _value(_ALT.search(text)), _value(_LANG.search(text)).strip()


class _Reader:
    def __init__(self):
        self.stack: list[tuple[str, int | None, bool]] = []  # (tag, block id, skipping)
        self.languages: list[tuple[int, str]] = []  # (stack depth, lang) of elements with a lang
        self.skip_depth = 0
        self.buffer: list[str] = []
        self.next_block = 0
        self.spoken = Spoken()

    def _current_block(self) -> int | None:
        for _tag, block, _skip in reversed(self.stack):
            if block is not None:
                return block
        return None

    def _flush(self) -> None:
        if not self.buffer:
            return
        block = self._current_block()
        language = self.languages[-1][1] if self.languages else None
        for sentence in split_sentences(html.unescape("".join(self.buffer))):
            self.spoken.sentences.append(sentence)
            self.spoken.blocks.append(block)
            self.spoken.languages.append(language)
        self.buffer = []

    def start(self, tag: str, attribute_text: str) -> None:
        flags, aria_hidden, alt, lang = _attributes(attribute_text) if attribute_text.strip() else (set(), False, "", "")
        if tag == "img":
            if self.skip_depth == 0 and alt.strip():
                self.buffer.append(f" {alt} ")
            return
        if tag in VOID:
            if tag in BREAKS and self.skip_depth == 0:
                self._flush()
            return
        skipping = tag in SKIP or bool(SKIP_ATTRIBUTES & flags) or aria_hidden
        block = None
        if self.skip_depth == 0 and not skipping and (tag in BLOCKS or "data-listen-part" in flags):
            self._flush()
            block = self.next_block
            self.next_block += 1
        elif self.skip_depth == 0 and (tag in BREAKS or skipping):
            self._flush()
        if skipping:
            self.skip_depth += 1
        if lang and self.skip_depth == 0:
            # Text in another language is never joined with the text around it.
            self._flush()
            self.languages.append((len(self.stack), lang))
        self.stack.append((tag, block, skipping))

    def end(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _b, _s in self.stack):
            return  # a stray end tag: ignore it
        while self.stack:
            open_tag, block, skipping = self.stack[-1]
            if self.skip_depth == 0 and (block is not None or open_tag in BREAKS):
                self._flush()
            if self.languages and self.languages[-1][0] == len(self.stack) - 1:
                self._flush()
                self.languages.pop()
            self.stack.pop()
            if skipping:
                self.skip_depth -= 1
            if open_tag == tag:
                break

    def feed(self, source: str) -> None:
        for token in _TOKEN.finditer(source):
            if len(self.spoken.sentences) >= MAX_SENTENCES:
                del self.spoken.sentences[MAX_SENTENCES:], self.spoken.blocks[MAX_SENTENCES:]
                del self.spoken.languages[MAX_SENTENCES:]
                return
            if token.group("text") is not None:
                if self.skip_depth == 0:
                    self.buffer.append(token.group("text"))
            elif token.group("tag") is not None:
                tag = token.group("tag").lower()
                if token.group("end"):
                    self.end(tag)
                else:
                    self.start(tag, token.group("attrs").rstrip("/"))
                    if token.group("attrs").endswith("/") and tag not in VOID:
                        self.end(tag)
        self._flush()


_MAIN_START = re.compile(r"<main\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_MAIN_END = re.compile(r"</main\s*>", re.I)


def read_page(page: str) -> Spoken:
    """The sentences a page's <main> says, in order."""
    start = _MAIN_START.search(page)
    if start is None:
        return Spoken()
    end = _MAIN_END.search(page, start.end())
    reader = _Reader()
    reader.feed(page[start.end():end.start() if end else len(page)])
    return reader.spoken
