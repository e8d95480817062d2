"""The picture library: uploads checked and cleaned, found by word, chosen when writing, removed safely."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from coprod.models import AgendaItem, AuditEvent, Meeting, MeetingStatus, Picture, Role, utcnow

ALT = "Our green bus outside the day centre."


def png(width=1200, height=800, colour=(20, 140, 70)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps_and_camera() -> bytes:
    """A photo as a phone makes it: camera make, a GPS position, and 'turn me a quarter' (6)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"        # Make
    exif[0x0110] = "Phone 12"          # Model
    exif[0x0112] = 6                   # Orientation: rotate 90 degrees to show
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 28.0, 40.0)
    gps[3], gps[4] = "W", (0.0, 7.0, 39.0)
    out = io.BytesIO()
    Image.new("RGB", (1600, 800), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bomb(width=50_000, height=50_000) -> bytes:
    """A few hundred bytes that claim to be a 50,000 x 50,000 picture (2.5 billion pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.fixture
def office(cast, signed_in):
    """The cast's board, its secretary, and a client signed in as her."""
    return cast.board, cast.secretary, signed_in(cast.secretary)


def upload(client, data: bytes | None, name="picture.png", **fields):
    form = {"alt_text": ALT, "search_words": "transport, day centre", **fields}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return client.post("/pictures/new", form, content_type="multipart/form-data")


def errors_of(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub("<[^>]+>", "", m)).replace("Error:", "").strip()
            for m in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html, re.S)]


def test_an_upload_is_resized_stripped_of_metadata_and_served_as_webp(office, db, client):
    _board, helen, secretary = office
    response = upload(secretary, jpeg_with_gps_and_camera(), name="IMG_0001.JPG")
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))
    picture = db.scalar(select(Picture))
    assert (picture.alt_text, picture.search_words, picture.uploaded_by_id) == (ALT, "transport, day centre", helen.id)
    # Turned upright as the phone asked, then made at most 512 px.
    assert (picture.width, picture.height) == (256, 512)
    assert not picture.file_name.startswith("IMG") and picture.file_name.endswith(".webp")

    page = secretary.get(response.location).get_data(as_text=True)
    assert f'alt="{ALT}"' in page
    served = client.get(f"/pictures/files/{picture.file_name}")
    assert served.status_code == 200
    assert served.mimetype == "image/webp"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    kept = Image.open(io.BytesIO(served.data))
    assert kept.format == "WEBP" and kept.size == (256, 512)
    assert not kept.getexif(), "no EXIF (camera, GPS) in what we serve"
    assert "exif" not in kept.info and "xmp" not in kept.info
    assert b"PhoneMaker" not in served.data and b"GPS" not in served.data
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "picture.upload")).actor_id == helen.id


@pytest.mark.parametrize("data, name, message", [
    (b"Dear Helen, this is a letter, not a picture.", "holiday.png", "not a picture we can use"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "logo.svg", "cannot use SVG"),
    (b"", "empty.png", "This file is empty"),
    (png_bomb(), "huge.png", "too many pixels"),
    (b"GIF89a" + b"\x00" * 40, "broken.gif", "not a picture we can use"),
])
def test_files_that_are_not_usable_pictures_are_refused_and_the_words_kept(office, db, data, name, message):
    _board, _helen, secretary = office
    response = upload(secretary, data, name=name, search_words="my own words")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert any(message in error for error in errors_of(html)), errors_of(html)
    assert ALT in html and 'value="my own words"' in html, "what was typed is kept"
    assert db.scalar(select(Picture)) is None


def test_a_picture_over_5_mb_is_refused_with_a_message_next_to_the_field(office, db):
    _board, _helen, secretary = office
    too_big = png() + b"\x00" * (5 * 1024 * 1024)  # a real PNG, padded past the limit
    response = upload(secretary, too_big)
    assert response.status_code == 400
    assert any("too big" in e and "5 MB" in e for e in errors_of(response.get_data(as_text=True)))
    assert db.scalar(select(Picture)) is None


