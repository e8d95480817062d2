""""You said, we did" through HTTP: writing a record with actions, publishing it, the askers told,
"Are you happy?", the loop back to the next meeting, the dashboard and open data."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coprod.models import (Action, ActionStatus, ActionUpdate, AgendaItem, AuditEvent, Ballot, Choice, Feedback,
                           Meeting, MeetingStatus, PersonUpdate, Proposal, Question, QuestionStatus, Record,
                           RecordStatus, utcnow)

BASE = "/boards/riverside-ld/said-did"
PRIVATE_TEXT = "My neighbour Kevin hurts me at night"
SECRET_COMMENT = "The bus driver is rude to me"


def _question(session, board_id, meeting_id, asker_id, text, **fields):
    question = Question(board_id=board_id, meeting_id=meeting_id, asker_id=asker_id, text=text,
                        status=fields.pop("status", QuestionStatus.ON_AGENDA),
                        sent_dt=utcnow() - timedelta(days=10), **fields)
    session.add(question)
    session.flush()
    return question.id


@pytest.fixture
def board_world(cast, factory, db, signed_in):
    board, other = cast.board, cast.other_board
    people = {
        "commissioner": cast.commissioner,
        "secretary": cast.secretary,
        "asker": factory.person("Aisha Begum", board=board, email="aisha@example.org"),
        "joiner": factory.person("Tom Evans", board=board),
        "private": factory.person("Pat Private", board=board),
        "member": cast.member,
        "outsider": cast.outsider,
    }
    with db.context() as session:
        held = Meeting(board_id=board.id, title="Autumn meeting", place="Library", status=MeetingStatus.HELD,
                       starts_dt=utcnow() - timedelta(days=20))
        coming = Meeting(board_id=board.id, title="Spring meeting", place="Library",
                         status=MeetingStatus.AGENDA_PUBLISHED, starts_dt=utcnow() + timedelta(days=20))
        other_meeting = Meeting(board_id=other.id, title="Other meeting", place="Hall",
                                starts_dt=utcnow() - timedelta(days=5))
        session.add_all([held, coming, other_meeting])
        session.flush()
        lead = _question(session, board.id, held.id, people["asker"].id, "Can we have more job coaches?",
                         public_text="Can the council pay for more job coaches?")
        joined = _question(session, board.id, held.id, people["joiner"].id, "Job coach please",
                           status=QuestionStatus.JOINED, joined_to_id=lead, show_name=False)
        private = _question(session, board.id, held.id, people["private"].id, PRIVATE_TEXT, private=True,
                            status=QuestionStatus.SENT)
        foreign = _question(session, other.id, other_meeting.id, people["outsider"].id, "Other board question")
        proposal = Proposal(board_id=board.id, title="Should we ask for job coaches?",
                            opened_dt=utcnow() - timedelta(days=3), closed_dt=utcnow() - timedelta(days=1))
        session.add(proposal)
        session.flush()
        choices = [Choice(proposal_id=proposal.id, label=label, position=i) for i, label in enumerate(["Yes", "No"])]
        session.add_all(choices)
        session.flush()
        session.add_all(Ballot(proposal_id=proposal.id, voter_key=f"k{i}", choice_id=choices[0].id) for i in range(3))
        ids = {"held": held.id, "coming": coming.id, "lead": lead, "joined": joined, "private": private,
               "foreign": foreign, "proposal": proposal.id}
    return board, people, ids


def _write_record(client, ids, **extra):
    data = {"title": "Job coaches", "said_text": "We want more job coaches.", "topic": "work",
            "questions": [str(ids["lead"]), str(ids["private"])], "proposal": str(ids["proposal"]),
            "meeting": str(ids["held"]), "did_text": "The council will pay for 2 more job coaches.",
            "did_picture": "job", **extra}
    return client.post(BASE + "/new", data)


def _add_action(client, record_id, what, days=30, **extra):
    data = {"what": what, "how": "With money from the council.", "who_name": "David Okafor",
            "who_organisation": "Riverside Council", "due_date": (utcnow() + timedelta(days=days)).date().isoformat(),
            **extra}
    return client.post(f"{BASE}/{record_id}/actions/new", data)


def _step(client, record_id, action_id, status, **extra):
    return client.post(f"{BASE}/{record_id}/actions/{action_id}", {"status": status, **extra})


def test_the_whole_loop(board_world, signed_in, make_client, db, smtp_inbox):
    board, people, ids = board_world
    commissioner = signed_in(people["commissioner"])

    # Another board's question cannot be linked: a clear message, what was typed kept.
    # Safeguarding: a commissioner is not offered a private question, and cannot link it.
    form = commissioner.get(BASE + "/new").get_data(as_text=True)
    assert "Can the council pay for more job coaches?" in form and PRIVATE_TEXT not in form
    assert "You can only link" in _write_record(commissioner, ids).get_data(as_text=True)
    refused = _write_record(commissioner, ids, questions=[str(ids["lead"]), str(ids["foreign"])])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "You can only link questions asked to this board." in page
    assert "We want more job coaches." in page
    assert 'href="#questions"' in page and 'id="questions"' in page and 'aria-invalid="true"' in page
    assert db.scalar(select(func.count()).select_from(Record)) == 0

    made = _write_record(commissioner, ids, questions=[str(ids["lead"])])
    assert made.status_code == 302
    record = db.scalar(select(Record))
    assert record.status == RecordStatus.DRAFT
    # A draft is not public.
    assert make_client().get(f"{BASE}/{record.id}").status_code == 404

    # Actions: a date in the past and no named owner are refused.
    past = _add_action(commissioner, record.id, "Too late", days=-2).get_data(as_text=True)
    assert "This date has passed" in past and "Too late" in past
    nobody = _add_action(commissioner, record.id, "Nobody", who_name="  ").get_data(as_text=True)
    assert "Type the name of the person who will do it." in nobody
    for what in ("Ask for the money", "Hire 2 job coaches", "Open a job club"):
        assert _add_action(commissioner, record.id, what).status_code == 302
    actions = {a.what: a for a in db.scalars(select(Action).order_by(Action.id))}
    assert len(actions) == 3

    # Feedback on a record that is not published is refused.
    asker = signed_in(people["asker"])
    assert asker.post(f"{BASE}/{record.id}/happy", {"feeling": "happy"}).status_code == 404

    assert commissioner.post(f"{BASE}/{record.id}/publish").status_code == 302
    assert db.get(Record, record.id).status == RecordStatus.PUBLISHED
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "record.publish")) is not None

    # The askers are told: the lead question's asker and the joined question's asker.
    told = {u.user_id: u.kind.value for u in db.scalars(select(PersonUpdate))}
    assert told == {people["asker"].id: "answered", people["joiner"].id: "answered"}
    # By email too, for those who have one.
    # Told by a real email, through an SMTP server on loopback.
    assert [to for to, _message in smtp_inbox.messages] == [["aisha@example.org"]]
    assert f"/boards/riverside-ld/said-did/{record.id}" in smtp_inbox.messages[0][1]
    joiner = signed_in(people["joiner"])
    assert "Your question has an answer: Job coaches" in joiner.get("/updates").get_data(as_text=True)

    # One action becomes late (its date passes), one is done, one could not be done (with a reason).
    with db.context() as session:
        session.get(Action, actions["Ask for the money"].id).due_date = (utcnow() - timedelta(days=3)).date()
    assert _step(commissioner, record.id, actions["Hire 2 job coaches"].id, "done").status_code == 302
    no_reason = _step(commissioner, record.id, actions["Open a job club"].id, "could_not_do", note="Sorry")
    assert "Say why it could not be done." in no_reason.get_data(as_text=True)
    assert _step(commissioner, record.id, actions["Open a job club"].id, "could_not_do",
                 reason="There is no room for it.").status_code == 302
    history = db.scalars(select(ActionUpdate).where(ActionUpdate.action_id == actions["Open a job club"].id)
                         .order_by(ActionUpdate.id))
    assert [u.status for u in history] == [ActionStatus.PLANNED, ActionStatus.COULD_NOT_DO]
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "action.status")) == 2
    assert "An action is now Done: Hire 2 job coaches" in joiner.get("/updates").get_data(as_text=True)

    page = make_client().get(f"{BASE}/{record.id}").get_data(as_text=True)
    assert "Late. It should have been done by" in page
    assert "There is no room for it." in page
    assert "Can the council pay for more job coaches?" in page and "Asked by Aisha Begum" in page
    assert PRIVATE_TEXT not in page and "Pat Private" not in page

    # Only askers answer; a second answer replaces the first.
    member = signed_in(people["member"])
    assert "Only the people who asked" in member.post(f"{BASE}/{record.id}/happy",
                                                      {"feeling": "happy"}).get_data(as_text=True)
    assert asker.post(f"{BASE}/{record.id}/happy", {"feeling": "happy"}).status_code == 302
    assert asker.post(f"{BASE}/{record.id}/happy", {"feeling": "ok"}).status_code == 302
    assert joiner.post(f"{BASE}/{record.id}/happy", {"feeling": "not_happy",
                                                     "comment": SECRET_COMMENT}).status_code == 302
    assert db.scalar(select(func.count()).select_from(Feedback)) == 2
    assert db.scalar(select(Feedback.feeling).where(Feedback.user_id == people["asker"].id)).value == "ok"

    # The loop back: the next meeting's agenda shows it as "came back", with the late action.
    secretary = signed_in(people["secretary"])
    manage = secretary.get(f"/boards/riverside-ld/meetings/{ids['coming']}/manage").get_data(as_text=True)
    assert "Came back to the board" in manage and "Job coaches" in manage
    assert "1 person is not happy." in manage and "Ask for the money" in manage
    pack = make_client().get(f"/boards/riverside-ld/meetings/{ids['coming']}/pack").get_data(as_text=True)
    assert "Came back to the board" in pack and "Ask for the money" in pack and SECRET_COMMENT not in pack
    agenda = make_client().get(f"/boards/riverside-ld/meetings/{ids['coming']}").get_data(as_text=True)
    assert "Came back to the board" in agenda and SECRET_COMMENT not in agenda
    added = secretary.post(f"/boards/riverside-ld/meetings/{ids['coming']}/came-back/{record.id}")
    assert added.status_code == 302
    item = db.scalar(select(AgendaItem).where(AgendaItem.meeting_id == ids["coming"]))
    assert item.title == "Came back: Job coaches"
    assert "It is on this agenda." in secretary.get(
        f"/boards/riverside-ld/meetings/{ids['coming']}/manage").get_data(as_text=True)

    # The dashboard numbers.
    dashboard = make_client().get(f"{BASE}/dashboard").get_data(as_text=True)
    assert "3 questions were sent to the board." in dashboard
    assert "2 questions got an answer." in dashboard
    assert "Half of the answers came in 10 days or less." in dashboard
    assert "1 action was done on time." in dashboard
    assert "1 action is late." in dashboard
    assert "1 action could not be done." in dashboard
    assert "<svg" in dashboard and "<table" in dashboard

    # Open data: right contents, no private data.
    anyone = make_client()
    data = json.loads(anyone.get(f"{BASE}/records.json").get_data(as_text=True))
    [shown] = data["records"]
    assert shown["title"] == "Job coaches"
    assert {a["what"]: (a["status"], a["late"]) for a in shown["actions"]} == {
        "Ask for the money": ("planned", True), "Hire 2 job coaches": ("done", False),
        "Open a job club": ("could_not_do", False)}
    assert shown["questions"] == [{"id": ids["lead"], "text": "Can the council pay for more job coaches?",
                                   "asked_by": "Aisha Begum"}]
    assert shown["feelings"] == {"happy": 0, "ok": 1, "not_happy": 1}
    api = anyone.get(f"/api/boards/riverside-ld/records/{record.id}").get_json()
    assert api["id"] == record.id
    records_csv = list(csv.DictReader(io.StringIO(anyone.get(f"{BASE}/records.csv").get_data(as_text=True))))
    assert records_csv[0]["title"] == "Job coaches" and records_csv[0]["not_happy"] == "1"
    actions_csv = list(csv.DictReader(io.StringIO(anyone.get(f"{BASE}/actions.csv").get_data(as_text=True))))
    assert {r["what"]: r["late"] for r in actions_csv} == {"Ask for the money": "yes", "Hire 2 job coaches": "no",
                                                           "Open a job club": "no"}
    feed = anyone.get(f"{BASE}/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    assert "New: Job coaches" in feed.get_data(as_text=True)
    everything = "".join(anyone.get(url).get_data(as_text=True) for url in (
        f"{BASE}/records.json", f"{BASE}/records.csv", f"{BASE}/actions.csv", f"{BASE}/feed.atom",
        "/api/boards/riverside-ld/records", BASE, f"{BASE}/dashboard"))
    for personal in (PRIVATE_TEXT, "Pat Private", "Tom Evans", "Job coach please", SECRET_COMMENT,
                     "aisha@example.org"):
        assert personal not in everything, personal

    # Once heard at a meeting, the same "Not happy" does not come back again; the late action does,
    # until it is done.
    with db.context() as session:
        session.get(Meeting, ids["coming"]).status = MeetingStatus.HELD
        summer = Meeting(board_id=board.id, title="Summer meeting", place="Library",
                         status=MeetingStatus.PLANNED, starts_dt=utcnow() + timedelta(days=90))
        session.add(summer)
        session.flush()
        summer_id = summer.id
    summer_page = f"/boards/riverside-ld/meetings/{summer_id}/manage"
    page = secretary.get(summer_page).get_data(as_text=True)
    assert "Ask for the money" in page and "person is not happy" not in page
    _step(commissioner, record.id, actions["Ask for the money"].id, "done")
    assert "Came back to the board" not in secretary.get(summer_page).get_data(as_text=True)
    joiner.post(f"{BASE}/{record.id}/happy", {"feeling": "not_happy", "comment": "Still not happy"})
    assert "1 person is not happy." in secretary.get(summer_page).get_data(as_text=True)


def test_tracker_filters_and_counts(board_world, signed_in, make_client, db):
    board, people, ids = board_world
    commissioner = signed_in(people["commissioner"])
    for title, topic in (("Job coaches", "work"), ("Homes near family", "home")):
        _write_record(commissioner, ids, title=title, topic=topic, questions=[])
    records = {r.title: r for r in db.scalars(select(Record))}
    _add_action(commissioner, records["Job coaches"].id, "Ask for the money")
    _add_action(commissioner, records["Homes near family"].id, "Write a housing plan")
    for record in records.values():
        commissioner.post(f"{BASE}/{record.id}/publish")
    with db.context() as session:
        session.scalar(select(Action).where(Action.what == "Write a housing plan")).due_date = \
            (utcnow() - timedelta(days=1)).date()
    anyone = make_client()
    page = anyone.get(BASE).get_data(as_text=True)
    assert "2 records" in page and "1 record has a late action." in page and "Late (1)" in page
    late = anyone.get(BASE + "?status=late").get_data(as_text=True)
    assert "Homes near family" in late and "Job coaches" not in late
    jobs = anyone.get(BASE + "?topic=work").get_data(as_text=True)
    assert "Job coaches" in jobs and "Homes near family" not in jobs
    # One topic list with the questions; a link with a topic records had before still works.
    old = anyone.get(BASE + "?topic=jobs").get_data(as_text=True)
    assert "Job coaches" in old and "Homes near family" not in old and '<option value="work" selected>' in old
    assert "Jobs and things to do in the day (1)" in page and "Where I live (1)" in page
    assert anyone.get(BASE + "?status=nonsense&meeting=99999999999999&topic=%00").status_code == 200


def test_only_writers_of_this_board_write_and_follow_works(board_world, signed_in, make_client, db):
    board, people, ids = board_world
    member = signed_in(people["member"])
    assert _write_record(member, ids).status_code == 403
    commissioner = signed_in(people["commissioner"])
    _write_record(commissioner, ids, questions=[])
    record = db.scalar(select(Record))
    commissioner.post(f"{BASE}/{record.id}/publish")
    _add_action(commissioner, record.id, "Ask for the money")
    # A member follows the record and hears about action changes.
    assert member.post(f"{BASE}/{record.id}/follow").status_code == 302
    action = db.scalar(select(Action))
    _step(commissioner, record.id, action.id, "started", note="We asked.")
    updates = member.get("/updates").get_data(as_text=True)
    assert "An action is now Started: Ask for the money" in updates
    # A record id from another board is not found through this board.
    other = make_client().get(f"/boards/other-board/said-did/{record.id}")
    assert other.status_code == 404


def test_a_private_question_the_secretary_links_never_shows(board_world, signed_in, make_client, db):
    board, people, ids = board_world
    secretary = signed_in(people["secretary"])
    assert PRIVATE_TEXT in secretary.get(BASE + "/new").get_data(as_text=True)
    assert _write_record(secretary, ids).status_code == 302
    record = db.scalar(select(Record))
    _add_action(secretary, record.id, "Ask for the money")
    secretary.post(f"{BASE}/{record.id}/publish")
    # The private asker is told and may answer, privately.
    private = signed_in(people["private"])
    assert "Your question has an answer" in private.get("/updates").get_data(as_text=True)
    assert private.post(f"{BASE}/{record.id}/happy", {"feeling": "happy"}).status_code == 302
    # A commissioner changing the record keeps the link they cannot see.
    commissioner = signed_in(people["commissioner"])
    edit = commissioner.get(f"{BASE}/{record.id}/edit").get_data(as_text=True)
    assert PRIVATE_TEXT not in edit
    assert _write_record(commissioner, ids, questions=[str(ids["lead"])]).status_code == 302
    anyone = make_client()
    everything = "".join(anyone.get(url).get_data(as_text=True) for url in (
        f"{BASE}/{record.id}", f"{BASE}/records.json", f"{BASE}/records.csv", f"{BASE}/feed.atom",
        "/api/boards/riverside-ld/records", BASE, f"{BASE}/dashboard", "/boards/riverside-ld/meetings"))
    assert PRIVATE_TEXT not in everything and "Pat Private" not in everything


def test_a_spoken_comment_is_kept_and_heard_only_by_the_board_and_the_person(board_world, signed_in, db):
    """ "Are you happy with this?" with a comment said out loud: checked like a spoken question,
    played to the person and the board's secretaries and commissioners, and on the came-back list."""
    from test_questions import wav_bytes

    board, people, ids = board_world
    writer = signed_in(people["commissioner"])
    assert _write_record(writer, ids, questions=[str(ids["lead"])]).status_code == 302
    record = db.scalar(select(Record))
    assert writer.post(f"{BASE}/{record.id}/publish").status_code == 302
    asker, member = signed_in(people["asker"]), signed_in(people["member"])
    broken = asker.post(f"{BASE}/{record.id}/happy",
                        {"feeling": "not_happy", "comment": "Still no coach.", "recording": (io.BytesIO(b"nope" * 99),
                                                                                          "comment.webm")},
                        content_type="multipart/form-data")
    assert broken.status_code == 400 and "could not play this sound file" in broken.get_data(as_text=True)
    assert "Still no coach." in broken.get_data(as_text=True)  # nothing typed is lost
    assert db.scalar(select(Feedback)) is None
    sent = asker.post(f"{BASE}/{record.id}/happy",
                      {"feeling": "not_happy", "comment": "Still no coach.", "recording": (io.BytesIO(wav_bytes()),
                                                                                        "comment.wav")},
                      content_type="multipart/form-data")
    assert sent.status_code == 302
    answer = db.scalar(select(Feedback))
    assert answer.audio_name and answer.audio_seconds == 2
    url = f"{BASE}/{record.id}/feedback/{answer.id}/recording"
    assert asker.get(url).mimetype == "audio/mpeg"
    assert signed_in(people["secretary"]).get(url).status_code == 200
    assert member.get(url).status_code == 404  # another member: never
    manage = signed_in(people["secretary"]).get(f"/boards/riverside-ld/meetings/{ids['coming']}/manage")
    assert url in manage.get_data(as_text=True)  # the secretary hears it when making the next agenda
    # A second answer replaces the first, recording and all.
    assert asker.post(f"{BASE}/{record.id}/happy", {"feeling": "ok"}).status_code == 302
    assert db.scalar(select(Feedback)).audio_name is None


