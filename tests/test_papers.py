"""Papers for agenda items, through HTTP: the secretary adds a PDF with its easy-read version (or why
there is none); the agenda cannot be published while a paper has neither; everyone sees the papers
once the agenda is public, opened in a sandbox; bad files get an easy-read message next to the field
and nothing typed is lost; files go when the paper goes, and orphans after a day."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import weasyprint
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from coprod.models import AgendaItem, AuditEvent, Meeting, MeetingStatus, Role, utcnow
from coprod.models.paper import Paper

BOARD = "/boards/riverside-ld"
ERROR = re.compile(r'<p class="field-error" id="([a-z_]+)-error"><span class="visually-hidden">[^<]*</span>\s*([^<]+)</p>')


def _pdf(*pages: str) -> bytes:
    """A real PDF, one page per text."""
    html = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    return weasyprint.HTML(string=html).write_pdf()


def _errors(response) -> dict[str, str]:
    return {field: message.strip() for field, message in ERROR.findall(response.get_data(as_text=True))}


def _meeting(db, cast, status=MeetingStatus.TAKING_QUESTIONS) -> tuple[int, int]:
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting in spring", status=status,
                          starts_dt=utcnow() + timedelta(days=20), place="Riverside Library")
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, position=0, title="Homes", summary="Where people live.",
                          picture="house")
        session.add(item)
        session.flush()
        return meeting.id, item.id


def _add(office, meeting_id, item_id, **fields):
    form = {"title": "Housing plan 2027", "reason": ""}
    form.update({key: value for key, value in fields.items() if key not in ("paper", "easy_read")})
    for name in ("paper", "easy_read"):
        if fields.get(name) is not None:
            form[name] = (io.BytesIO(fields[name]), f"{name}.pdf")
    return office.post(f"{BOARD}/meetings/{meeting_id}/items/{item_id}/papers/new", form,
                       content_type="multipart/form-data")


def _publish(office, meeting_id):
    return office.post(f"{BOARD}/meetings/{meeting_id}/status", {"status": "agenda_published"})


def test_a_paper_with_its_easy_read_version_is_on_the_agenda_for_everyone(app, cast, db, signed_in, client):
    meeting_id, item_id = _meeting(db, cast)
    office = signed_in(cast.secretary)
    full, easy = _pdf("Housing plan", "Section 2", "Section 3"), _pdf("Easy words about homes")
    added = _add(office, meeting_id, item_id, paper=full, easy_read=easy)
    assert added.status_code == 302, added.get_data(as_text=True)[:3000]
    paper = db.scalar(select(Paper))
    assert (paper.title, paper.pages, paper.easy_pages, paper.byte_size) == ("Housing plan 2027", 3, 1, len(full))
    item_page = office.get(f"{BOARD}/meetings/{meeting_id}/items/{item_id}").get_data(as_text=True)
    assert "Housing plan 2027" in item_page and "The full paper: 3 pages." in item_page
    assert "Easy read version: 1 page." in item_page

    full_url = f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/full.pdf"
    easy_url = f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/easy-read.pdf"
    # Before the agenda is published: only the secretary.
    assert client.get(full_url).status_code == 404
    assert office.get(full_url).get_data() == full
    assert _publish(office, meeting_id).status_code == 302
    assert db.get(Meeting, meeting_id).status == MeetingStatus.AGENDA_PUBLISHED

    page = client.get(f"{BOARD}/meetings/{meeting_id}").get_data(as_text=True)
    assert "Papers to read" in page and "Easy read version (PDF, 1 page)" in page
    assert "The full paper (PDF, 3 pages)" in page
    assert page.index(easy_url) < page.index(full_url), "the easy-read version comes first"
    opened = client.get(easy_url)
    assert opened.status_code == 200 and opened.mimetype == "application/pdf" and opened.get_data() == easy
    assert opened.headers["Content-Security-Policy"] == "sandbox"
    assert opened.headers["X-Content-Type-Options"] == "nosniff"
    assert "Easy words about homes" in PdfReader(io.BytesIO(opened.get_data())).pages[0].extract_text()
    # The printed pack says where to find it.
    pack = client.get(f"{BOARD}/meetings/{meeting_id}/pack").get_data(as_text=True)
    assert "Housing plan 2027" in pack and f"http://localhost{BOARD}/meetings/{meeting_id}" in pack
    with app.app_context():
        from coprod.extensions import db as _db

        actions = _db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("paper.%"))).all()
    assert actions == ["paper.add"]


def test_the_agenda_waits_for_an_easy_read_version_or_a_reason(cast, db, signed_in, client):
    meeting_id, item_id = _meeting(db, cast)
    office = signed_in(cast.secretary)
    assert _add(office, meeting_id, item_id, paper=_pdf("Budget")).status_code == 302
    refused = _publish(office, meeting_id)
    assert refused.status_code == 302
    shown = office.get(refused.location).get_data(as_text=True)
    assert "has no easy-read version. Add it, or say why there is none." in shown
    assert db.get(Meeting, meeting_id).status == MeetingStatus.TAKING_QUESTIONS
    item_page = office.get(f"{BOARD}/meetings/{meeting_id}/items/{item_id}").get_data(as_text=True)
    assert "It needs an easy-read version, or a reason why there is none" in item_page

    paper = db.scalar(select(Paper))
    later = f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/easy-read"
    empty = office.post(later, {"reason": ""}, content_type="multipart/form-data")
    assert empty.status_code == 400
    assert _errors(empty) == {"easy_read": "Choose the easy-read PDF, or say why there is none."}
    assert office.post(later, {"reason": "The council is writing it. It comes next week."},
                       content_type="multipart/form-data").status_code == 302
    assert _publish(office, meeting_id).status_code == 302
    assert db.get(Meeting, meeting_id).status == MeetingStatus.AGENDA_PUBLISHED
    page = client.get(f"{BOARD}/meetings/{meeting_id}").get_data(as_text=True)
    assert "There is no easy-read version yet. <bdi>The council is writing it. It comes next week.</bdi>" in page
    assert "Easy read version (PDF" not in page

    # Published: a new paper needs its easy-read version or a reason at once.
    late = _add(office, meeting_id, item_id, title="Late paper", paper=_pdf("Late"))
    assert late.status_code == 400 and 'value="Late paper"' in late.get_data(as_text=True)
    assert _errors(late) == {"easy_read": "The agenda is published. Add the easy-read version, or say why there is none."}
    # The easy-read version comes; the old reason goes.
    easy = _pdf("Easy budget")
    assert office.post(later, {"easy_read": (io.BytesIO(easy), "easy.pdf"), "reason": ""},
                       content_type="multipart/form-data").status_code == 302
    assert client.get(f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/easy-read.pdf").get_data() == easy
    assert db.get(Paper, paper.id).no_easy_read_reason == ""


def test_bad_files_get_a_message_next_to_the_field_and_keep_what_was_typed(app, cast, db, signed_in, monkeypatch):
    meeting_id, item_id = _meeting(db, cast)
    office = signed_in(cast.secretary)
    folder = Path(app.config["PAPER_DIR"])
    before = set(folder.iterdir()) if folder.exists() else set()
    locked = PdfWriter()
    locked.add_blank_page(200, 200)
    locked.encrypt("secret")
    locked_bytes = io.BytesIO()
    locked.write(locked_bytes)
    cases = {
        "not a PDF": (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "This file is not a PDF. Choose a PDF file."),
        "empty": (b"", "This file is empty. Choose the PDF file again."),
        "broken": (b"%PDF-1.7\n" + os.urandom(300), "This PDF is broken. We cannot open it. Choose the PDF file again."),
        "locked": (locked_bytes.getvalue(), "This PDF is locked with a password. Choose a PDF without a password."),
    }
    for name, (data, message) in cases.items():
        response = _add(office, meeting_id, item_id, title=f"Paper {name}", paper=data, reason="Coming soon")
        assert response.status_code == 400, name
        assert _errors(response) == {"paper": message}, name
        page = response.get_data(as_text=True)
        assert f'value="Paper {name}"' in page and "Coming soon" in page, "nothing typed is lost"
    bad_easy = _add(office, meeting_id, item_id, paper=_pdf("Fine"), easy_read=b"not a pdf")
    assert _errors(bad_easy) == {"easy_read": "This file is not a PDF. Choose a PDF file."}
    no_file = _add(office, meeting_id, item_id, paper=None)
    assert _errors(no_file) == {"paper": "Choose the PDF file of the paper."}
    no_title = _add(office, meeting_id, item_id, title="   ", paper=_pdf("Fine"))
    assert _errors(no_title) == {"title": "Type a name for the paper."}
    from coprod.meetings import papers

    monkeypatch.setattr(papers, "MAX_BYTES", 1000)
    too_big = _add(office, meeting_id, item_id, paper=_pdf("Big " * 400))
    assert _errors(too_big) == {"paper": "This file is too big. It can be up to 20 MB."}
    assert db.scalar(select(func.count()).select_from(Paper)) == 0
    # Both files are checked before either is written: a refused paper leaves no file behind.
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_removing_a_paper_removes_its_files_and_orphans_go_after_a_day(app, cast, db, signed_in):
    meeting_id, item_id = _meeting(db, cast)
    office = signed_in(cast.secretary)
    assert _add(office, meeting_id, item_id, paper=_pdf("A"), easy_read=_pdf("B")).status_code == 302
    paper = db.scalar(select(Paper))
    folder = Path(app.config["PAPER_DIR"])
    files = [folder / paper.file_name, folder / paper.easy_file_name]
    assert all(path.is_file() for path in files)
    remove = f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/remove"
    assert "Take this paper off the agenda?" in office.get(remove).get_data(as_text=True)
    assert office.post(remove, {}).status_code == 302
    assert db.scalar(select(func.count()).select_from(Paper)) == 0
    assert not any(path.exists() for path in files)

    # A file a failed request left behind: kept for a day (a request may be about to save it), then gone.
    orphan = folder / ("ab" * 16 + ".pdf")
    orphan.write_bytes(_pdf("Orphan"))
    with app.test_request_context():
        from coprod.extensions import db as _db
        from coprod.privacy import retention

        assert retention.run(utcnow())["unused_papers"] == {"files": 0}
        old = time.time() - 2 * 24 * 3600
        os.utime(orphan, (old, old))
        assert retention.run(utcnow())["unused_papers"] == {"files": 1}
        _db.session.commit()
    assert not orphan.exists()


def test_papers_are_only_for_their_own_board_and_meeting(cast, db, factory, signed_in, client):
    meeting_id, item_id = _meeting(db, cast)
    other_meeting, _other_item = _meeting(db, cast)
    office = signed_in(cast.secretary)
    assert _add(office, meeting_id, item_id, paper=_pdf("A"), reason="Later").status_code == 302
    paper = db.scalar(select(Paper))
    assert office.get(f"{BOARD}/meetings/{other_meeting}/papers/{paper.id}/full.pdf").status_code == 404
    assert office.get(f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/easy-read.pdf").status_code == 404
    assert office.get(f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/other.pdf").status_code == 404
    other_board = factory.board("hillside", "Hillside Board")
    stranger = signed_in(factory.person("Hilda Hill", board=other_board, role=Role.SECRETARY))
    for url in (f"{BOARD}/meetings/{meeting_id}/items/{item_id}/papers/new",
                f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/easy-read",
                f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/remove"):
        assert stranger.get(url).status_code in (403, 404), url
        assert signed_in(cast.member).get(url).status_code in (403, 404), url
    assert client.get(f"{BOARD}/meetings/{meeting_id}/papers/{paper.id}/full.pdf").status_code == 404
