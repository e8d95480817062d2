"""Decide: the whole voting flow through HTTP, secret ballots, show of hands, and bad votes."""

from __future__ import annotations

import re

from sqlalchemy import select

from coprod.models import AuditEvent, Ballot, Choice, Proposal, Role, Vote


def _new_proposal(office, **overrides):
    data = {"title": "What should we call our new group?", "body": "We need a name.\nChoose one.",
            "picture": "group", "kind": "custom", "choice_1": "Riverside Voices", "choice_1_picture": "speaking",
            "choice_2": "Speak Up Riverside", "choice_2_picture": "talk", "choice_3": "Our Say",
            "choice_3_picture": "people", "voters": "member,carer", "secrecy": "secret", "results": "hidden"}
    data.update(overrides)
    return office.post("/boards/riverside-ld/proposals/new", data)


def _vote(client, proposal_id, choice_id):
    """Choose, check ("You chose X. Is that right?"), then count."""
    check = client.post(f"/boards/riverside-ld/votes/{proposal_id}/check", {"choice": str(choice_id)})
    assert check.status_code == 200, check.get_data(as_text=True)[:300]
    assert "Is that right?" in check.get_data(as_text=True)
    return client.post(f"/boards/riverside-ld/votes/{proposal_id}/cast", {"choice": str(choice_id)})


def test_the_whole_vote(cast, signed_in, factory, db):
    aisha_begum = factory.person("Aisha Begum", board=cast.board)
    tom_evans = factory.person("Tom Evans", board=cast.board)
    office = signed_in(cast.secretary)
    assert _new_proposal(office).status_code == 302
    proposal = db.scalar(select(Proposal))
    choices = {c.label: c.id for c in db.scalars(select(Choice).order_by(Choice.position))}
    assert list(choices) == ["Riverside Voices", "Speak Up Riverside", "Our Say"]

    sam = signed_in(cast.member)
    assert "Voting has not started yet" in sam.get(f"/boards/riverside-ld/votes/{proposal.id}").get_data(as_text=True)
    early = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/check", {"choice": str(choices["Our Say"])})
    assert early.status_code == 400 and "Voting has not started yet" in early.get_data(as_text=True)

    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/open")
    page = sam.get(f"/boards/riverside-ld/votes/{proposal.id}").get_data(as_text=True)
    assert "Voting is open now" in page and "Riverside Voices" in page

    # Sam votes, then changes his mind.
    assert _vote(sam, proposal.id, choices["Our Say"]).status_code == 302
    counted = sam.get(f"/boards/riverside-ld/votes/{proposal.id}/counted").get_data(as_text=True)
    assert "Your vote is counted" in counted and "You chose Our Say" in counted
    _vote(sam, proposal.id, choices["Riverside Voices"])

    # Aisha votes with Chris helping her.
    aisha = signed_in(aisha_begum)
    aisha.post("/helping", {"helper": str(cast.supporter.id)})
    _vote(aisha, proposal.id, choices["Riverside Voices"])
    assert "Chris Morgan helped you vote" in aisha.get(
        f"/boards/riverside-ld/votes/{proposal.id}/counted").get_data(as_text=True)

    _vote(signed_in(cast.carer), proposal.id, choices["Speak Up Riverside"])
    _vote(signed_in(tom_evans), proposal.id, choices["Our Say"])

    # Results are hidden until voting closes, for everyone.
    hidden = office.get(f"/boards/riverside-ld/votes/{proposal.id}/results").get_data(as_text=True)
    assert "You can see the results when voting closes" in hidden

    # The secretary sees who voted and who helped, never how.
    manage = office.get(f"/boards/riverside-ld/proposals/{proposal.id}").get_data(as_text=True)
    assert "4 people have voted" in manage and "helped by Chris Morgan" in manage

    assert office.post(f"/boards/riverside-ld/proposals/{proposal.id}/hands", {
        f"count_{choices['Riverside Voices']}": "2", f"count_{choices['Speak Up Riverside']}": "5",
        f"count_{choices['Our Say']}": "0"}).status_code == 302
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/close")

    results = office.get(f"/boards/riverside-ld/votes/{proposal.id}/results").get_data(as_text=True)
    # Tablets: Riverside Voices 2, Speak Up 1, Our Say 1. Room: 2, 5, 0. Together: 4, 6, 1.
    assert "Most people chose Speak Up Riverside." in results
    assert "6 people chose Speak Up Riverside." in results
    assert "4 people chose Riverside Voices." in results
    assert "1 person chose Our Say." in results
    rows = re.findall(r"<tr><th scope=\"row\"(?: dir=\"auto\")?>([^<]+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)%</td></tr>", results)
    assert rows == [("Riverside Voices", "2", "2", "4", "36"), ("Speak Up Riverside", "1", "5", "6", "55"),
                    ("Our Say", "1", "0", "1", "9"), ("Total", "4", "7", "11", "100")]
    assert 'role="img"' in results and "<svg" in results
    screen = signed_in(cast.commissioner).get(f"/boards/riverside-ld/votes/{proposal.id}/screen").get_data(as_text=True)
    assert "Most people chose Speak Up Riverside." in screen

    # One vote per person, and the secret vote keeps choices away from names.
    assert len(db.scalars(select(Vote))) == 4 and len(db.scalars(select(Ballot))) == 4
    assert all(v.open_choice_id is None for v in db.scalars(select(Vote)))
    helped = db.scalar(select(Vote).where(Vote.user_id == aisha_begum.id))
    assert helped.helper_id == cast.supporter.id
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"proposal.create", "proposal.open", "proposal.room-count", "proposal.close"} <= set(actions)

    # After closing, nobody can vote or change a vote.
    late = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(choices["Our Say"])})
    assert late.status_code == 400 and "Voting has finished" in late.get_data(as_text=True)