def test_the_tracker_shows_a_page_at_a_time_and_keeps_the_choices(board_world, make_client, db):
    """A board's whole history is not one page: 25 records a page, where you are said in words, and
    the links back and on keep what was chosen (issue 15)."""
    from coprod.follow.views import TRACKER_PAGE_SIZE

    board, _people, _ids = board_world
    with db.context() as session:
        for number in range(1, 2 * TRACKER_PAGE_SIZE + 4):  # 53 records: 3 pages
            session.add(Record(board_id=board.id, title=f"Record number {number:02d}", did_text="Done.",
                               topic="work" if number % 2 else "home", status=RecordStatus.PUBLISHED,
                               published_dt=utcnow() - timedelta(minutes=number)))
    anyone = make_client()
    first = anyone.get(BASE).get_data(as_text=True)
    shown = re.findall(r"Record number (\d\d)", first)
    assert len(set(shown)) == TRACKER_PAGE_SIZE and "53 records" in first
    assert "Page 1 of 3. These are 1 to 25 of 53." in first
    assert "Back a page" not in first and f'href="{BASE}?page=2#records"' in first

    last = anyone.get(BASE + "?page=3").get_data(as_text=True)
    assert len(set(re.findall(r"Record number (\d\d)", last))) == 3 and "These are 51 to 53 of 53." in last
    assert "Next page" not in last and f'href="{BASE}?page=2#records"' in last
    # Every record is on exactly one page.
    every = set(shown) | set(re.findall(r"Record number (\d\d)", anyone.get(BASE + "?page=2").get_data(as_text=True)))
    every |= set(re.findall(r"Record number (\d\d)", last))
    assert every == {f"{n:02d}" for n in range(1, 54)}

    # A chosen topic is kept from page to page; a page past the end or not a number is still a page.
    work = anyone.get(BASE + "?topic=work").get_data(as_text=True)
    assert "27 records" in work and "Page 1 of 2." in work
    assert f'href="{BASE}?page=2&amp;topic=work#records"' in work or f'href="{BASE}?topic=work&amp;page=2#records"' in work
    assert "Page 3 of 3." in anyone.get(BASE + "?page=999").get_data(as_text=True)
    for nonsense in ("abc", "-1", "0", "1e9", "١"):
        answer = anyone.get(BASE + f"?page={nonsense}")
        assert answer.status_code == 200 and "Page 1 of 3." in answer.get_data(as_text=True), nonsense


