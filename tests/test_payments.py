"""Involvement payments and expenses (issue 17): a self-advocate who came to a meeting claims the
board's payment and their travel with a receipt photo; the secretary asks a question, approves and
marks it paid; the person sees "paid". Nobody else sees it; the finance file is guarded; bad input
gets a message by the field; erasure and retention keep only the anonymous payment fact."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from conftest import run_worker
from coprod.models import Attendance, AuditEvent, Board, Meeting, MeetingStatus, Role, utcnow
from coprod.models.payment import ClaimStatus, PaymentClaim
from test_my_data import _ask_for_my_data, _download_link, _zip, worker  # noqa: F401 (a fixture)

ACCOUNT = "12345678"
SORT = "12-34-56"


def _photo(kind: str = "JPEG", secret: str = "SecretCam") -> io.BytesIO:
    """A small receipt photo; a JPEG carries EXIF (a camera name) that must not be kept."""
    image = Image.new("RGB", (300, 200), (250, 250, 240))
    out = io.BytesIO()
    if kind == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = secret  # Make
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, kind)
    out.seek(0)
    return out


@pytest.fixture(autouse=True)
def receipt_folder(app, tmp_path, monkeypatch):
    """Each test's receipt photos in a folder of its own."""
    monkeypatch.setitem(app.config, "RECEIPT_DIR", str(tmp_path / "receipts"))


@pytest.fixture
def held(cast, db, signed_in):
    """A meeting that happened, which Sam (a member) said he was coming to; the board pays £25 and up
    to £20 travel (set by the secretary through the page)."""
    office = signed_in(cast.secretary)
    response = office.post("/boards/riverside-ld/payments/amounts", {"involvement": "25", "travel_max": "£20.00"})
    assert response.status_code == 302
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", starts_dt=utcnow() - timedelta(days=2),
                          place="The library", status=MeetingStatus.HELD)
        session.add(meeting)
        session.flush()
        session.add(Attendance(meeting_id=meeting.id, user_id=cast.member.id, coming=True))
        return meeting.id


def _claim_url(meeting_id: int) -> str:
    return f"/boards/riverside-ld/meetings/{meeting_id}/payment"


def _claim(client, meeting_id, **extra):
    data = {"travel": "4.50", "receipt": (_photo(), "ticket.jpg"), "pay_by": "bank", "account_name": "S Taylor",
            "sort_code": SORT, "account_number": ACCOUNT}
    data.update(extra)
    return client.post(_claim_url(meeting_id), data, content_type="multipart/form-data")


