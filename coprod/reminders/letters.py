"""The meeting pack by post: the letters, laid out to GOV.UK Notify's letter specification.

Notify prints and posts a "precompiled letter": our own PDF, A4, at most 10 pages (5 sheets printed
on both sides) and 2 MB, with the address in a fixed block that shows through the envelope's
window, and nothing in the top-left corner (where Notify prints its mark). A pack longer than that
goes in several letters. Each letter starts with its own cover page (the address, the board's words,
and "letter 1 of 3"), then up to 9 pages of the pack. The pack's own page numbers ("Page 12 of 20")
run on across the letters, so the pages go back in order.

The pack is the printed pack's page (coprod.meetings.views.pack_document), as someone signed out
sees it: only a published agenda, no draft, nobody's private words. It is made in the person's
language, in standard or large print as they chose.

Nothing is kept: the PDF is made when the letter is sent (or when the secretary downloads it to post
it by hand), and dropped. The address is on the cover only.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, render_template
from flask_babel import force_locale

LETTER_PAGES = 10          # Notify's most pages in one letter
PACK_PAGES_PER_LETTER = LETTER_PAGES - 1  # the cover page takes one
MAX_BYTES = 2 * 1024 * 1024  # Notify's largest letter file


@dataclass(frozen=True)
class PackLetter:
    meeting_id: int
    board_slug: str
    language: str
    large_print: bool
    address_lines: tuple[str, ...]
    words: str             # the board's words for the cover; empty: the default words
    person_name: str


def address_lines(name: str, address: str | None) -> tuple[str, ...]:
    """The lines in the envelope's window: the person's name, then their address (coprod/reminders/postal.py)."""
    from coprod.reminders import postal

    return (" ".join(name.split())[:postal.LINE_LENGTH], *postal.lines_of(address))


def letters(letter: PackLetter) -> list[bytes]:
    """The PDFs to post, one per letter (most packs: one). Raises werkzeug's NotFound when the
    agenda is no longer published."""
    return [document.write_pdf() for document in _letters(letter)]


def printable(letter: PackLetter) -> bytes:
    """Every letter in one PDF, one after another: for the secretary to print and post by hand."""
    documents = _letters(letter)
    return documents[0].copy([page for document in documents for page in document.pages]).write_pdf()


def _letters(letter: PackLetter) -> list:
    from coprod.meetings import pack_pdf
    from coprod.meetings.services import meeting_on
    from coprod.meetings.views import pack_document

    size = "large" if letter.large_print else "standard"
    # A fresh app context: the pack is read as nobody signed in, whoever asked for it (a worker, or
    # the secretary downloading it to post by hand), with its own database session.
    with current_app.app_context(), current_app.test_request_context(
            f"/boards/{letter.board_slug}/meetings/{letter.meeting_id}/pack.pdf",
            base_url=current_app.config["PUBLIC_URL"]), force_locale(letter.language):
        pack = pack_pdf.document(pack_document(letter.board_slug, letter.meeting_id), size)
        meeting = meeting_on(g.board, letter.meeting_id)  # pack_document found the board and the meeting
        pages = pack.pages
        parts = [pages[start:start + PACK_PAGES_PER_LETTER] for start in range(0, len(pages), PACK_PAGES_PER_LETTER)]
        made = []
        for number, part in enumerate(parts, start=1):
            cover = _cover(letter, meeting, size, number, len(parts))
            made.append(cover.copy(cover.pages[:1] + part))
        return made


def _cover(letter: PackLetter, meeting, size: str, number: int, total: int):
    from flask_weasyprint import HTML, make_url_fetcher

    from coprod.models import ReminderKind
    from coprod.reminders.words import DEFAULT_WORDS

    html = render_template("reminders/pack_letter.html", meeting=meeting, letter=letter, size=size,
                           number=number, total=total,
                           words=letter.words.strip() or str(DEFAULT_WORDS[ReminderKind.PACK_BY_POST]))
    return HTML(string=html, url_fetcher=make_url_fetcher(next_fetcher=False)).render()