# The tracker's old rule, in Python over every record and action (before issue 15 moved it into
# SQL): the oracle the SQL filters and counts are compared with.
def _matches_in_python(record, filters, today):
    if filters.topic and record.topic != filters.topic:
        return False
    if filters.meeting and record.meeting_id != filters.meeting:
        return False
    if filters.status == "late":
        return any(a.is_late(today) for a in record.actions)
    if filters.status:
        return any(a.status.value == filters.status for a in record.actions)
    return True


def _counts_in_python(records, today):
    found = {s.value: 0 for s in ActionStatus} | {"late": 0}
    for record in records:
        for value in {a.status.value for a in record.actions}:
            found[value] += 1
        if any(a.is_late(today) for a in record.actions):
            found["late"] += 1
    return found


def _counts_by_in_python(records, attribute):
    found: dict = {}
    for record in records:
        found[getattr(record, attribute)] = found.get(getattr(record, attribute), 0) + 1
    return found


def test_the_tracker_counted_in_sql_is_what_the_python_rule_finds(board_world, db):
    """Varied records (drafts, other boards, no actions, removed actions, every step, late and not,
    topics, meetings, none): every filter's list and every count match the old rule, page by page."""
    import random

    from coprod.follow import queries
    from coprod.models import Board

    board, _people, ids = board_world
    today = utcnow().date()
    rng = random.Random(15)
    with db.context() as session:
        other = session.scalar(select(Board).where(Board.id != board.id))
        topics = ["work", "home", "health", None]
        for number in range(120):
            on = board if number % 11 else other
            record = Record(board_id=on.id, title=f"R{number}", did_text="Done.", topic=rng.choice(topics),
                            meeting_id=rng.choice([ids["held"], ids["coming"], None]) if on is board else None,
                            status=RecordStatus.PUBLISHED if number % 7 else RecordStatus.DRAFT,
                            published_dt=utcnow() - timedelta(hours=rng.randint(0, 5)))  # ties: the id decides
            session.add(record)
            session.flush()
            for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
                status = rng.choice(list(ActionStatus))
                session.add(Action(record_id=record.id, board_id=on.id, what="Do it", who_name="D",
                                   who_organisation="C", due_date=today + timedelta(days=rng.randint(-5, 5)),
                                   status=status, removed_dt=utcnow() if rng.random() < 0.15 else None))
    with db.context() as session:
        board = session.get(Board, board.id)
        from conftest import all_published_records

        records = all_published_records(board)
        assert len(records) > 50
        choices = ([queries.Filters()] + [queries.Filters(status=s) for s in [*(a.value for a in ActionStatus), "late"]]
                   + [queries.Filters(topic=t) for t in ("work", "home", "job")]
                   + [queries.Filters(meeting=m) for m in (ids["held"], ids["coming"], 99999)]
                   + [queries.Filters(status="late", topic="work", meeting=ids["held"]),
                      queries.Filters(status="started", topic="home")])
        for filters in choices:
            wanted = [r.id for r in records if _matches_in_python(r, filters, today)]
            got, number = [], 0
            while True:
                number += 1
                found = queries.tracker(board, filters, today, 7, number)
                assert found.page.total == len(wanted), filters
                if number > found.page.pages:  # past the end: the last page again
                    assert found.page.number == found.page.pages
                    break
                assert found.page.number == number
                got += [r.id for r in found.page.items]
                # The page's records come with their actions in force (no removed one).
                for record in found.page.items:
                    assert [a.id for a in record.actions] == \
                        [a.id for a in next(r for r in records if r.id == record.id).actions]
            assert got == wanted, filters
            assert found.total == len(records)
            assert found.counts == _counts_in_python(records, today)
            assert found.topic_counts == _counts_by_in_python(records, "topic")
            assert found.meeting_counts == _counts_by_in_python(records, "meeting_id")


