"""Mistakes can be mended honestly: an action's date changed or a copy taken away (with the reason,
kept in its history), "I want to ask this too" taken back, and a check page before a step that
cannot be undone (works without JavaScript: a link to a page whose button does it)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coprod.models import (Action, ActionUpdate, AgendaItem, Choice, Group, GroupMember, LoginCard, Meeting,
                           MeetingStatus, MeToo, Picture, Proposal, Question, QuestionStatus, Record, RecordStatus,
                           User, utcnow)

B = "/boards/riverside-ld"


@pytest.fixture
def world(cast, factory, db):
    board = cast.board
    asker = factory.person("Target Person", board=board)
    with db.context() as session:
        record = Record(board_id=board.id, title="Job coaches", did_text="We did it.", status=RecordStatus.PUBLISHED,
                        published_dt=utcnow())
        session.add(record)
        session.flush()
        actions = [Action(record_id=record.id, board_id=board.id, what="Ask the council", who_name="David",
                          who_organisation="Council", due_date=utcnow().date() + timedelta(days=10))
                   for _ in range(2)]
        session.add_all(actions)
        meeting = Meeting(board_id=board.id, title="Board meeting", starts_dt=utcnow() + timedelta(days=30),
                          place="Library", status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Housing")
        session.add(item)
        session.flush()
        question = Question(board_id=board.id, meeting_id=meeting.id, asker_id=asker.id, text="Where can I live?",
                            status=QuestionStatus.ON_AGENDA, sent_dt=utcnow(), agenda_item_id=item.id)
        proposal = Proposal(board_id=board.id, title="Meet in the library?", opened_dt=utcnow(),
                            voter_roles="member")
        session.add_all([question, proposal])
        session.flush()
        session.add(Choice(proposal_id=proposal.id, label="Yes"))
        return {"record": record.id, "action": actions[0].id, "copy": actions[1].id, "meeting": meeting.id,
                "item": item.id, "question": question.id, "proposal": proposal.id, "asker": asker.id}


def test_an_actions_date_is_changed_with_the_reason_in_its_history(world, cast, signed_in, db):
    client = signed_in(cast.secretary)
    url = f"{B}/said-did/{world['record']}/actions/{world['action']}/date"
    page = client.get(url).get_data(as_text=True)
    assert "Why is the date changing?" in page
    new_day = (utcnow().date() + timedelta(days=40))
    refused = client.post(url, {"due_date": new_day.isoformat(), "reason": ""})
    assert refused.status_code == 200 and "Say why the date is changing." in refused.get_data(as_text=True)
    done = client.post(url, {"due_date": new_day.isoformat(), "reason": "The council meets later."})
    assert done.status_code == 302
    assert db.get(Action, world["action"]).due_date == new_day
    change = db.scalar(select(ActionUpdate).where(ActionUpdate.action_id == world["action"]))
    assert (change.change, change.due_date, change.note) == ("due_date", new_day, "The council meets later.")
    public = client.get(f"{B}/said-did/{world['record']}").get_data(as_text=True)
    assert "The date changed to" in public and "The council meets later." in public
    # The open data and the feed say it too.
    assert "The date changed to" in client.get(f"{B}/said-did/feed.atom").get_data(as_text=True)
    data = client.get(f"{B}/said-did/records.json").get_json()
    shown = next(a for r in data["records"] for a in r["actions"] if a["id"] == world["action"])
    assert shown["due"] == new_day.isoformat()
    assert shown["history"][-1]["change"] == "due_date" and shown["history"][-1]["due"] == new_day.isoformat()


def test_a_copy_is_taken_away_after_a_check_page_and_stays_in_the_history(world, cast, signed_in, make_client, db):
    client = signed_in(cast.secretary)
    record_page = f"{B}/said-did/{world['record']}"
    shown = "<p><strong><bdi>Ask the council</bdi></strong></p>"
    assert client.get(record_page).get_data(as_text=True).count(shown) == 2
    url = f"{record_page}/actions/{world['copy']}/remove"
    check = client.get(url)
    assert check.status_code == 200 and "Take this action away?" in check.get_data(as_text=True)
    assert db.get(Action, world["copy"]).removed_dt is None, "the check page changes nothing"
    assert client.post(url, {"reason": ""}).status_code == 200
    done = client.post(url, {"reason": "It was added twice."})
    assert done.status_code == 302
    taken = db.get(Action, world["copy"])
    assert taken.removed_dt is not None and taken.removed_reason == "It was added twice."
    # Shown to everyone, signed out too: once among the actions, once under "Taken away" with why.
    public = make_client().get(record_page).get_data(as_text=True)
    actions_part, taken_part = public.split('id="taken-away"')
    assert actions_part.count(shown) == 1
    assert shown in taken_part and "It was added twice." in taken_part
    # It is no longer counted, and cannot be changed as if it were in force.
    assert client.get(f"{record_page}/actions/{world['copy']}").status_code == 404
    again = client.post(url, {"reason": "Again."})
    assert again.status_code == 302 and db.get(Action, world["copy"]).removed_reason == "It was added twice."
    assert db.scalar(select(func.count()).select_from(Action)) == 2, "nothing is deleted"


def test_me_too_can_be_taken_back(world, cast, signed_in, db):
    client = signed_in(cast.member)
    page = f"{B}/meetings/{world['meeting']}/questions"
    assert client.post(f"{B}/questions/{world['question']}/me-too").status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "I do not want to ask this now" in html and "1 person wants to ask this too." in html
    assert client.post(f"{B}/questions/{world['question']}/me-too/undo").status_code == 302
    assert db.scalar(select(func.count()).select_from(MeToo)) == 0
    html = client.get(page).get_data(as_text=True)
    assert "0 people want to ask this too." in html and "I want to ask this too" in html
    # A second tap does nothing; and they can say it again.
    assert client.post(f"{B}/questions/{world['question']}/me-too/undo").status_code == 302
    assert client.post(f"{B}/questions/{world['question']}/me-too").status_code == 302
    assert db.scalar(select(func.count()).select_from(MeToo)) == 1


def test_nobody_takes_back_someone_elses_me_too(world, cast, signed_in, db):
    assert signed_in(cast.member).post(f"{B}/questions/{world['question']}/me-too").status_code == 302
    assert signed_in(cast.carer).post(f"{B}/questions/{world['question']}/me-too/undo").status_code == 302
    assert db.scalar(select(func.count()).select_from(MeToo)) == 1


@pytest.mark.parametrize("step", ["close", "item", "card", "publish", "picture", "open", "disable", "group"])
def test_a_step_that_cannot_be_undone_has_a_check_page_without_javascript(world, cast, signed_in, factory, db, step):
    client = signed_in(cast.admin if step == "disable" else cast.secretary)
    if step == "open":
        with db.context() as session:
            coming = Proposal(board_id=cast.board.id, title="Meet online?", voter_roles="member")
            session.add(coming)
            session.flush()
            session.add(Choice(proposal_id=coming.id, label="Yes"))
            coming_id = coming.id
        before, url = f"{B}/proposals/{coming_id}", f"{B}/proposals/{coming_id}/open"
        done = lambda: db.get(Proposal, coming_id).opened_dt is not None  # noqa: E731
    elif step == "disable":
        person_id = world["asker"]
        before, url = f"/admin/people/{person_id}", f"/admin/people/{person_id}/disable"
        done = lambda: db.get(User, person_id).disabled_dt is not None  # noqa: E731
    elif step == "group":
        with db.context() as session:
            group = Group(board_id=cast.board.id, name="People First")
            session.add(group)
            session.flush()
            member = GroupMember(group_id=group.id, user_id=world["asker"], is_facilitator=True)
            session.add(member)
            session.flush()
            group_id, member_id = group.id, member.id
        before = f"{B}/groups/{group_id}"
        url = f"{before}/members/{member_id}/remove"
        done = lambda: db.get(GroupMember, member_id) is None  # noqa: E731
    elif step == "close":
        before, url = f"{B}/proposals/{world['proposal']}", f"{B}/proposals/{world['proposal']}/close"
        done = lambda: db.get(Proposal, world["proposal"]).closed_dt is not None  # noqa: E731
    elif step == "item":
        before = f"{B}/meetings/{world['meeting']}/items/{world['item']}"
        url = before + "/remove"
        done = lambda: db.get(AgendaItem, world["item"]) is None  # noqa: E731
    elif step == "picture":
        with db.context() as session:
            picture = Picture(file_name="f" * 32 + ".webp", alt_text="Our bus.", width=10, height=10)
            session.add(picture)
            session.flush()
            picture_id = picture.id
        before = f"/pictures/upload-{picture_id}"
        url = before + "/remove"
        done = lambda: db.get(Picture, picture_id).removed_dt is not None  # noqa: E731
    elif step == "publish":
        with db.context() as session:
            draft = Record(board_id=cast.board.id, title="Buses", did_text="We asked.", status=RecordStatus.DRAFT)
            session.add(draft)
            session.flush()
            draft_id = draft.id
        before = f"{B}/said-did/{draft_id}"
        url = before + "/publish"
        done = lambda: db.get(Record, draft_id).status == RecordStatus.PUBLISHED  # noqa: E731
    else:
        factory.card(factory.person("Card Person", board=cast.board))
        card = db.scalar(select(LoginCard).order_by(LoginCard.id.desc()))
        before = f"{B}/people/{card.user_id}"
        url = f"{before}/cards/{card.id}/revoke"
        done = lambda: db.get(LoginCard, card.id).is_revoked  # noqa: E731
    page = client.get(before).get_data(as_text=True)
    assert f'href="{url}">' in page and f'action="{url}"' not in page, "the button is a link to the check page"
    check = client.get(url)
    html = check.get_data(as_text=True)
    assert check.status_code == 200 and "No, go back" in html and "data-listen-slot" in html
    # What it is about (a title, a name) is isolated: an English title keeps its "?" at its end in Urdu.
    assert re.search(r"<p>[^<]*: <bdi>[^<]+</bdi></p>", html), "the typed words are not in <bdi>"
    assert not done(), "the check page changes nothing"
    action = re.search(r'<form method="post" action="([^"]+)"', html.split('class="check-step"')[1]).group(1)
    assert action.replace("&amp;", "&").split("?")[0] == url
    assert client.post(action.replace("&amp;", "&")).status_code == 302
    assert done()
    if step == "disable":  # sent twice: the account stays off (it is not turned back on)
        assert client.post(action.replace("&amp;", "&")).status_code == 302
        assert done()
