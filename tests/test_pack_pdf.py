"""The meeting pack as a PDF (WeasyPrint), read back with pypdf: it opens, holds every agenda item in
easy read with its pictures, has page numbers, comes in standard and large print and in the reader's
language, and is only there for a meeting whose agenda is public."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from coprod.models import AgendaItem, Meeting, MeetingStatus, utcnow
from query_count import count_queries

BOARD = "/boards/riverside-ld"
ITEMS = [("Homes", "We talk about where people live.", "house"),
         ("Buses", "The buses are often late.", "bus"),
         ("Day centres", "Some day centres may close.", "building")]


def _meeting(db, cast, status=MeetingStatus.AGENDA_PUBLISHED) -> int:
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting in spring", status=status,
                          starts_dt=utcnow() + timedelta(days=20),
                          place="Riverside Library")
        session.add(meeting)
        session.flush()
        for position, (title, summary, picture) in enumerate(ITEMS):
            session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title, summary=summary,
                                   picture=picture))
        return meeting.id


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _text(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _font_size(data: bytes, words: str) -> float:
    """The size, in points, of the type `words` are printed in."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    for page in pypdfium2.PdfDocument(data):
        text = page.get_textpage()
        hit = text.search(words).get_next()
        if hit is not None:
            # WeasyPrint draws in CSS pixels, scaled by 0.75 to points; pdfium reports the size before that.
            return pdfium_c.FPDFText_GetFontSize(text.raw, hit[0]) * 0.75
    raise AssertionError(f"{words!r} is not in the PDF")


def _pictures_beside(data: bytes, words: str) -> int:
    """How many drawn shapes are just left of `words` on the page that has them, read by a real PDF
    renderer (pdfium). The symbols are SVG, which WeasyPrint draws as vector paths."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(data)
    for page in document:
        text = page.get_textpage()
        hit = text.search(words).get_next()
        if hit is None:
            continue
        left, bottom, _right, top = text.get_charbox(hit[0])
        shapes = [item.get_bounds() for item in page.get_objects(max_depth=5)
                  if item.type == pdfium_c.FPDF_PAGEOBJ_PATH]
        return sum(1 for (x0, y0, x1, y1) in shapes if x1 <= left and y0 < top + 20 and y1 > bottom - 40)
    raise AssertionError(f"{words!r} is not in the PDF")


def test_the_pack_pdf_holds_every_item_in_easy_read_with_pictures(cast, db, client):
    meeting_id = _meeting(db, cast)
    pack = client.get(f"{BOARD}/meetings/{meeting_id}/pack").get_data(as_text=True)
    standard_link = f"{BOARD}/meetings/{meeting_id}/pack.pdf?print=standard"
    large_link = f"{BOARD}/meetings/{meeting_id}/pack.pdf?print=large"
    assert standard_link in pack and large_link in pack, "the printed pack page offers both PDFs"

    response = client.get(standard_link)
    standard = _pdf(response)
    words = _text(standard)
    for title, summary, _picture in ITEMS:
        assert title in words and summary in words
    assert "Board meeting in spring" in words and "Riverside Library" in words and "My notes" in words
    # Each item starts a page: the pack's cover, then one page (or more) per item.
    assert len(standard.pages) >= len(ITEMS) + 1
    assert f"Page 1 of {len(standard.pages)}" in _text(PdfReader(io.BytesIO(
        client.get(standard_link).get_data())))
    for title, _summary, _picture in ITEMS:
        assert _pictures_beside(response.get_data(), title) >= 3, f"a picture beside {title}"
    assert _pictures_beside(response.get_data(), "Board meeting in spring") == 0, "the test can see no picture"
    # A tagged PDF (PDF/UA) in the page's language: a screen reader reads it in order, with headings.
    root = standard.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en"
    # What is not for paper stays out: the site's menus, the Listen control, the buttons.
    assert "Listen" not in words and "Sign in" not in words and "The pack as a PDF" not in words

    large_response = client.get(large_link)
    large = _pdf(large_response)
    summary = ITEMS[0][1]
    assert _font_size(response.get_data(), summary) == pytest.approx(14, abs=0.5), "standard: 14 point"
    assert _font_size(large_response.get_data(), summary) == pytest.approx(20, abs=0.5), "large print: 20 point"
    assert all(title in _text(large) for title, _summary, _picture in ITEMS)


def test_the_pdf_is_in_the_readers_language(cast, db, client):
    meeting_id = _meeting(db, cast)
    client.post("/language", {"locale": "cy", "next": "/"})
    welsh = _text(_pdf(client.get(f"{BOARD}/meetings/{meeting_id}/pack.pdf")))
    assert "Fy nodiadau" in welsh and "Tudalen 1 o" in welsh, welsh[:500]


def test_a_second_reader_gets_the_same_pdf_without_making_it_again(app, cast, db, client, make_client):
    from coprod.extensions import db as _db

    meeting_id = _meeting(db, cast)
    address = f"{BOARD}/meetings/{meeting_id}/pack.pdf"
    first = client.get(address)
    with app.app_context():
        engine = _db.engine
    with count_queries(engine) as counter:
        second = make_client().get(address)
    assert second.get_data() == first.get_data()
    assert counter.count <= 2, "served from the shared cache, not made again"


def test_only_a_public_agenda_has_a_pdf_and_bad_sizes_are_not_found(cast, db, client, signed_in):
    draft = _meeting(db, cast, status=MeetingStatus.TAKING_QUESTIONS)
    assert client.get(f"{BOARD}/meetings/{draft}/pack.pdf").status_code == 404
    # The secretary can print the draft to check it; it says it is a draft.
    office = signed_in(cast.secretary)
    assert "This agenda is a draft" in _text(_pdf(office.get(f"{BOARD}/meetings/{draft}/pack.pdf")))
    published = _meeting(db, cast)
    assert client.get(f"{BOARD}/meetings/{published}/pack.pdf?print=huge").status_code == 404
    assert client.get(f"{BOARD}/meetings/999999/pack.pdf").status_code == 404