def test_claim_question_answer_approve_paid(app, cast, signed_in, db, held, caplog):
    board = db.get(Board, cast.board.id)
    assert (board.involvement_pence, board.travel_max_pence) == (2500, 2000)
    sam = signed_in(cast.member)
    meeting_page = sam.get(f"/boards/riverside-ld/meetings/{held}").get_data(as_text=True)
    assert "Claim your payment" in meeting_page
    assert "The board pays you £25.00 for coming." in sam.get(_claim_url(held)).get_data(as_text=True)

    # Chris, a supporter, helps Sam make the claim.
    assert sam.post("/helping", {"helper": str(cast.supporter.id)}).status_code == 302
    with caplog.at_level(logging.DEBUG):
        response = _claim(sam, held)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    claim = db.scalar(select(PaymentClaim))
    assert (claim.involvement_pence, claim.travel_pence, claim.total_pence) == (2500, 450, 2950)
    assert claim.status == ClaimStatus.SENT and claim.helper_id == cast.supporter.id
    assert claim.account_last4 == "5678" and ACCOUNT not in (claim.bank_sealed or "") and claim.bank_sealed
    receipt_file = Path(app.config["RECEIPT_DIR"]) / claim.receipt_name
    assert receipt_file.is_file() and b"SecretCam" not in receipt_file.read_bytes()

    mine = sam.get(_claim_url(held)).get_data(as_text=True)
    assert "Total: £29.50." in mine and "Bank account ending 5678." in mine and ACCOUNT not in mine
    assert "Sent. Waiting for the secretary." in mine and "Chris Morgan helped with this." in mine
    photo = sam.get(f"/boards/riverside-ld/payments/{claim.id}/receipt")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert "no-store" in photo.headers["Cache-Control"]

    # The secretary sees it, masked, and asks a question.
    office = signed_in(cast.secretary)
    listed = office.get(f"/boards/riverside-ld/meetings/{held}/payments").get_data(as_text=True)
    assert "Sam Taylor" in listed and "£29.50" in listed and "ending 5678" in listed and ACCOUNT not in listed
    assert f"/boards/riverside-ld/meetings/{held}/payments" in office.get(
        f"/boards/riverside-ld/meetings/{held}/manage").get_data(as_text=True)
    review = f"/boards/riverside-ld/payments/{claim.id}"
    page = office.get(review).get_data(as_text=True)
    assert "Chris Morgan helped with this." in page and "See the photo of the receipt" in page
    assert office.get(review + "/receipt").status_code == 200
    question = "Was it a return ticket?"
    assert office.post(review, {"question": question}).status_code == 302
    assert db.get(PaymentClaim, claim.id).status == ClaimStatus.QUESTION

    # Marking it paid before approving is refused and changes nothing.
    office.post(review + "/paid")
    assert db.get(PaymentClaim, claim.id).status == ClaimStatus.QUESTION

    mine = sam.get(_claim_url(held)).get_data(as_text=True)
    assert "The secretary has a question." in mine and question in mine
    response = sam.post(_claim_url(held) + "/answer", {"answer": "Yes, there and back."})
    assert response.status_code == 302
    answered = db.get(PaymentClaim, claim.id)
    assert answered.status == ClaimStatus.ANSWERED and answered.answer_text == "Yes, there and back."
    assert "Yes, there and back." in office.get(review).get_data(as_text=True)

    assert office.post(review + "/approve").status_code == 302
    assert db.get(PaymentClaim, claim.id).status == ClaimStatus.APPROVED
    assert "Approved." in sam.get(_claim_url(held)).get_data(as_text=True)
    assert office.post(review + "/paid").status_code == 302
    paid = db.get(PaymentClaim, claim.id)
    assert paid.status == ClaimStatus.PAID and paid.paid_by_id == cast.secretary.id and paid.paid_dt
    assert "Paid." in sam.get(_claim_url(held)).get_data(as_text=True)
    assert "Paid." in sam.get(f"/boards/riverside-ld/meetings/{held}").get_data(as_text=True)

    # The finance file: bank details in full, every cell guarded.
    with caplog.at_level(logging.DEBUG):
        spreadsheet = office.get(f"/boards/riverside-ld/meetings/{held}/payments.csv")
    assert spreadsheet.status_code == 200 and spreadsheet.mimetype == "text/csv"
    assert "no-store" in spreadsheet.headers["Cache-Control"]
    [row] = list(csv.DictReader(io.StringIO(spreadsheet.get_data(as_text=True))))
    assert row["name"] == "Sam Taylor" and row["total"] == "29.50" and row["travel"] == "4.50"
    assert row["involvement"] == "25.00" and row["sort_code"] == SORT and row["account_number"] == ACCOUNT
    assert row["account_name"] == "S Taylor" and row["status"] == "paid" and row["helped_by"] == "Chris Morgan"

    # Audited: who did what to which claim; never an amount, a bank detail or anyone's words.
    events = db.scalars(select(AuditEvent).where(AuditEvent.action.like("payment.%")))
    actions = {event.action for event in events}
    assert actions >= {"payment.settings", "payment.claim", "payment.question", "payment.answer",
                       "payment.approve", "payment.paid", "payment.csv"}
    assert next(e for e in events if e.action == "payment.claim").helper_id == cast.supporter.id
    for event in events:
        for secret in (ACCOUNT, "5678", "29.50", "4.50", "return ticket", "there and back", "S Taylor"):
            assert secret not in (event.detail or ""), (event.action, secret)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert ACCOUNT not in logged and "S Taylor" not in logged and "29.50" not in logged