def test_a_file_bigger_than_any_form_allows_gets_an_easy_read_page(office):
    _board, _helen, secretary = office
    response = upload(secretary, b"\x00" * (secretary.app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "<h1>The file is too big</h1>" in html and "Choose a smaller file" in html


def test_missing_alt_text_keeps_the_picture_and_the_words_and_says_what_to_do(office, db):
    _board, _helen, secretary = office
    response = upload(secretary, png(), alt_text="  ", search_words="bus, travel")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<p class="field-error" id="alt_text-error">.*Say what the picture shows', html, re.S)
    assert 'value="bus, travel"' in html
    assert "We have your picture. You do not need to choose it again." in html
    kept = re.search(r'name="kept" type="hidden" value="([0-9a-f]{32}\.webp)"', html).group(1)
    assert secretary.get(f"/pictures/new/{kept}").mimetype == "image/webp"
    assert db.scalar(select(Picture)) is None

    # Sent again with the alt text and no file: the waiting picture is used.
    done = secretary.post("/pictures/new", {"kept": kept, "alt_text": ALT, "search_words": "bus, travel"},
                          content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.scalar(select(Picture)).file_name == kept
    assert secretary.get(f"/pictures/new/{kept}").status_code == 404, "no longer waiting"


def test_no_file_at_all_says_choose_a_file(office):
    _board, _helen, secretary = office
    response = upload(secretary, None, kept="../../secret_key")
    assert response.status_code == 400
    assert "Choose a picture file." in errors_of(response.get_data(as_text=True))


def test_only_secretaries_and_admins_upload_and_remove(office, factory, signed_in, client):
    board, _helen, _secretary = office
    sam = signed_in(factory.person("Sam Taylor", board=board, role=Role.MEMBER))
    david = signed_in(factory.person("David Okafor", board=board, role=Role.COMMISSIONER))
    for person in (sam, david):
        assert upload(person, png()).status_code == 403
    assert upload(client, png()).status_code == 302  # signed out: sent to sign in
    admin = signed_in(factory.person("Priya Shah", is_admin=True, board=None))
    assert upload(admin, png()).status_code == 302


def test_search_finds_by_word_label_alt_text_and_search_words(office, client):
    _board, _helen, secretary = office
    assert upload(secretary, png()).status_code == 302
    by_alt = client.get("/pictures?q=green+bus").get_data(as_text=True)
    assert ALT in by_alt
    by_words = client.get("/pictures?q=day+cent").get_data(as_text=True)
    assert ALT in by_words
    meaning = client.get("/pictures?q=hospital").get_data(as_text=True)
    assert "/pictures/hospital.svg" in meaning and ALT not in meaning
    # Every OpenMoji symbol, by the words of its Unicode name.
    assert "/pictures/om-1f68d.svg" in client.get("/pictures?q=oncoming+bus").get_data(as_text=True)
    # In Welsh, the meanings' Welsh labels find them.
    client.post("/language", {"locale": "cy", "next": "/pictures"})
    assert "/pictures/hospital.svg" in client.get("/pictures?q=ysbyty").get_data(as_text=True)
    nothing = client.get("/pictures?q=zzzzqqq")
    assert nothing.status_code == 200


@pytest.fixture
def meeting(office, db):
    board, _helen, _secretary = office
    with db.context() as session:
        made = Meeting(board_id=board.id, title="Board meeting", place="Library", status=MeetingStatus.AGENDA_PUBLISHED,
                       starts_dt=utcnow() + timedelta(days=9))
        session.add(made)
        session.flush()
        return made.id


def test_choosing_an_uploaded_picture_for_an_agenda_item_saves_and_shows_it(office, meeting, db, client):
    _board, _helen, secretary = office
    assert upload(secretary, png()).status_code == 302
    picture = db.scalar(select(Picture))
    items = f"/boards/riverside-ld/meetings/{meeting}/items/new"
    typed = {"title": "Buses", "summary": "The bus company comes to talk to us.", "presenter": "Riverside Buses"}

    # Without JavaScript: "Find pictures" shows the same form with what it found; nothing is saved.
    found = secretary.post(items, {**typed, "picture": "talk", "picture-find": "green bus", "find_pictures": "picture"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "There is a problem" not in html
    assert f'value="{picture.name}"' in html and "We found 1 picture" in html
    assert 'value="Buses"' in html and "The bus company comes to talk to us." in html
    assert db.scalar(select(AgendaItem)) is None

    saved = secretary.post(items, {**typed, "picture": picture.name, "easy_read_ok": "y"})
    assert saved.status_code == 302
    assert db.scalar(select(AgendaItem)).picture == picture.name
    agenda = client.get(f"/boards/riverside-ld/meetings/{meeting}").get_data(as_text=True)
    assert f'src="/pictures/files/{picture.file_name}" alt="{ALT}"' in agenda


def test_a_picture_that_is_not_in_the_library_is_refused(office, meeting, db):
    _board, _helen, secretary = office
    response = secretary.post(f"/boards/riverside-ld/meetings/{meeting}/items/new",
                              {"title": "Buses", "picture": "upload-999", "easy_read_ok": "y"})
    assert response.status_code in (200, 400)
    assert "Choose a picture from the pictures shown." in errors_of(response.get_data(as_text=True))
    assert db.scalar(select(AgendaItem)) is None


def test_removing_a_picture_in_use_leaves_pages_working_with_a_plain_picture(office, meeting, db, client):
    _board, helen, secretary = office
    assert upload(secretary, png()).status_code == 302
    picture = db.scalar(select(Picture))
    with db.context() as session:
        session.add(AgendaItem(meeting_id=meeting, title="Buses", picture=picture.name))
    page = secretary.get(f"/pictures/upload-{picture.id}").get_data(as_text=True)
    assert "It is used in 1 place." in page
    file_url = f"/pictures/files/{picture.file_name}"

    assert secretary.post(f"/pictures/upload-{picture.id}/remove").status_code == 302
    removed = db.get(Picture, picture.id)
    assert removed.removed_dt is not None and removed.removed_by_id == helen.id
    assert client.get(file_url).status_code == 404, "the file is deleted"
    agenda = client.get(f"/boards/riverside-ld/meetings/{meeting}")
    assert agenda.status_code == 200
    html = agenda.get_data(as_text=True)
    assert "Buses" in html and file_url not in html and "/pictures/info.svg" in html
    assert ALT not in client.get("/pictures").get_data(as_text=True)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "picture.remove"))
    assert event.actor_id == helen.id and "used 1 times" in event.detail
    assert secretary.get(f"/pictures/upload-{picture.id}").status_code == 404