def test_a_secret_vote_cannot_be_seen_by_anyone(cast, signed_in, db):
    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard")
    proposal = db.scalar(select(Proposal))
    yes = db.scalar(select(Choice).where(Choice.label == "Yes"))
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/open")
    _vote(signed_in(cast.member), proposal.id, yes.id)
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/close")

    admin = signed_in(cast.admin)
    for viewer in (office, admin):
        for url in (f"/boards/riverside-ld/proposals/{proposal.id}", f"/boards/riverside-ld/votes/{proposal.id}/results",
                    f"/boards/riverside-ld/votes/{proposal.id}/screen", "/admin/audit"):
            html = viewer.get(url).get_data(as_text=True)
            assert not re.search(r"Sam Taylor[^<]{0,40}Yes", html), f"{url} shows how Sam voted"
    # Sam alone sees his own choice.
    assert "You chose Yes" in signed_in(cast.member).get(f"/boards/riverside-ld/votes/{proposal.id}").get_data(as_text=True)


def test_an_open_vote_shows_who_chose_what_after_closing(cast, signed_in, db):
    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard", secrecy="open")
    proposal = db.scalar(select(Proposal))
    no = db.scalar(select(Choice).where(Choice.label == "No"))
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/open")
    _vote(signed_in(cast.member), proposal.id, no.id)
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/close")
    assert "Sam Taylor: No" in office.get(f"/boards/riverside-ld/votes/{proposal.id}/results").get_data(as_text=True)


def test_bad_votes_are_refused_clearly_and_change_nothing(cast, signed_in, db):
    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard", voters="member")
    proposal = db.scalar(select(Proposal))
    other_board, stranger = cast.other_board, cast.outsider
    sam = signed_in(cast.member)
    yes = db.scalar(select(Choice).where(Choice.label == "Yes"))

    future = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(yes.id)})
    assert future.status_code == 400 and "Voting has not started yet" in future.get_data(as_text=True)

    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/open")
    with db.context() as session:
        elsewhere = Proposal(board_id=other_board.id, title="Elsewhere")
        session.add(elsewhere)
        session.flush()
        foreign_choice = Choice(proposal_id=elsewhere.id, label="Yes")
        session.add(foreign_choice)
        session.flush()
        foreign_choice_id, elsewhere_id = foreign_choice.id, elsewhere.id

    wrong_choice = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(foreign_choice_id)})
    assert wrong_choice.status_code == 400 and "Choose one of the answers" in wrong_choice.get_data(as_text=True)
    assert sam.get(f"/boards/riverside-ld/votes/{elsewhere_id}").status_code == 404
    assert sam.get(f"/boards/other-board/votes/{elsewhere_id}").status_code == 403
    assert signed_in(stranger).get(f"/boards/riverside-ld/votes/{proposal.id}").status_code == 403

    carer = signed_in(cast.carer)
    not_theirs = carer.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(yes.id)})
    assert not_theirs.status_code == 400 and "This vote is for other people" in not_theirs.get_data(as_text=True)

    forged = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(yes.id), "csrf_token": "x"},
                      csrf=False)
    assert forged.status_code == 400
    empty = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/check", {})
    assert empty.status_code == 200 and "Choose one of the answers." in empty.get_data(as_text=True)
    assert db.scalars(select(Vote)) == [] and db.scalars(select(Ballot)) == []

    # A replayed form after closing changes nothing.
    _vote(sam, proposal.id, yes.id)
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/close")
    no = db.scalar(select(Choice).where(Choice.label == "No", Choice.proposal_id == proposal.id))
    replay = sam.post(f"/boards/riverside-ld/votes/{proposal.id}/cast", {"choice": str(no.id)})
    assert replay.status_code == 400
    assert db.scalar(select(Ballot)).choice_id == yes.id