def test_nobody_else_sees_a_claim(app, cast, signed_in, db, held, make_client):
    assert _claim(signed_in(cast.member), held).status_code == 302
    claim = db.scalar(select(PaymentClaim))
    for person in (cast.carer, cast.supporter, cast.commissioner, cast.outsider):
        other = signed_in(person)
        for url in (f"/boards/riverside-ld/meetings/{held}", _claim_url(held)):
            html = other.get(url).get_data(as_text=True)
            assert "£29.50" not in html and "5678" not in html, (person.name, url)
        assert other.get(f"/boards/riverside-ld/payments/{claim.id}/receipt").status_code in (403, 404)
        assert other.get(f"/boards/riverside-ld/payments/{claim.id}").status_code == 403
        assert other.get(f"/boards/riverside-ld/meetings/{held}/payments.csv").status_code == 403
        assert other.post(f"/boards/riverside-ld/payments/{claim.id}/approve").status_code == 403
    anonymous = make_client()
    assert anonymous.get(f"/boards/riverside-ld/payments/{claim.id}/receipt").status_code == 302
    assert db.get(PaymentClaim, claim.id).status == ClaimStatus.SENT


def test_who_may_claim(cast, signed_in, db, held, factory):
    # Did not say they were coming; a commissioner; a meeting still to come.
    margaret = signed_in(cast.carer)
    assert "You can claim if you came to the meeting." in margaret.get(_claim_url(held)).get_data(as_text=True)
    assert _claim(margaret, held).status_code == 400
    with db.context() as session:
        session.add(Attendance(meeting_id=held, user_id=cast.commissioner.id, coming=True))
        future = Meeting(board_id=cast.board.id, title="Next", starts_dt=utcnow() + timedelta(days=5),
                         place="Hall", status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(future)
        session.flush()
        session.add(Attendance(meeting_id=future.id, user_id=cast.member.id, coming=True))
        future_id = future.id
    david = signed_in(cast.commissioner)
    assert "Only self-advocates and family carers" in david.get(_claim_url(held)).get_data(as_text=True)
    assert _claim(david, held).status_code == 400
    sam = signed_in(cast.member)
    assert "You can claim after the meeting." in sam.get(_claim_url(future_id)).get_data(as_text=True)
    assert _claim(sam, future_id).status_code == 400
    assert db.scalars(select(PaymentClaim)) == []
    # One claim per meeting: sending again changes nothing.
    assert _claim(sam, held).status_code == 302
    assert _claim(sam, held, travel="1").status_code == 400
    [claim] = db.scalars(select(PaymentClaim))
    assert claim.travel_pence == 450


@pytest.mark.parametrize("fields, field, message", [
    ({"travel": "-5"}, "travel", "cannot be less than nothing"),
    ({"travel": "abc"}, "travel", "numbers only"),
    ({"travel": "9" * 5000}, "travel", "too long"),
    ({"travel": "1e3"}, "travel", "numbers only"),
    ({"travel": "4.555"}, "travel", "numbers only"),
    ({"travel": "25"}, "travel", "The most you can claim for travel is £20.00."),
    ({"travel": "٣"}, "travel", "numbers only"),
    ({"sort_code": "12345"}, "sort_code", "A sort code is 6 numbers."),
    ({"account_number": "abcdefgh"}, "account_number", "An account number is 8 numbers."),
    ({"account_number": "1" * 3000}, "account_number", "too long"),
    ({"account_name": ""}, "account_name", "Type the name on the bank account."),
    ({"receipt": (io.BytesIO(b""), "")}, "receipt", "Add a photo of your ticket or receipt."),
    ({"receipt": (io.BytesIO(b"not a photo at all"), "x.jpg")}, "receipt", "not a photo we can use"),
    ({"receipt": (_photo("GIF"), "x.gif")}, "receipt", "not a photo we can use"),
    ({"pay_by": "cheque"}, "pay_by", "Choose one of the answers shown."),
])
def test_bad_input_gets_a_message_by_the_field(cast, signed_in, db, held, fields, field, message):
    response = _claim(signed_in(cast.member), held, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:500]
    assert "There is a problem" in html and message in html
    assert f'id="{field}-error"' in html or f'id="{field}-0' in html
    typed = fields.get(field)
    if isinstance(typed, str) and typed and len(typed) < 100 and field != "pay_by":
        assert f'value="{typed}"' in html, "what was typed is kept"
    assert db.scalars(select(PaymentClaim)) == []


def test_a_png_receipt_and_no_travel_and_another_way_to_pay(cast, signed_in, db, held):
    sam = signed_in(cast.member)
    response = sam.post(_claim_url(held), {"travel": "", "pay_by": "ask"}, content_type="multipart/form-data")
    assert response.status_code == 302
    claim = db.scalar(select(PaymentClaim))
    assert (claim.travel_pence, claim.receipt_name, claim.bank_sealed) == (0, None, None)
    assert "Talk to the secretary about how to pay." in sam.get(_claim_url(held)).get_data(as_text=True)
    with db.context() as session:
        session.delete(session.get(PaymentClaim, claim.id))
    assert _claim(sam, held, receipt=(_photo("PNG"), "r.png"), travel="20").status_code == 302
    assert db.scalar(select(PaymentClaim)).travel_pence == 2000


@pytest.mark.parametrize("typed, message", [
    ("-1", "cannot be less than nothing"), ("ten", "numbers only"), ("£1,000,000", "more than £10,000.00"),
    ("1" * 4500, "too long"), ("", "Type an amount."), ("   ", "Type an amount."),
])
def test_the_amounts_refuse_bad_input(cast, signed_in, db, typed, message):
    office = signed_in(cast.secretary)
    response = office.post("/boards/riverside-ld/payments/amounts", {"involvement": typed, "travel_max": "5"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.get(Board, cast.board.id).involvement_pence == 0


def test_a_board_that_pays_nothing_offers_nothing(cast, signed_in, db):
    with db.context() as session:
        meeting = Meeting(board_id=cast.board.id, title="Board meeting", starts_dt=utcnow() - timedelta(days=2),
                          place="The library", status=MeetingStatus.HELD)
        session.add(meeting)
        session.flush()
        session.add(Attendance(meeting_id=meeting.id, user_id=cast.member.id, coming=True))
        meeting_id = meeting.id
    sam = signed_in(cast.member)
    assert "Claim your payment" not in sam.get(f"/boards/riverside-ld/meetings/{meeting_id}").get_data(as_text=True)
    assert "This board does not pay" in sam.get(_claim_url(meeting_id)).get_data(as_text=True)


def _paid_claim(cast, signed_in, db, held) -> int:
    assert _claim(signed_in(cast.member), held).status_code == 302
    claim_id = db.scalar(select(PaymentClaim)).id
    office = signed_in(cast.secretary)
    office.post(f"/boards/riverside-ld/payments/{claim_id}/approve")
    office.post(f"/boards/riverside-ld/payments/{claim_id}/paid")
    assert db.get(PaymentClaim, claim_id).status == ClaimStatus.PAID
    return claim_id


def test_my_data_has_the_claims_and_the_receipt(app, cast, signed_in, db, worker, held):  # noqa: F811
    sam = signed_in(cast.member)
    assert _claim(sam, held).status_code == 302
    _ask_for_my_data(sam)
    run_worker(worker)
    files = _zip(sam.get(_download_link(sam, db, cast.member.id)))
    data = json.loads(files["my-data.json"])
    [mine] = data["payments"]
    assert mine["total_pence"] == 2950 and mine["account_ending"] == "5678" and mine["status"] == "sent"
    assert files[mine["receipt"]][:2] == b"\xff\xd8", "the receipt photo is in the file"
    everything = b"\n".join(files.values())
    assert ACCOUNT.encode() not in everything, "the file shows bank details masked"
    page = next(body for name, body in files.items() if name.endswith(".html")).decode()
    assert "Total: £29.50." in page


def test_erasure_keeps_only_the_anonymous_payment_fact(app, cast, signed_in, db, held):
    claim_id = _paid_claim(cast, signed_in, db, held)
    paid_receipt = Path(app.config["RECEIPT_DIR"]) / db.get(PaymentClaim, claim_id).receipt_name
    with db.context() as session:  # a second claim, not paid yet
        later = Meeting(board_id=cast.board.id, title="Later meeting", starts_dt=utcnow() - timedelta(days=1),
                        place="Hall", status=MeetingStatus.HELD)
        session.add(later)
        session.flush()
        session.add(Attendance(meeting_id=later.id, user_id=cast.member.id, coming=True))
        later_id = later.id
    sam = signed_in(cast.member)
    assert _claim(sam, later_id).status_code == 302
    unpaid = db.scalar(select(PaymentClaim).where(PaymentClaim.meeting_id == later_id))
    unpaid_receipt = Path(app.config["RECEIPT_DIR"]) / unpaid.receipt_name

    assert sam.post("/account/erase", {"confirm": "yes"}).status_code == 302
    [kept] = db.scalars(select(PaymentClaim))
    assert kept.id == claim_id and kept.user_id is None and kept.total_pence == 2950 and kept.paid_dt
    assert (kept.bank_sealed, kept.account_last4, kept.account_name, kept.receipt_name, kept.helper_name) == \
        (None, None, None, None, None)
    assert not paid_receipt.exists() and not unpaid_receipt.exists()
    office = signed_in(cast.secretary)
    [row] = list(csv.DictReader(io.StringIO(office.get(
        f"/boards/riverside-ld/meetings/{held}/payments.csv").get_data(as_text=True))))
    assert row["name"] == "[erased]" and row["total"] == "29.50" and row["account_number"] == ""
    assert office.get(f"/boards/riverside-ld/payments/{claim_id}").status_code == 404


def test_retention_deletes_bank_details_and_receipts_after_payment(app, cast, signed_in, db, held):
    from coprod.extensions import db as app_db
    from coprod.privacy import retention

    claim_id = _paid_claim(cast, signed_in, db, held)
    receipt = Path(app.config["RECEIPT_DIR"]) / db.get(PaymentClaim, claim_id).receipt_name
    orphan = Path(app.config["RECEIPT_DIR"]) / ("a" * 32 + ".jpg")

    orphan.write_bytes(b"left by a request that died")
    with app.test_request_context():
        soon = retention.payment_details(utcnow() + timedelta(days=89), dry_run=True)
        assert (soon["bank_details"], soon["receipts"]) == (0, 0)
        assert retention.payment_details(utcnow())["unused_receipts"] == 0, "a file made just now may be a claim's"
        removed = retention.payment_details(utcnow() + timedelta(days=91))
        assert removed == {"bank_details": 1, "receipts": 1, "unused_receipts": 1}
        app_db.session.commit()
    claim = db.get(PaymentClaim, claim_id)
    assert claim.bank_sealed is None and claim.account_last4 is None and claim.bank_deleted_dt is not None
    assert claim.receipt_name is None and claim.total_pence == 2950 and claim.user_id == cast.member.id
    assert not receipt.exists() and not orphan.exists()
    page = signed_in(cast.member).get(_claim_url(held)).get_data(as_text=True)
    assert "The bank details were deleted after the payment." in page and "Paid." in page


def test_the_pages_work_in_welsh_and_urdu(cast, signed_in, db, held):
    sam, office = signed_in(cast.member), signed_in(cast.secretary)
    _claim(sam, held)
    claim_id = db.scalar(select(PaymentClaim)).id
    for locale, direction in (("cy", "ltr"), ("ur", "rtl")):
        for client, url in ((sam, _claim_url(held)), (office, f"/boards/riverside-ld/payments/{claim_id}"),
                            (office, f"/boards/riverside-ld/meetings/{held}/payments"),
                            (office, "/boards/riverside-ld/payments/amounts")):
            client.post("/language", {"locale": locale, "next": "/"})
            response = client.get(url)
            assert response.status_code == 200 and f'lang="{locale}" dir="{direction}"' in response.get_data(
                as_text=True), (locale, url)


def test_a_claim_on_another_board_is_not_found(cast, signed_in, db, held, factory):
    assert _claim(signed_in(cast.member), held).status_code == 302
    claim_id = db.scalar(select(PaymentClaim)).id
    other_secretary = factory.person("Other Secretary", board=cast.other_board, role=Role.SECRETARY)
    office = signed_in(other_secretary)
    assert office.get(f"/boards/other-board/payments/{claim_id}").status_code == 404
    assert office.get(f"/boards/other-board/payments/{claim_id}/receipt").status_code == 404
    assert office.get(f"/boards/other-board/meetings/{held}/payments.csv").status_code == 404


def test_the_finance_file_guards_every_cell_against_formulas(cast, signed_in, db, held):
    from test_csv_guard import DANGEROUS

    with db.context() as session:
        session.get(Meeting, held).title = DANGEROUS[0]
    sam = signed_in(cast.member)
    assert _claim(sam, held, account_name="=HYPERLINK(\"http://evil.test\")").status_code == 302
    claim_id = db.scalar(select(PaymentClaim)).id
    office = signed_in(cast.secretary)
    assert office.post(f"/boards/riverside-ld/payments/{claim_id}/approve").status_code == 302
    with db.context() as session:
        session.get(PaymentClaim, claim_id).helper_name = "+1+1"
    text = office.get(f"/boards/riverside-ld/meetings/{held}/payments.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["account_name"] == "'=HYPERLINK(\"http://evil.test\")"
    assert row["meeting"] == "'" + DANGEROUS[0] and row["helped_by"] == "'+1+1"
    assert all(not value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in row.values())


def test_at_a_meeting_with_check_in_only_people_checked_in_can_claim(cast, signed_in, db, held):
    """Sam said "I am coming" but was not checked in on the day; Margaret never answered but was
    checked in. Once the secretary used check-in, the check-in says who came."""
    from coprod.models import CheckIn

    with db.context() as session:
        session.add(CheckIn(meeting_id=held, user_id=cast.carer.id, by_id=cast.secretary.id, how="card"))
    sam, margaret = signed_in(cast.member), signed_in(cast.carer)
    page = sam.get(_claim_url(held)).get_data(as_text=True)
    assert "You can claim if you were checked in at the meeting." in page
    assert _claim(sam, held).status_code == 400
    assert f"/meetings/{held}/payment" in margaret.get(f"/boards/riverside-ld/meetings/{held}").get_data(as_text=True)
    assert _claim(margaret, held).status_code == 302
    assert [c.user_id for c in db.scalars(select(PaymentClaim))] == [cast.carer.id]
    # Sam's meeting page offers him nothing to claim.
    assert f"/meetings/{held}/payment" not in sam.get(f"/boards/riverside-ld/meetings/{held}").get_data(as_text=True)


def test_the_claims_list_is_a_page_at_a_time_with_the_total_of_all(cast, signed_in, db, held, factory):
    with db.context() as session:
        for n in range(52):
            person = factory.person(f"Person {n:02d}", board=cast.board)
            session.add(PaymentClaim(board_id=cast.board.id, meeting_id=held, user_id=person.id,
                                     involvement_pence=2500, travel_pence=n))
    office = signed_in(cast.secretary)
    url = f"/boards/riverside-ld/meetings/{held}/payments"
    first = office.get(url).get_data(as_text=True)
    total = 52 * 2500 + sum(range(52))
    assert "52 claims." in first and f"£{total / 100:,.2f}" in first
    assert "Person 00" in first and "Person 49" in first and "Person 50" not in first
    second = office.get(url + "?page=2").get_data(as_text=True)
    assert "Person 50" in second and "Person 51" in second and "Person 49" not in second


def test_a_photo_chosen_is_kept_when_another_answer_needs_fixing(app, cast, signed_in, db, held):
    """Nothing is lost: the photo sent with a form that had a mistake is kept for the next try, for
    this person only; once the claim is saved, only the claim's own copy is left."""
    from pathlib import Path

    sam = signed_in(cast.member)
    response = _claim(sam, held, sort_code="12345")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A sort code is 6 numbers." in page and "We kept the photo you chose." in page
    folder = Path(app.config["RECEIPT_DIR"])
    assert len(list(folder.glob("*.jpg"))) == 1
    # Someone else on another browser does not get Sam's photo.
    margaret = signed_in(cast.carer)
    with db.context() as session:
        session.add(Attendance(meeting_id=held, user_id=cast.carer.id, coming=True))
    assert "We kept the photo" not in margaret.get(_claim_url(held)).get_data(as_text=True)
    # Sam sends it again, without choosing the photo again.
    response = _claim(sam, held, receipt=(io.BytesIO(b""), ""))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    [claim] = db.scalars(select(PaymentClaim))
    assert claim.receipt_name and claim.travel_pence == 450
    assert [p.name for p in folder.glob("*.jpg")] == [claim.receipt_name]
    assert "We kept the photo" not in sam.get(_claim_url(held)).get_data(as_text=True)
