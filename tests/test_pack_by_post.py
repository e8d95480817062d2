"""The meeting pack by post (issue 17), end to end: a person asks for paper in their settings
(through HTTP), the clock moves, the worker's hourly job runs through the real queue, and a local
server answering as GOV.UK Notify's API receives each precompiled letter - checked as Notify checks
it (A4, at most 10 pages and 2 MB, the address in its block, the top-left corner clear) - once."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select

import test_reminders
from coprod.models import AgendaItem, Meeting, MeetingStatus, ReminderChoice, SentReminder, SentStatus

notify = test_reminders.notify  # the fixtures: a local server answering as Notify, and the moved clock
clock = test_reminders.clock
run_job = test_reminders.run_job

MEETING_STARTS = datetime(2027, 3, 10, 14, 0, tzinfo=timezone.utc)
ADDRESS = "Flat 2\n10 High Street\nRiverside\ncf10  1aa"
ITEMS = [("Homes", "We talk about where people live.", "house"),
         ("Buses", "The buses are often late.", "travel"),
         ("Day centres", "Some day centres may close.", "building")]


def _meeting(db, board, status=MeetingStatus.AGENDA_PUBLISHED, items=ITEMS) -> int:
    with db.context() as session:
        meeting = Meeting(board_id=board.id, title="Board meeting in spring", status=status,
                          starts_dt=MEETING_STARTS, place="Riverside Library")
        session.add(meeting)
        session.flush()
        for position, (title, summary, picture) in enumerate(items):
            session.add(AgendaItem(meeting_id=meeting.id, position=position, title=title, summary=summary,
                                   picture=picture))
        return meeting.id


def _ask_for_paper(client, **fields):
    data = {"how": "none", "mobile": "", "supporter_name": "", "supporter_email": "", "supporter_mobile": "",
            "pack_by_post": "y", "postal_address": ADDRESS}
    data.update(fields)
    return client.post("/settings/reminders", data)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_pack_is_posted_once_to_people_who_asked_for_paper(cast, signed_in, db, audio, notify, clock):
    sam, david = signed_in(cast.member), signed_in(cast.commissioner)
    page = sam.get("/settings/reminders")
    assert "Post the meeting pack to me on paper" in page.text and "Your board secretary can see your address" in page.text
    assert _ask_for_paper(sam).status_code == 302
    with db.context() as session:
        saved = session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == cast.member.id))
        assert saved.pack_by_post and saved.postal_address == "Flat 2\n10 High Street\nRiverside\nCF10 1AA"
    # David did not ask for paper.
    assert test_reminders._choose(david, how="none").status_code == 302
    meeting_id = _meeting(db, cast.board)

    clock.now = datetime(2027, 2, 20, 10, 0, tzinfo=timezone.utc)  # 18 days before: too soon to post
    run_job(audio)
    assert notify.letters == []

    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)  # 9 days before, the agenda is out
    run_job(audio, times=2)  # two workers at once, or the job run twice
    assert len(notify.letters) == 1, [letter["reference"] for letter in notify.letters]
    letter = notify.letters[0]
    assert letter["postage"] == "second"
    pages = notify.letter_text(0)
    cover = _flat(pages[0])
    assert "Your meeting pack" in cover and cast.member.name in cover
    assert "Board meeting in spring" in cover and "Riverside Library" in cover
    assert "CF10 1AA" in cover and "10 High Street" in cover
    assert "This is letter" not in cover  # a short pack is one letter
    pack = _flat(" ".join(pages[1:]))
    for title, summary, _picture in ITEMS:
        assert title in pack and summary in pack
    assert "Page 1 of" in pack  # the pack's own page numbers, under the cover
    with db.context() as session:
        sent = session.scalars(select(SentReminder).where(SentReminder.channel == "letter")).all()
        assert [(s.user_id, s.subject_id, s.status) for s in sent] == [(cast.member.id, meeting_id, SentStatus.SENT)]
        assert sent[0].provider_id  # Notify's id, to look the letter up

    clock.now = datetime(2027, 3, 2, 10, 0, tzinfo=timezone.utc)  # the next day: not posted again
    run_job(audio)
    assert len(notify.letters) == 1


def test_a_long_pack_goes_in_several_letters_and_a_failed_one_is_tried_again(cast, signed_in, db, audio, notify, clock):
    sam = signed_in(cast.member)
    assert _ask_for_paper(sam, pack_large_print="y").status_code == 302
    many = [(f"Item number {n}", "We talk about this part of the plan. " * 12, "info") for n in range(1, 15)]
    _meeting(db, cast.board, items=many)
    notify.fail_next = 1  # Notify is busy the first time
    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    run_job(audio)  # the worker's retry
    assert len(notify.letters) >= 2
    total = len(notify.letters)
    numbers = []
    for index in range(total):
        cover = _flat(notify.letter_text(index)[0])
        found = re.search(r"This is letter (\d+) of (\d+)", cover)
        assert found and int(found.group(2)) == total, cover
        numbers.append(int(found.group(1)))
    assert sorted(numbers) == list(range(1, total + 1))  # each letter once, none twice
    everything = _flat(" ".join(" ".join(notify.letter_text(i)[1:]) for i in range(total)))
    for title, _summary, _picture in many:
        assert title in everything
    assert len({letter["reference"] for letter in notify.letters}) == total


def test_no_letter_when_the_agenda_is_not_published_or_paper_is_turned_off(cast, signed_in, db, audio, notify, clock):
    sam = signed_in(cast.member)
    assert _ask_for_paper(sam).status_code == 302
    _meeting(db, cast.board, status=MeetingStatus.TAKING_QUESTIONS)
    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    assert notify.letters == []
    # Turning paper off deletes the address.
    assert _ask_for_paper(sam, pack_by_post="").status_code == 302
    with db.context() as session:
        saved = session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == cast.member.id))
        assert not saved.pack_by_post and saved.postal_address is None


def test_a_bad_address_gets_a_clear_message_and_keeps_what_was_typed(cast, signed_in, db):
    sam = signed_in(cast.member)
    page = _ask_for_paper(sam, postal_address="10 High Street\nRiverside")
    assert page.status_code == 200
    assert "at least 3 lines" in page.text and "10 High Street" in page.text
    page = _ask_for_paper(sam, postal_address="10 High Street\nRiverside\nWales")
    assert "Put your postcode on the last line" in page.text
    page = _ask_for_paper(sam, postal_address="1\n2\n3\n4\n5\n6\nCF10 1AA")
    assert "Use 6 lines or fewer" in page.text
    page = _ask_for_paper(sam, postal_address="")
    assert "Type your address, so we can post the pack to you." in page.text
    with db.context() as session:
        assert session.scalar(select(ReminderChoice).where(ReminderChoice.user_id == cast.member.id)) is None


def test_the_secretary_sees_who_asked_for_paper_and_prints_a_letter(cast, signed_in, db, audio, notify, clock):
    import io

    from pypdf import PdfReader

    from coprod.models import AuditEvent

    sam, secretary = signed_in(cast.member), signed_in(cast.secretary)
    assert _ask_for_paper(sam, pack_large_print="y").status_code == 302
    meeting_id = _meeting(db, cast.board)
    page = secretary.get(f"/boards/{cast.board.slug}/meetings/{meeting_id}/manage")
    assert f"/meetings/{meeting_id}/post" in page.text
    url = f"/boards/{cast.board.slug}/meetings/{meeting_id}/post"
    page = secretary.get(url)
    assert page.status_code == 200
    assert cast.member.name in page.text and "10 High Street" in page.text and "CF10 1AA" in page.text
    assert "Large print" in page.text and "Not posted yet." in page.text
    assert cast.commissioner.name not in page.text  # only people who asked for paper

    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc)
    run_job(audio)
    assert len(notify.letters) == 1
    assert "Posted on" in secretary.get(url).text

    letter = secretary.get(f"{url}/{cast.member.id}.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert "no-store" in letter.headers["Cache-Control"]
    text = _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.get_data())).pages))
    assert "Your meeting pack" in text and "CF10 1AA" in text and "Homes" in text
    with db.context() as session:
        printed = session.scalars(select(AuditEvent).where(AuditEvent.action == "pack_by_post.print")).all()
        assert [(e.actor_id, e.target_id) for e in printed] == [(cast.secretary.id, cast.member.id)]
        assert "High Street" not in (printed[0].detail or "")
    # Someone who did not ask for paper has no letter.
    assert secretary.get(f"{url}/{cast.commissioner.id}.pdf").status_code == 404