def test_what_came_back_is_a_short_list_the_most_late_first_with_a_way_to_see_them_all(board_world, signed_in,
                                                                                      make_client, db):
    """At national size 253 records came back to one meeting (138 KB): the agenda and the secretary's
    page show the 10 most late and say how many more, the pack 20 and where to see them all, and the
    came-back page has them all, 25 a page (issue 15)."""
    board, people, ids = board_world
    today = utcnow().date()
    with db.context() as session:
        for number in range(1, 31):  # 30 records with a late action, number 1 the most late
            record = Record(board_id=board.id, title=f"Came back number {number:02d}", did_text="Done.",
                            status=RecordStatus.PUBLISHED, published_dt=utcnow() - timedelta(days=number))
            session.add(record)
            session.flush()
            session.add(Action(record_id=record.id, board_id=board.id, what=f"Late thing {number:02d}", who_name="D",
                               who_organisation="C", due_date=today - timedelta(days=100 - number)))
        unhappy = Record(board_id=board.id, title="Came back unhappy", did_text="Done.", status=RecordStatus.PUBLISHED,
                         published_dt=utcnow())
        session.add(unhappy)
        session.flush()
        session.add(Feedback(record_id=unhappy.id, user_id=people["asker"].id, feeling="not_happy",
                             comment=SECRET_COMMENT))
    coming = f"/boards/riverside-ld/meetings/{ids['coming']}"

    def numbers(page):
        return list(dict.fromkeys(re.findall(r"Came back (number \d\d|unhappy)", page)))  # in order, once each

    agenda = signed_in(people["member"]).get(coming).get_data(as_text=True)
    assert numbers(agenda) == [f"number {n:02d}" for n in range(1, 11)]
    assert "21 more things came back." in agenda and "See them all" in agenda
    assert f'href="{coming}/came-back"' in agenda and SECRET_COMMENT not in agenda

    pack = make_client().get(coming + "/pack").get_data(as_text=True)
    assert numbers(pack) == [f"number {n:02d}" for n in range(1, 21)]
    assert "11 more things came back." in pack and "This pack shows the first 20." in pack
    assert f"http://localhost{coming}/came-back" in pack and SECRET_COMMENT not in pack

    manage = signed_in(people["secretary"]).get(coming + "/manage").get_data(as_text=True)
    assert numbers(manage) == [f"number {n:02d}" for n in range(1, 11)] and "21 more things came back." in manage
    assert manage.count("<span>Add as an agenda item<") == 10

    # Everything, 25 a page, for anyone; the "Not happy" one after the late ones; its words only for the secretary.
    anyone = make_client()
    first = anyone.get(coming + "/came-back").get_data(as_text=True)
    second = anyone.get(coming + "/came-back?page=2").get_data(as_text=True)
    assert "31 things came back" in first and "Page 1 of 2. These are 1 to 25 of 31." in first
    assert numbers(first) + numbers(second) == [f"number {n:02d}" for n in range(1, 31)] + ["unhappy"]
    assert f'href="{coming}/came-back?page=2#records"' in first and SECRET_COMMENT not in second
    assert "Add as an agenda item" not in first
    staff = signed_in(people["secretary"]).get(coming + "/came-back?page=2").get_data(as_text=True)
    assert SECRET_COMMENT in staff and staff.count("<span>Add as an agenda item<") == 6
    # A meeting that is over has nothing still to come back; a short list says no "more".
    assert "Nothing came back to the board." in anyone.get(
        f"/boards/riverside-ld/meetings/{ids['held']}/came-back").get_data(as_text=True)


