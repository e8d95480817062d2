"""Every route against every role (and signed out), checked against the intended permission.

INTENDED is kept by hand: a new route fails here until someone decides who may use it, and the
view's own @access declaration must agree with that decision."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from conftest import sign_in
from coprod.models.paper import Paper
from coprod.models import (Action, AgendaItem, Board, Choice, ConcernReason, Group, GroupMember, LoginCard, Meeting,
                           MeetingStatus, PaymentClaim, Picture, Proposal, Question, QuestionStatus, Record,
                           RecordStatus, Role, SafeguardingConcern, utcnow)
from coprod.permissions import access_for_endpoint

ANYONE = "public"
SIGNED_IN = "signed in"
ADMIN = "admin"
SECRETARY = "board: secretary"
ON_THE_BOARD = "board: member, carer, supporter, secretary, commissioner"
SECRETARY_ANYWHERE = "secretary of any board"
WRITERS = "board: secretary, commissioner"
SAFEGUARDING_LEAD = "safeguarding lead"

INTENDED = {
    "main.home": ANYONE,
    "main.help": ANYONE,
    "main.about": ANYONE,
    "main.privacy": ANYONE,
    "pictures.picture": ANYONE,
    # The picture library is public (its pictures are on public pages anyway); our own pictures
    # are added and removed by any board's secretary, like the jargon buster's words.
    "pictures.library": ANYONE,
    "pictures.file": ANYONE,
    "pictures.upload": SECRETARY_ANYWHERE,
    "pictures.waiting": SECRETARY_ANYWHERE,
    "pictures.uploaded": SECRETARY_ANYWHERE,
    "pictures.remove": SECRETARY_ANYWHERE,
    # Audio files: anyone holding the key (a SHA-256 of words they were shown); see README "Audio".
    "audio.clip": ANYONE,
    "audio.clip_status": ANYONE,
    "accounts.sign_in": ANYONE,
    "accounts.sign_in_code": ANYONE,
    "accounts.card": ANYONE,
    "accounts.card_sign_in": ANYONE,
    "accounts.sign_in_email": ANYONE,
    "accounts.magic_link": ANYONE,
    "accounts.magic_link_sign_in": ANYONE,
    "accounts.sign_in_password": ANYONE,
    "accounts.sign_out": ANYONE,
    "accounts.signed_out": ANYONE,
    "accounts.settings": ANYONE,
    "accounts.language": ANYONE,
    "accounts.helping": SIGNED_IN,
    "accounts.stop_helping": SIGNED_IN,
    "accounts.account": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    # The second step of signing in (an authenticator app); staff's own app pages; an admin's reset.
    "accounts.second_step": ANYONE,
    "accounts.recovery_code": ANYONE,
    "accounts.two_factor_page": SIGNED_IN,
    "accounts.two_factor_setup": SIGNED_IN,
    "accounts.two_factor_new_codes": SIGNED_IN,
    "accounts.two_factor_off": SIGNED_IN,
    "accounts.two_factor_reset": ADMIN,
    "boards.board": ANYONE,
    "boards.people": SECRETARY,
    "boards.add_person": SECRETARY,
    "boards.person": SECRETARY,
    "boards.change_role": SECRETARY,
    "boards.new_card": SECRETARY,
    "boards.revoke_card": SECRETARY,
    "groups.index": SECRETARY,
    "groups.group": SECRETARY,
    "groups.remove_member": SECRETARY,
    "votes.index": ON_THE_BOARD,
    "votes.proposal": ON_THE_BOARD,
    "votes.check": ON_THE_BOARD,
    "votes.cast": ON_THE_BOARD,
    "votes.counted": ON_THE_BOARD,
    "votes.live": ON_THE_BOARD,
    "votes.status": ON_THE_BOARD,
    "votes.results": ANYONE,
    "votes.screen": ANYONE,
    "votes.new_proposal": SECRETARY,
    "votes.proposals": SECRETARY,
    "votes.manage": SECRETARY,
    "votes.open_voting": SECRETARY,
    "votes.close_voting": SECRETARY,
    "votes.hands": SECRETARY,
    # Published agendas and minutes are the board's public record; drafts answer 404 to others.
    "meetings.index": ANYONE,
    "meetings.meeting": ANYONE,
    "meetings.pack": ANYONE,
    "meetings.pack_pdf": ANYONE,
    "meetings.came_back_list": ANYONE,
    # Calendars: the board's feed (published meetings only) and one meeting's file (whoever sees its page).
    "meetings.calendar_feed": ANYONE,
    "meetings.meeting_calendar": ANYONE,
    "meetings.next_meeting": ON_THE_BOARD,
    "meetings.manage_index": SECRETARY,
    "meetings.new_meeting": SECRETARY,
    "meetings.manage": SECRETARY,
    "meetings.edit_meeting": SECRETARY,
    "meetings.change_status": SECRETARY,
    "meetings.new_item": SECRETARY,
    "meetings.edit_item": SECRETARY,
    "meetings.move_item": SECRETARY,
    "meetings.remove_item": SECRETARY,
    "meetings.minutes": SECRETARY,
    "meetings.stop_questions": SECRETARY,
    "meetings.reopen_questions": SECRETARY,
    # Coming or not: anyone on the board answers for themselves; only the secretary sees everyone's needs.
    "meetings.coming": ON_THE_BOARD,
    "meetings.attendance_list": SECRETARY,
    # Papers: the secretary adds and completes them; whoever may see the agenda opens them.
    "meetings.new_paper": SECRETARY,
    "meetings.easy_read_paper": SECRETARY,
    "meetings.remove_paper": SECRETARY,
    "meetings.paper_file": ANYONE,
    # Check-in on the day: only the board's secretary (the tablet in the room) marks people present.
    "meetings.check_in": SECRETARY,
    "meetings.check_in_scan": SECRETARY,
    "meetings.check_in_code": SECRETARY,
    "meetings.check_in_person": SECRETARY,
    "meetings.check_in_undo": SECRETARY,
    # Involvement payments: anyone on the board opens their own claim page (the service says who may
    # claim); the receipt is checked per record (the person or the secretary); the rest is the secretary's.
    "payments.claim": ON_THE_BOARD,
    "payments.answer": ON_THE_BOARD,
    "payments.receipt": ON_THE_BOARD,
    "payments.meeting_claims": SECRETARY,
    "payments.review": SECRETARY,
    "payments.approve": SECRETARY,
    "payments.paid": SECRETARY,
    "payments.finance_csv": SECRETARY,
    "payments.amounts": SECRETARY,
    # Questions: asking, "me too" and the meeting's questions are for the board; each question is
    # checked per record as well (own drafts only; recordings for the asker and secretaries only).
    "questions.ask": ON_THE_BOARD,
    "questions.about": ON_THE_BOARD,
    "questions.words": ON_THE_BOARD,
    "questions.who": ON_THE_BOARD,
    "questions.check": ON_THE_BOARD,
    "questions.send": ON_THE_BOARD,
    "questions.move": ON_THE_BOARD,
    "questions.sent": ON_THE_BOARD,
    "questions.throw_away": ON_THE_BOARD,
    "questions.recording": ON_THE_BOARD,
    "questions.mine": SIGNED_IN,
    "questions.meeting_questions": ON_THE_BOARD,
    "questions.me_too": ON_THE_BOARD,
    "questions.undo_me_too": ON_THE_BOARD,
    "questions.queue": SECRETARY,
    "questions.moderate": SECRETARY,
    "questions.wording": SECRETARY,
    "questions.place": SECRETARY,
    "questions.join": SECRETARY,
    "questions.answer": SECRETARY,
    "questions.decline": SECRETARY,
    "questions.make_private": SECRETARY,
    "questions.put_back": SECRETARY,
    # The jargon buster is site-wide: read by anyone, written by any board's secretary.
    "glossary.index": ANYONE,
    "glossary.term": ANYONE,
    "glossary.new_term": SECRETARY_ANYWHERE,
    "glossary.edit_term": SECRETARY_ANYWHERE,
    # The live easy-read check: the people who write checked content (agenda items, proposals, answers).
    "easyread.live_check": WRITERS,
    # "You said, we did": published records, the dashboard and open data are public; drafts answer
    # 404 to everyone but the people who write them.
    "follow.tracker": ANYONE,
    "follow.record": ANYONE,
    "follow.dashboard": ANYONE,
    "follow.open_data": ANYONE,
    "follow.records_json": ANYONE,
    "follow.records_csv": ANYONE,
    "follow.actions_csv": ANYONE,
    "follow.api_records": ANYONE,
    "follow.api_record": ANYONE,
    "follow.feed": ANYONE,
    "follow.updates": SIGNED_IN,
    # Anyone on the board may follow; only askers' answers count (checked in the service).
    "follow.follow": ON_THE_BOARD,
    "follow.feedback": ON_THE_BOARD,
    # A spoken comment: checked again per record (the person, or the board's writers).
    "follow.feedback_recording": ON_THE_BOARD,
    "follow.manage": WRITERS,
    "follow.new_record": WRITERS,
    "follow.edit_record": WRITERS,
    "follow.publish": WRITERS,
    "follow.new_action": WRITERS,
    "follow.action_step": WRITERS,
    "follow.action_date": WRITERS,
    "follow.remove_action": WRITERS,
    "follow.bring_back": SECRETARY,
    # Versions in other languages: the people who write that kind of content (checked per record:
    # an agenda item is the secretary's); "checked by" is marked by the secretary.
    "content.overview": WRITERS,
    "content.version": WRITERS,
    "content.checked": SECRETARY,
    "admin.index": ADMIN,
    "admin.boards": ADMIN,
    "admin.new_board": ADMIN,
    "admin.people": ADMIN,
    "admin.person": ADMIN,
    "admin.add_role": ADMIN,
    "admin.toggle_admin": ADMIN,
    "admin.toggle_disabled": ADMIN,
    "admin.audit_log": ADMIN,
    "admin.removed": ADMIN,
    # Erasure (UK GDPR art. 17): an admin erases anyone; everyone signed in can erase themselves.
    "admin.erase_person": ADMIN,
    "admin.board_settings": ADMIN,
    # Safeguarding: what the lead does (for people on the board); the secretary names the lead; the
    # lead's own pages (which concerns: checked per record, 404 for another board's).
    "safeguarding.about": ON_THE_BOARD,
    "safeguarding.choose_lead": SECRETARY,
    "safeguarding.concerns": SAFEGUARDING_LEAD,
    "safeguarding.concern": SAFEGUARDING_LEAD,
    "safeguarding.add_note": SAFEGUARDING_LEAD,
    "safeguarding.recording": SAFEGUARDING_LEAD,
    "accounts.erase_me": SIGNED_IN,
    # My data: anyone signed in asks for their own file; the file itself is checked per record (the
    # person, or the staff member who made it for them). A secretary makes one for a person on their
    # board who asked on paper (checked again: only if every board the person is on is theirs).
    "my_data.index": SIGNED_IN,
    "my_data.ask": SIGNED_IN,
    "my_data.download": SIGNED_IN,
    "my_data.board_on_paper": SECRETARY,
    "my_data.admin_on_paper": ADMIN,
    # Reminders (issue 17): each person chooses their own (their phone number: them and admins only);
    # a board's secretary chooses which reminders the board sends, and the words.
    "reminders.mine": SIGNED_IN,
    "reminders.board": SECRETARY,
    # The meeting pack by post: who asked for paper, with their addresses, and each one's letter to print.
    "reminders.pack_post": SECRETARY,
    "reminders.pack_letter": SECRETARY,
    # What was not sent (names only): the site admin.
    "reminders.not_sent": ADMIN,
}

# "safeguarding lead": the board's safeguarding lead, with no role on any board.
ROLES = ["signed out", "member", "carer", "supporter", "commissioner", "secretary",
         "secretary of another board", "admin", "safeguarding lead"]


def _may(intended: str, role: str) -> bool:
    if intended == ANYONE:
        return True
    if role == "signed out":
        return False
    if intended == SIGNED_IN or role == "admin":
        return True
    if role == "safeguarding lead" or intended == SAFEGUARDING_LEAD:
        return role == "safeguarding lead" and intended == SAFEGUARDING_LEAD
    if intended == ADMIN:
        return False
    if intended == SECRETARY:
        return role == "secretary"
    if intended == SECRETARY_ANYWHERE:
        return role in ("secretary", "secretary of another board")
    if intended == WRITERS:
        return role in ("secretary", "commissioner")
    if intended == ON_THE_BOARD:
        return role != "secretary of another board"
    raise AssertionError(f"unknown permission {intended}")


def test_every_route_declares_the_intended_permission(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    with app.test_request_context():
        undeclared = sorted(e for e in endpoints if access_for_endpoint(e) is None)
        unknown = sorted(endpoints - INTENDED.keys())
        mismatched = sorted(e for e in endpoints & INTENDED.keys() if access_for_endpoint(e).name != INTENDED[e])
    assert not undeclared, f"views with no @access rule (they answer 403 to everyone): {undeclared}"
    assert not unknown, f"new routes: decide who may use them and add them to INTENDED: {unknown}"
    assert not mismatched, f"@access differs from the intended permission: {mismatched}"
    assert not (INTENDED.keys() - endpoints), "INTENDED lists routes that no longer exist"


@pytest.fixture
def people(cast, factory, make_client, db):
    board, other = cast.board, cast.other_board
    target = factory.person("Target Person", board=board)
    factory.card(target)
    card_id = db.scalar(select(LoginCard).where(LoginCard.user_id == target.id)).id
    with db.context() as session:
        group = Group(board_id=board.id, name="People First")
        session.add(group)
        session.flush()
        member = GroupMember(group_id=group.id, user_id=target.id)
        session.add(member)
        session.flush()
        group_id, member_id = group.id, member.id
        proposal = Proposal(board_id=board.id, title="Meet in the library?")
        session.add(proposal)
        session.flush()
        session.add(Choice(proposal_id=proposal.id, label="Yes"))
        proposal_id = proposal.id
        meeting = Meeting(board_id=board.id, title="Board meeting", starts_dt=utcnow(), place="Library",
                          status=MeetingStatus.AGENDA_PUBLISHED)
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Housing")
        session.add(item)
        session.flush()
        meeting_id, item_id = meeting.id, item.id
        paper = Paper(board_id=board.id, agenda_item_id=item.id, title="Housing plan", file_name="0" * 32 + ".pdf",
                      pages=1, byte_size=100, no_easy_read_reason="Coming soon")
        session.add(paper)
        session.flush()
        paper_id = paper.id
        question = Question(board_id=board.id, meeting_id=meeting.id, asker_id=target.id, text="Where can I live?",
                            status=QuestionStatus.SENT, sent_dt=utcnow())
        session.add(question)
        session.flush()
        question_id = question.id
        record = Record(board_id=board.id, title="Job coaches", did_text="We did it.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow())
        session.add(record)
        session.flush()
        action = Action(record_id=record.id, board_id=board.id, what="Ask", who_name="David",
                        who_organisation="Council", due_date=utcnow().date())
        session.add(action)
        session.flush()
        record_id, action_id = record.id, action.id
        picture = Picture(file_name="f" * 32 + ".webp", alt_text="Our bus.", width=10, height=10)
        session.add(picture)
        session.flush()
        picture_id = picture.id
        private = Question(board_id=board.id, meeting_id=meeting_id, asker_id=target.id, text="I am scared.",
                           status=QuestionStatus.SENT, sent_dt=utcnow(), private=True, worried=True)
        session.add(private)
        session.flush()
        concern = SafeguardingConcern(board_id=board.id, question_id=private.id, person_id=target.id,
                                      reason=ConcernReason.WORRIED)
        session.add(concern)
        session.flush()
        concern_id = concern.id
    lead = factory.person("Lena Lead", board=None, email="lena@example.org")
    with db.context() as session:
        session.get(Board, board.id).safeguarding_lead_id = lead.id
        claim = PaymentClaim(board_id=board.id, meeting_id=meeting_id, user_id=target.id, involvement_pence=2500)
        session.add(claim)
        session.flush()
        claim_id = claim.id
    users = {
        "member": cast.member,
        "carer": cast.carer,
        "supporter": cast.supporter,
        "commissioner": cast.commissioner,
        "secretary": cast.secretary,
        "secretary of another board": factory.person("Other Secretary", board=other, role=Role.SECRETARY),
        "admin": cast.admin,
        "safeguarding lead": lead,
    }
    values = {"slug": board.slug, "user_id": target.id, "card_id": card_id, "token": "not-a-real-token",
              "name": "vote", "key": "0" * 64, "group_id": group_id, "member_id": member_id,
              "proposal_id": proposal_id, "meeting_id": meeting_id, "item_id": item_id,
              "question_id": question_id, "word": "commissioner", "record_id": record_id, "action_id": action_id,
              "feedback_id": 1, "picture_id": picture_id, "file_name": "0" * 32 + ".webp",
              "kind": "record", "content_id": record_id, "language": "en",
              "export_id": 1, "paper_id": paper_id, "version": "full", "concern_id": concern_id,
              "claim_id": claim_id}
    return users, values


def test_every_route_for_every_role(app, people, factory, make_client, monkeypatch):
    users, values = people
    problems = []
    checked = 0
    # Each request comes from a fresh client holding the cookies of a fresh sign-in. Signing in costs
    # several requests, so the cookies of one sign-in are copied into the clients of the GETs that
    # follow it (a GET changes nothing); after a POST (which may end the sign-in, e.g. /sign-out)
    # the next request signs in again.
    signed_in_cookies: dict[str, list] = {}

    def client_for(role: str):
        client = make_client()
        if role == "signed out":
            return client
        if role not in signed_in_cookies:
            sign_in(client, factory, users[role])
            signed_in_cookies[role] = list(client.raw._cookies.values())
            return client
        for cookie in signed_in_cookies[role]:
            client.raw.set_cookie(cookie.decoded_key, cookie.decoded_value, domain=cookie.domain, path=cookie.path)
        return client

    # Who may open the meeting pack's PDF is what is checked here; making a PDF takes WeasyPrint
    # seconds, so it is made once (for the first reader) and the same bytes stand in for the other
    # readers' PDFs. tests/test_pack_pdf.py checks the PDFs themselves.
    from coprod.meetings import pack_pdf

    made_pdfs: dict[str, bytes] = {}

    def render_once(html: str, size: str) -> bytes:
        if size not in made_pdfs:
            made_pdfs[size] = real_render(html, size)
        return made_pdfs[size]

    real_render = pack_pdf.render
    monkeypatch.setattr(pack_pdf, "render", render_once)

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        for role in ROLES:
            client = client_for(role)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, {})
                signed_in_cookies.pop(role, None)
            status, location = response.status_code, response.location or ""
            refused = status == 403 or (status == 302 and location.startswith("/sign-in"))
            expected = _may(INTENDED[rule.endpoint], role)
            if status >= 500:
                problems.append(f"{method} {url} as {role}: server error {status}")
            elif expected and refused:
                problems.append(f"{method} {url} as {role}: refused ({status}) but should be allowed")
            elif not expected and not refused:
                problems.append(f"{method} {url} as {role}: answered {status} but should be refused")
            elif not expected and role == "signed out" and status != 302:
                problems.append(f"{method} {url} signed out: should be sent to sign in, got {status}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= len(INTENDED) * len(ROLES)
    assert made_pdfs, "the meeting pack's PDF was made (once)"