def test_proposal_form_explains_mistakes_and_keeps_what_was_typed(cast, signed_in):
    office = signed_in(cast.secretary)
    one_answer = _new_proposal(office, choice_2="", choice_3="")
    html = one_answer.get_data(as_text=True)
    assert "Write at least 2 answers." in html and 'value="Riverside Voices"' in html
    past = _new_proposal(office, closes="2020-01-01T10:00")
    assert "This time has passed" in past.get_data(as_text=True)
    nonsense = _new_proposal(office, opens="next tuesday")
    assert "Type a date and time" in nonsense.get_data(as_text=True)
    assert 'value="next tuesday"' in nonsense.get_data(as_text=True)
    hands = office.post("/boards/riverside-ld/proposals/999/hands", {})
    assert hands.status_code == 404


def test_show_of_hands_takes_only_plain_numbers(cast, signed_in, db):
    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard")
    proposal = db.scalar(select(Proposal))
    choice_ids = [c.id for c in db.scalars(select(Choice).order_by(Choice.position))]
    for typed in ("¹", "-3", "two", "10001", "٣"):
        data = {f"count_{cid}": "0" for cid in choice_ids}
        data[f"count_{choice_ids[0]}"] = typed
        response = office.post(f"/boards/riverside-ld/proposals/{proposal.id}/hands", data)
        assert response.status_code == 200, typed
        html = response.get_data(as_text=True)
        assert "Type a number from 0 to 10000" in html and f'value="{typed}"' in html


def test_the_live_page_reports_the_state(cast, signed_in, db):
    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard")
    proposal = db.scalar(select(Proposal))
    sam = signed_in(cast.member)
    url = f"/boards/riverside-ld/votes/{proposal.id}/status.json"
    assert sam.get(url).get_json() == {"state": "coming"}
    live = sam.get(f"/boards/riverside-ld/votes/{proposal.id}/live").get_data(as_text=True)
    assert "Check again" in live and "live.js" in live
    office.post(f"/boards/riverside-ld/proposals/{proposal.id}/open")
    assert sam.get(url).get_json() == {"state": "open"}


def test_the_database_applies_the_voting_rules_in_the_statement_that_counts(cast, app, db):
    """The quick path used in meetings checks the rules in SQL: test them there, at exact moments."""
    from datetime import timedelta

    from coprod.extensions import db as _db
    from coprod.models import utcnow
    from coprod.votes.services import record_vote

    opened = utcnow() - timedelta(hours=1)
    with db.context() as session:
        proposal = Proposal(board_id=cast.board.id, title="Meet in the library?", opened_dt=opened,
                            closes_dt=opened + timedelta(minutes=30), voter_roles="carer,member")
        session.add(proposal)
        session.flush()
        yes = Choice(proposal_id=proposal.id, label="Yes")
        session.add(yes)
        session.flush()
        ids = proposal.id, yes.id, cast.board.id, cast.member.id

    def attempt(at, *, role=Role.MEMBER, board_id=None, choice_id=None):
        proposal_id, yes_id, own_board, sam = ids
        with app.app_context():
            counted = record_vote(_db.session, board_id=board_id or own_board, proposal_id=proposal_id,
                                  user_id=sam, role=role, choice_id=choice_id or yes_id, sign_in=None, now=at)
            _db.session.commit()
            return counted

    assert not attempt(opened - timedelta(seconds=1))              # not open yet
    assert not attempt(opened + timedelta(minutes=30))             # closes at this moment
    assert not attempt(opened + timedelta(minutes=1), role=Role.SUPPORTER)  # a role without a vote
    assert not attempt(opened + timedelta(minutes=1), board_id=ids[2] + 1)  # through another board
    assert not attempt(opened + timedelta(minutes=1), choice_id=ids[1] + 1)  # not one of its answers
    assert not attempt(opened + timedelta(minutes=1), role=None)
    assert db.scalars(select(Vote)) == [] and db.scalars(select(Ballot)) == []

    assert attempt(opened + timedelta(minutes=29, seconds=59))     # the last moment
    assert attempt(opened + timedelta(minutes=29, seconds=59), role=Role.CARER)  # again: still one
    assert len(db.scalars(select(Vote))) == 1 and db.scalar(select(Ballot)).choice_id == ids[1]


