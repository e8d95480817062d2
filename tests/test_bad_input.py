"""Every form, fed generated text and broken bodies: a clear message next to the field, what was
typed kept, never a server error."""

from __future__ import annotations

import os
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CSRF_RE, sign_in

from coprod.models import (Action, AgendaItem, Attendance, Board, Choice, ClaimStatus, ConcernReason, GlossaryTerm,
                           Group, GroupMember, Meeting, MeetingStatus, Membership, PaymentClaim, Proposal, Question,
                           QuestionStatus, Record, RecordQuestion, RecordStatus, Role, SafeguardingConcern, User,
                           utcnow)

EXAMPLES = int(os.environ.get("COPROD_BAD_INPUT_EXAMPLES", "150"))

MEETING_TEXT = ["title", "about", "starts", "ends", "place", "place_notes", "online_url", "question_deadline"]
# The place's picture, and access at the place: yes, no or not known.
MEETING_CHOICES = {"place_picture": ["board"], "step_free": ["yes", "no", "unknown"], "hearing_loop": ["yes", "no"],
                   "quiet_room": ["unknown", "yes"], "accessible_toilets": ["no", "unknown"]}
ITEM_TEXT = ["title", "summary", "presenter", "starts", "length"]
RECORD_TEXT = ["title", "said_text", "did_text"]
RECORD_CHOICES = {"questions": ["{linked_question}", "{foreign_question}"], "proposal": ["", "{proposal}"],
                  "meeting": ["", "{meeting}"], "topic": ["work", "home"], "did_picture": ["yes", "job"]}