def test_the_writers_page_pages_drafts_and_published_apart(cast, signed_in, db):
    """The secretary's "Write records" page: drafts and published records, 25 a page each; going on
    in one list keeps the other's place (issue 15)."""
    with db.context() as session:
        for number in range(1, 31):  # 30 published: 2 pages
            session.add(Record(board_id=cast.board.id, title=f"Published number {number:02d}", did_text="Done.",
                               status=RecordStatus.PUBLISHED, published_dt=utcnow(),
                               created_dt=utcnow() - timedelta(minutes=number)))
        for number in range(1, 4):
            session.add(Record(board_id=cast.board.id, title=f"Draft number {number:02d}", did_text="",
                               created_dt=utcnow() - timedelta(minutes=number)))
    secretary = signed_in(cast.secretary)
    first = secretary.get(BASE + "/manage").get_data(as_text=True)
    assert set(re.findall(r"Draft number (\d\d)", first)) == {"01", "02", "03"}
    shown = set(re.findall(r"Published number (\d\d)", first))
    assert shown == {f"{n:02d}" for n in range(1, 26)} and "Page 1 of 2. These are 1 to 25 of 30." in first
    assert f'href="{BASE}/manage?published=2#published"' in first
    # Each list's pages are a landmark with a name of its own (a screen reader lists them apart).
    assert 'aria-label="Pages of published records"' in first
    second = secretary.get(BASE + "/manage?published=2&drafts=1").get_data(as_text=True)
    assert set(re.findall(r"Published number (\d\d)", second)) == {f"{n:02d}" for n in range(26, 31)}
    assert set(re.findall(r"Draft number (\d\d)", second)) == {"01", "02", "03"}  # drafts still shown
    assert signed_in(cast.member).get(BASE + "/manage").status_code == 403