def _titles(page: str) -> list[str]:
    """The proposals' numbers in the order shown (each title is in the page more than once)."""
    return list(dict.fromkeys(re.findall(r"Proposal number (\d\d)", page)))


def test_vote_lists_show_a_page_at_a_time_open_votes_first(cast, signed_in, db):
    """A board's whole history of votes is not one page (issue 15): 25 a page, votes open now first,
    then coming, then finished, and every proposal on exactly one page."""
    from datetime import timedelta

    from coprod.models import utcnow
    from coprod.votes.services import PROPOSALS_PAGE_SIZE

    now = utcnow()
    with db.context() as session:
        for number in range(1, PROPOSALS_PAGE_SIZE + 6):  # 30 proposals: 2 pages
            dates = ({"opened_dt": now - timedelta(hours=1)} if number in (3, 17)  # open now
                     else {} if number % 2  # coming
                     else {"opened_dt": now - timedelta(days=2), "closed_dt": now - timedelta(days=1)})
            session.add(Proposal(board_id=cast.board.id, title=f"Proposal number {number:02d}",
                                 created_dt=now - timedelta(minutes=number), **dates))
    member = signed_in(cast.member)
    first = member.get("/boards/riverside-ld/votes").get_data(as_text=True)
    assert "Page 1 of 2. These are 1 to 25 of 30." in first
    shown = _titles(first)
    assert shown[:2] == ["03", "17"] and "Open now" in first  # open ones first, newest first
    assert shown[2:4] == ["01", "05"]  # then coming
    second = member.get("/boards/riverside-ld/votes?page=2").get_data(as_text=True)
    later = _titles(second)
    assert "Open now" not in second and "There is nothing to vote on now." not in second
    assert sorted(shown + later) == [f"{n:02d}" for n in range(1, 31)]

    secretary = signed_in(cast.secretary).get("/boards/riverside-ld/proposals").get_data(as_text=True)
    assert _titles(secretary) == [f"{n:02d}" for n in range(1, 26)]
    assert "Page 1 of 2." in secretary and 'href="/boards/riverside-ld/proposals?page=2"' in secretary


def test_who_voted_comes_a_page_at_a_time(cast, signed_in, factory, db):
    """1,300 people voted on one proposal at national size: the secretary's page and an open vote's
    results list them 50 a page, by name, and say how many in all (issue 15)."""
    from coprod.models import Membership, User, utcnow
    from coprod.votes.views import VOTERS_PAGE_SIZE

    office = signed_in(cast.secretary)
    _new_proposal(office, kind="standard", secrecy="open")
    proposal = db.scalar(select(Proposal))
    yes = db.scalar(select(Choice).where(Choice.label == "Yes"))
    with db.context() as session:
        people = [User(name=f"Voter {n:03d}") for n in range(1, VOTERS_PAGE_SIZE + 8)]  # 57: 2 pages
        session.add_all(people)
        session.flush()
        session.add_all(Membership(board_id=cast.board.id, user_id=p.id, role=Role.MEMBER) for p in people)
        session.add_all(Vote(proposal_id=proposal.id, user_id=p.id, open_choice_id=yes.id) for p in people)
        session.get(Proposal, proposal.id).opened_dt = utcnow()
        session.get(Proposal, proposal.id).closed_dt = utcnow()
    base = f"/boards/riverside-ld/proposals/{proposal.id}"
    first, second = (office.get(base + page).get_data(as_text=True) for page in ("", "?page=2"))
    names = list(dict.fromkeys(re.findall(r"Voter (\d\d\d)", first))) \
        + list(dict.fromkeys(re.findall(r"Voter (\d\d\d)", second)))
    assert names == [f"{n:03d}" for n in range(1, VOTERS_PAGE_SIZE + 8)]
    assert "57 people have voted" in first and "Page 1 of 2. These are 1 to 50 of 57." in first
    assert f'href="{base}?page=2#voters"' in first
    results = f"/boards/riverside-ld/votes/{proposal.id}/results"
    shown = office.get(results + "?page=2").get_data(as_text=True)
    assert list(dict.fromkeys(re.findall(r"Voter (\d\d\d)</bdi>: ", shown))) == [f"{n:03d}" for n in range(51, 58)]
    assert "These are 51 to 57 of 57." in shown