# (who fills it in, url, text fields, choice fields with their valid values, fields never echoed back)
FORMS = [
    (None, "/sign-in/code", ["code"], {}, set()),
    (None, "/sign-in/email", ["email"], {}, set()),
    (None, "/sign-in/password", ["email", "password"], {}, {"password"}),
    (None, "/settings", [], {"text_size": ["normal", "large", "larger"], "contrast": ["normal", "high"],
                             "locale": ["en", "cy"]}, set()),
    ("member", "/helping", ["helper_name"], {"helper": ["someone-else"]}, set()),
    # Reminders (issue 17): how a person is told, with their numbers; what a board sends, with its words.
    ("member", "/settings/reminders", ["mobile", "supporter_name", "supporter_email", "supporter_mobile",
                                       "postal_address"],
     {"how": ["email", "text", "both", "none"], "supporter_on": ["y"], "pack_by_post": ["y"],
      "pack_large_print": ["y"]}, set()),
    ("secretary", "/boards/riverside-ld/reminders", ["words_week_before", "words_day_before", "words_voting_closes"],
     {"on_week_before": ["y"], "on_said_did": ["y"], "easy_read_ok": ["y"]}, set()),
    ("member", "/account/password", ["current_password", "password"], {}, {"current_password", "password"}),
    # An authenticator app: set up by staff; the second step by someone halfway through signing in.
    ("secretary", "/account/two-factor/set-up", ["code"], {}, set()),
    ("halfway", "/sign-in/second-step", ["code"], {}, set()),
    ("halfway", "/sign-in/recovery-code", ["code"], {}, set()),
    ("secretary", "/boards/riverside-ld/people/new", ["name", "email"], {"role": ["member", "carer"]}, set()),
    ("secretary", "/boards/riverside-ld/people/{target}/role", [], {"role": ["member", "carer"]}, set()),
    ("secretary", "/boards/riverside-ld/groups", ["name"], {}, set()),
    ("secretary", "/boards/riverside-ld/groups/{group}", [], {"person": ["{target}"], "is_facilitator": ["y"]}, set()),
    ("secretary", "/boards/riverside-ld/proposals/new",
     ["title", "body", "choice_1", "choice_2", "opens", "closes"],
     {"kind": ["standard", "custom"], "picture": ["vote"], "choice_1_picture": ["yes"], "voters": ["member"],
      "secrecy": ["secret", "open"], "results": ["hidden"]}, set()),
    ("secretary", "/boards/riverside-ld/proposals/{proposal}/hands", ["count_{choice}"], {}, set()),
    ("member", "/boards/riverside-ld/votes/{proposal}/check", [], {"choice": ["{choice}"]}, set()),
    ("member", "/boards/riverside-ld/votes/{proposal}/cast", [], {"choice": ["{choice}"]}, set()),
    ("secretary", "/boards/riverside-ld/meetings/new", MEETING_TEXT, MEETING_CHOICES, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/edit", MEETING_TEXT, MEETING_CHOICES, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/new", ITEM_TEXT + ["picture-find"],
     {"picture": ["talk", "om-1f68c", "upload-1"], "proposal": ["", "{proposal}"], "find_pictures": ["picture"]},
     set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/{item}", ITEM_TEXT,
     {"picture": ["talk"], "proposal": ["", "{proposal}"]}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/minutes", ["minutes_{item}"], {}, set()),
    # A paper for an item: its name and the reason there is no easy-read version (files: tests/test_papers.py).
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/{item}/papers/new", ["title", "reason"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/status", [],
     {"status": ["planned", "taking_questions", "agenda_published"]}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/{item}/move", [], {"direction": ["up", "down"]}, set()),
    ("member", "/boards/riverside-ld/ask", [], {"meeting": ["{meeting}"]}, set()),
    ("member", "/boards/riverside-ld/ask/{draft}/about", [], {"about": ["item-{item}", "topic-home"]}, set()),
    ("member", "/boards/riverside-ld/ask/{draft}/words", ["text"], {"remove_recording": ["y"]}, set()),
    ("member", "/boards/riverside-ld/ask/{draft}/who", [], {"asker": ["me"], "show_name": ["yes", "no"],
                                                            "worried": ["y", ""]}, set()),
    ("member", "/boards/riverside-ld/ask/{draft}/move", [], {"meeting": ["{meeting}"]}, set()),
    ("member", "/boards/riverside-ld/ask/{draft}/throw-away", ["confirm"], {}, set()),
    # Coming or not: the answer, the tick boxes and the short boxes for the help they need.
    ("member", "/boards/riverside-ld/meetings/{meeting}/coming", ["diet", "travel", "other_need"],
     {"coming": ["yes", "no"], "bsl": ["y"], "support_worker": ["y"], "large_print": ["y"]}, set()),
    # Check-in on the day: what the camera read, the typed code, a tapped name and its undo.
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/scan", ["scanned"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/code", ["code"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/people/{member}", ["confirm"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/people/{member}/undo", ["confirm"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/stop-questions", ["confirm"], {}, set()),
    # Involvement payments: the claim (money, bank details, the receipt file left empty), the answer to
    # the secretary's question, the secretary's question, and the board's amounts.
    ("member", "/boards/riverside-ld/meetings/{held}/payment", ["travel", "account_name", "sort_code", "account_number"],
     {"pay_by": ["bank"]}, set()),
    ("member", "/boards/riverside-ld/meetings/{asked}/payment/answer", ["answer"], {}, set()),
    ("secretary", "/boards/riverside-ld/payments/{claim}", ["question"], {}, set()),
    ("secretary", "/boards/riverside-ld/payments/amounts", ["involvement", "travel_max"], {}, set()),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/reopen-questions", ["confirm"], {}, set()),
    # The buttons on check pages (issue 14): open a vote, turn an account off, take someone out of a group.
    ("secretary", "/boards/riverside-ld/proposals/{coming}/open", ["confirm"], {}, set()),
    ("admin", "/admin/people/{target}/disable?turn=off", ["confirm"], {}, set()),
    ("secretary", "/boards/riverside-ld/groups/{group}/members/{group_member}/remove", ["confirm"], {}, set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/wording", ["transcript", "public_text"], {}, set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/place", [], {"item": ["{item}"]}, set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/join", [], {"lead": ["{question}", "{question2}"]},
     set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/answer", ["answer"], {}, set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/decline", ["own_reason"],
     {"reason": ["personal", "own"]}, set()),
    ("secretary", "/boards/riverside-ld/questions/{question}/private", ["note"], {}, set()),
    ("secretary", "/jargon-buster/new", ["term", "other_forms", "meaning"], {"picture": ["book"]}, set()),
    ("secretary", "/pictures/new", ["alt_text", "search_words"], {"kept": ["", "0" * 32 + ".webp", "../x"]}, set()),
    ("secretary", "/boards/riverside-ld/easy-read-check", ["text"], {}, set()),
    ("secretary", "/jargon-buster/commissioner/edit", ["term", "other_forms", "meaning"], {"picture": ["book"]},
     set()),
    ("secretary", "/boards/riverside-ld/said-did/new", RECORD_TEXT, RECORD_CHOICES, set()),
    ("secretary", "/boards/riverside-ld/said-did/{record}/edit", RECORD_TEXT, RECORD_CHOICES, set()),
    ("secretary", "/boards/riverside-ld/said-did/{record}/actions/new",
     ["what", "how", "who_name", "who_organisation", "due_date"], {}, set()),
    ("secretary", "/boards/riverside-ld/said-did/{record}/actions/{action}", ["note", "reason"],
     {"status": ["planned", "started", "done", "could_not_do"]}, set()),
    ("secretary", "/boards/riverside-ld/said-did/{record}/actions/{action}/date", ["due_date", "reason"], {}, set()),
    ("secretary", "/boards/riverside-ld/said-did/{record}/actions/{action}/remove", ["reason"], {}, set()),
    ("member", "/boards/riverside-ld/said-did/{record}/happy", ["comment"],
     {"feeling": ["happy", "ok", "not_happy"]}, set()),
    ("admin", "/admin/boards/new", ["name", "slug", "about"], {}, set()),
    ("admin", "/admin/people/{target}/roles", [], {"board": ["{board}"], "role": ["member"]}, set()),
    ("secretary", "/boards/riverside-ld/languages/agenda-item/{item}/version", ["title", "summary"],
     {"language": ["cy", "en", "ur"], "easy_read_ok": ["y"]}, set()),
    ("secretary", "/boards/riverside-ld/languages/proposal/{proposal}/version", ["title", "body", "choice_{choice}"],
     {"language": ["cy", "en"], "easy_read_ok": ["y"]}, set()),
    ("secretary", "/boards/riverside-ld/languages/record/{record}/version", ["title", "said_text", "did_text"],
     {"language": ["cy", "ur"]}, set()),
    ("secretary", "/boards/riverside-ld/languages/record/{record}/checked/en", ["name", "checked_on"],
     {"checker": ["other", "{member}"]}, set()),
    (None, "/language", ["next"], {"locale": ["en", "cy"]}, {"next"}),
    # Erasure: the check page's button, and the board's setting for erased people's questions.
    ("admin", "/admin/boards/riverside-ld/settings", ["quorum"], {"erased_questions": ["go", "someone"]}, set()),
    ("admin", "/admin/people/{target}/erase", [], {"confirm": ["no", "yes"]}, set()),
    ("member", "/account/erase", [], {"confirm": ["no", "yes"]}, set()),
    # Safeguarding: the secretary names the lead (someone with no email address is refused); the lead's note.
    ("secretary", "/boards/riverside-ld/safeguarding/lead", [], {"lead": ["none", "{target}", "{lead}"]}, set()),
    ("admin", "/safeguarding/{concern}/notes", ["note"], {"state": ["open", "closed"]}, set()),
]


class FieldValues(HTMLParser):
    """The values a page shows back in its inputs and textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") not in ("radio", "checkbox", "hidden", "submit"):
            self.values[attrs.get("name")] = attrs.get("value") or ""
        if tag == "textarea":
            self._textarea = attrs.get("name")
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


@pytest.fixture
def clients(cast, factory, make_client, db):
    board = cast.board
    target = factory.person("Target Person", board=board)
    people = {"member": cast.member, "secretary": cast.secretary, "admin": cast.admin}
    made = {who: sign_in(make_client(), factory, person) for who, person in people.items()}
    made[None] = make_client()
    # A commissioner with an authenticator app who has tapped their card: halfway through signing in.
    halfway = factory.person("David", board=board, role=Role.COMMISSIONER)
    with db.context() as session:
        import pyotp

        from coprod.accounts.tokens import seal

        person = session.get(User, halfway.id)
        person.totp_secret, person.totp_on_dt = seal(pyotp.random_base32()), utcnow()
    made["halfway"] = make_client()
    assert made["halfway"].post(factory.card(halfway)[0]).location.startswith("/sign-in/second-step")
    with db.context() as session:
        group = Group(board_id=board.id, name="People First")
        session.add(group)
        session.flush()
        group_id = group.id
        proposal = Proposal(board_id=board.id, title="Meet in the library?", opened_dt=utcnow(), voter_roles="member")
        session.add(proposal)
        session.flush()
        choice = Choice(proposal_id=proposal.id, label="Yes")
        session.add(choice)
        session.flush()
        proposal_id, choice_id = proposal.id, choice.id
        coming = Proposal(board_id=board.id, title="Meet online?", voter_roles="member")
        session.add(coming)
        session.flush()
        session.add(Choice(proposal_id=coming.id, label="Yes"))
        group_member = GroupMember(group_id=group_id, user_id=people["member"].id)
        session.add(group_member)
        session.flush()
        coming_id, group_member_id = coming.id, group_member.id
        meeting = Meeting(board_id=board.id, title="Board meeting", starts_dt=utcnow() + timedelta(days=30),
                          place="Library")
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Housing")
        session.add(item)
        session.flush()
        meeting_id, item_id = meeting.id, item.id
        asked = [Question(board_id=board.id, meeting_id=meeting.id, asker_id=asker, text="Where can I live?",
                          status=status, sent_dt=utcnow())
                 for asker, status in ((target.id, QuestionStatus.SENT), (target.id, QuestionStatus.SENT),
                                       (people["member"].id, QuestionStatus.DRAFT))]
        session.add_all(asked)
        session.flush()
        question_ids = [question.id for question in asked]
        session.add(GlossaryTerm(language="en", term="Commissioner", slug="commissioner", meaning="A person who pays.",
                                 picture="commissioner"))
        other_board = session.get(Board, cast.other_board.id)
        other_meeting = Meeting(board_id=other_board.id, title="Other", starts_dt=utcnow(), place="Hall")
        session.add(other_meeting)
        session.flush()
        question = Question(board_id=board.id, meeting_id=meeting_id, asker_id=people["member"].id, text="Jobs?",
                            status=QuestionStatus.ON_AGENDA, sent_dt=utcnow())
        foreign = Question(board_id=other_board.id, meeting_id=other_meeting.id, asker_id=target.id, text="Hm?",
                           status=QuestionStatus.ON_AGENDA, sent_dt=utcnow())
        record = Record(board_id=board.id, title="Job coaches", did_text="We did it.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow())
        session.add_all([question, foreign, record])
        session.flush()
        session.add(RecordQuestion(record_id=record.id, question_id=question.id))
        action = Action(record_id=record.id, board_id=board.id, what="Ask", who_name="David",
                        who_organisation="Council", due_date=utcnow().date())
        session.add(action)
        session.flush()
        follow_ids = {"linked_question": question.id, "foreign_question": foreign.id, "record": record.id,
                      "action": action.id}
        worried = Question(board_id=board.id, meeting_id=meeting_id, asker_id=target.id, text="I am scared.",
                           status=QuestionStatus.SENT, sent_dt=utcnow(), private=True, worried=True)
        session.add(worried)
        session.flush()
        concern = SafeguardingConcern(board_id=board.id, question_id=worried.id, person_id=target.id,
                                      reason=ConcernReason.WORRIED)
        session.add(concern)
        lead = User(name="Lena Lead", email="lena@example.org")
        session.add(lead)
        session.flush()
        session.add(Membership(board_id=board.id, user_id=lead.id, role=Role.SUPPORTER))
        follow_ids.update(concern=concern.id, lead=lead.id)
        # Involvement payments: two meetings that happened, which the member came to; a claim of theirs the
        # secretary asked about, and a claim of someone else's for the secretary's question form.
        board_row = session.get(Board, board.id)
        board_row.involvement_pence, board_row.travel_max_pence = 2500, 2000
        held, asked = [Meeting(board_id=board.id, title=title, starts_dt=utcnow() - timedelta(days=3), place="Hall",
                               status=MeetingStatus.HELD) for title in ("Held", "Asked")]
        session.add_all([held, asked])
        session.flush()
        session.add_all([Attendance(meeting_id=m.id, user_id=people["member"].id, coming=True) for m in (held, asked)])
        mine = PaymentClaim(board_id=board.id, meeting_id=asked.id, user_id=people["member"].id, involvement_pence=2500,
                            status=ClaimStatus.QUESTION, question_text="Bus or taxi?")
        theirs = PaymentClaim(board_id=board.id, meeting_id=held.id, user_id=target.id, involvement_pence=2500)
        session.add_all([mine, theirs])
        session.flush()
        follow_ids.update(held=held.id, asked=asked.id, claim=theirs.id)
    return made, {**follow_ids, "target": target.id, "member": people["member"].id, "board": board.id, "group": group_id, "proposal": proposal_id,
                  "coming": coming_id, "group_member": group_member_id,
                  "choice": choice_id, "meeting": meeting_id, "item": item_id, "question": question_ids[0],
                  "question2": question_ids[1], "draft": question_ids[2]}


# Long text (1,000 to 5,000 characters) is a short random piece repeated: drawing 5,000 random
# characters one by one cost hypothesis more time than the request it was sent in.
long_text = st.tuples(st.text(min_size=1, max_size=60), st.integers(1000, 5000)).map(
    lambda piece_length: (piece_length[0] * (piece_length[1] // len(piece_length[0]) + 1))[:piece_length[1]])
text = st.text(max_size=300) | long_text | st.sampled_from(
    ["", " ", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "名前", "ﷺ" * 50, "\u202e", "%(name)s", "{{ 7*7 }}"])


@pytest.mark.parametrize("who, url, text_fields, choice_fields, secret_fields", FORMS, ids=[f[1] for f in FORMS])
def test_generated_input_never_breaks_a_form(app, clients, who, url, text_fields, choice_fields, secret_fields):
    made, ids = clients
    client = made[who]
    url = url.format(**ids)
    token = CSRF_RE.search(client.get("/sign-in/code").get_data(as_text=True)).group(1)
    text_fields = [name.format(**ids) for name in text_fields]
    choice_strategies = {
        name: st.sampled_from([v.format(**ids) for v in values]) | text for name, values in choice_fields.items()
    }

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.fixed_dictionaries({}, optional={**{name: text for name in text_fields}, **choice_strategies}))
    def check(data):
        # Surrogates cannot be sent by a browser; everything else can.
        response = client.post(url, {**data, "csrf_token": token}, csrf=False)
        assert response.status_code in (200, 302, 400, 429), (response.status_code, data)
        html = response.get_data(as_text=True)
        if response.status_code in (200, 400) and "There is a problem" in html:
            shown = FieldValues()
            shown.feed(html)
            for name in text_fields:
                if name in secret_fields or name not in data:
                    continue
                # Shown back as typed, or with only the outer spaces trimmed.
                assert shown.values.get(name) in (data[name], data[name].strip()), f"{name}: what was typed was not kept"
            assert 'class="field-error"' in html, "the message stands next to the field too"

    check()


@pytest.mark.parametrize("body, content_type", [
    (b"\xff\xfe\xfa not utf-8 = \x80", "application/x-www-form-urlencoded"),
    (b"code=%ZZ%%&&&==", "application/x-www-form-urlencoded"),
    (b'{"code": "1234"}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nbroken", "multipart/form-data; boundary=x"),
    (b"a" * 2_000_000, "application/x-www-form-urlencoded"),
])
def test_raw_invalid_bodies_get_a_clear_answer(client, body, content_type):
    for url in ("/sign-in/code", "/sign-in/email", "/settings", "/language"):
        response = client.raw.post(url, data=body, content_type=content_type)
        assert response.status_code in (400, 413), (url, response.status_code)
        assert "<h1>" in response.get_data(as_text=True)
