"""A form sent twice is done once (one-time submission keys, coprod/submissions.py).

Every creating form is filled in as a browser would (from the page's own form), sent, then sent
again with the same key: the second send creates nothing (every table has the same number of rows)
and goes where the first went, saying "You sent this already"."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from conftest import sign_in
from coprod.extensions import db as _db
from coprod.models import (Action, AgendaItem, Base, Choice, Meeting, MeetingStatus, Proposal, Question,
                           QuestionStatus, Record, RecordQuestion, RecordStatus, Role, SubmissionKey, utcnow)

ALREADY = "You sent this already"


class Forms(HTMLParser):
    """The POST forms on a page: their action and the values a browser would send by default."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "values": {}, "keys": 0}
            self.forms.append(self._form)
        if self._form is None:
            return
        values = self._form["values"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if name == "submission_key":
                self._form["keys"] += 1
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    values[name] = attrs.get("value", "on")
            elif kind not in ("submit", "file", "button"):
                values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in attrs or self._select not in values:
                values[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["values"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: _db.session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


@pytest.fixture
def setting(cast, factory, make_client, db):
    board = cast.board
    target = factory.person("Target Person", board=board)
    with db.context() as session:
        proposal = Proposal(board_id=board.id, title="Meet in the library?", opened_dt=utcnow(),
                            voter_roles="member")
        session.add(proposal)
        session.flush()
        choice = Choice(proposal_id=proposal.id, label="Yes")
        session.add_all([choice, Choice(proposal_id=proposal.id, label="No")])
        hands = Proposal(board_id=board.id, title="Hands up?", opened_dt=utcnow(), voter_roles="member")
        session.add(hands)
        session.flush()
        session.add(Choice(proposal_id=hands.id, label="Yes"))
        meeting = Meeting(board_id=board.id, title="Board meeting", starts_dt=utcnow() + timedelta(days=30),
                          place="Library", status=MeetingStatus.TAKING_QUESTIONS,
                          question_deadline_dt=utcnow() + timedelta(days=20))
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Housing")
        session.add(item)
        session.flush()
        sent = Question(board_id=board.id, meeting_id=meeting.id, asker_id=target.id, text="Where can I live?",
                        public_text="Where can I live?", status=QuestionStatus.ON_AGENDA, sent_dt=utcnow(),
                        agenda_item_id=item.id)
        draft = Question(board_id=board.id, meeting_id=meeting.id, asker_id=cast.member.id, text="Buses?",
                         status=QuestionStatus.DRAFT, topic="home")
        record = Record(board_id=board.id, title="Job coaches", did_text="We did it.",
                        status=RecordStatus.PUBLISHED, published_dt=utcnow())
        mine = Question(board_id=board.id, meeting_id=meeting.id, asker_id=cast.member.id, text="Jobs?",
                        status=QuestionStatus.ON_AGENDA, sent_dt=utcnow())
        session.add_all([sent, draft, record, mine])
        session.flush()
        session.add(RecordQuestion(record_id=record.id, question_id=mine.id))
        ids = {"proposal": proposal.id, "choice": choice.id, "hands": hands.id, "meeting": meeting.id,
               "item": item.id, "question": sent.id, "draft": draft.id, "record": record.id,
               "target": target.id, "board": board.id}
    people = {"member": cast.member, "secretary": cast.secretary, "admin": cast.admin}
    clients = {who: sign_in(make_client(), factory, person) for who, person in people.items()}
    return clients, ids


B = "/boards/riverside-ld"
# (who, the page with the form, the form's action, what they type)
CREATING_FORMS = [
    ("secretary", B + "/said-did/{record}/actions/new", B + "/said-did/{record}/actions/new",
     {"what": "Ask the council.", "who_name": "David", "who_organisation": "Council", "due_date": "2030-01-31"}),
    ("secretary", B + "/said-did/new", B + "/said-did/new",
     {"title": "Buses", "said_text": "We want buses.", "did_text": "We asked.", "topic": "work"}),
    ("secretary", B + "/people/new", B + "/people/new", {"name": "New Person", "role": "member"}),
    ("secretary", B + "/people/{target}", B + "/people/{target}/cards", {}),
    ("secretary", B + "/groups", B + "/groups", {"name": "People First"}),
    ("secretary", B + "/proposals/new", B + "/proposals/new",
     {"title": "Meet on Mondays?", "body": "We could meet on Mondays."}),
    ("secretary", B + "/proposals/{hands}/hands", B + "/proposals/{hands}/hands", {}),
    ("secretary", B + "/meetings/new", B + "/meetings/new",
     {"title": "Summer meeting", "starts": "2030-07-01T10:00", "place": "Library"}),
    ("secretary", B + "/meetings/{meeting}/items/new", B + "/meetings/{meeting}/items/new",
     {"title": "Buses", "picture": "talk"}),
    ("secretary", "/jargon-buster/new", "/jargon-buster/new",
     {"term": "Advocate", "meaning": "A person who speaks up for you.", "picture": "book"}),
    ("admin", "/admin/boards/new", "/admin/boards/new",
     {"name": "Hill Board", "slug": "hill-board", "about": "We meet on the hill."}),
    ("member", B + "/ask", B + "/ask", {"meeting": "{meeting}"}),
    ("member", B + "/ask/{draft}/check", B + "/ask/{draft}/send", {}),
    ("member", B + "/meetings/{meeting}/questions", B + "/questions/{question}/me-too", {}),
    ("member", B + "/said-did/{record}", B + "/said-did/{record}/follow", {}),
    ("member", B + "/said-did/{record}/happy", B + "/said-did/{record}/happy",
     {"feeling": "not_happy", "comment": "It is slow."}),
]


def _form(client, page: str, action: str) -> dict:
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    forms = [f for f in post_forms(response.get_data(as_text=True)) if (f["action"] or page).split("?")[0] == action]
    assert forms, f"no form on {page} sends to {action}"
    return forms[0]


@pytest.mark.parametrize("who, page, action, typed", CREATING_FORMS, ids=[f[2] for f in CREATING_FORMS])
def test_a_creating_form_sent_twice_is_done_once(app, setting, who, page, action, typed):
    clients, ids = setting
    client = clients[who]
    page, action = page.format(**ids), action.format(**ids)
    form = _form(client, page, action)
    assert form["keys"] == 1, "the form carries one submission key"
    data = {**form["values"], **{name: value.format(**ids) for name, value in typed.items()}}

    first = client.post(action, data, csrf=False)
    # A redirect; or a page shown once (a login card's secrets), when the second send goes elsewhere.
    assert first.status_code in (200, 302, 303), first.status_code
    if first.status_code == 200:
        assert "There is a problem" not in first.get_data(as_text=True)
    else:
        assert ALREADY not in client.get(first.location).get_data(as_text=True)
    before = row_counts(app)

    second = client.post(action, data, csrf=False)
    assert second.status_code in (302, 303)
    if first.status_code != 200:
        assert second.location == first.location, "the second send goes where the first went"
    assert row_counts(app) == before, "the second send created nothing"
    assert ALREADY in client.get(second.location).get_data(as_text=True)


def test_a_vote_sent_twice_is_counted_once(app, setting):
    clients, ids = setting
    client = clients["member"]
    page = B + "/votes/{proposal}".format(**ids)
    check = client.post(page + "/check", {**_form(client, page, page + "/check")["values"],
                                          "choice": str(ids["choice"])}, csrf=False)
    assert check.status_code == 200
    form = [f for f in post_forms(check.get_data(as_text=True)) if f["action"] == page + "/cast"][0]
    assert form["keys"] == 1
    first = client.post(page + "/cast", form["values"], csrf=False)
    assert first.status_code == 302
    client.get(first.location)
    before = row_counts(app)
    second = client.post(page + "/cast", form["values"], csrf=False)
    assert second.location == first.location and row_counts(app) == before
    assert ALREADY in client.get(second.location).get_data(as_text=True)


def test_a_form_shown_again_with_its_messages_can_be_sent_again_with_the_same_key(app, setting):
    clients, ids = setting
    client = clients["secretary"]
    page = B + "/said-did/{record}/actions/new".format(**ids)
    form = _form(client, page, page)
    data = {**form["values"], "what": "Ask the council.", "who_name": "David", "who_organisation": "Council"}
    shown_again = client.post(page, {**data, "due_date": "not a date"}, csrf=False)
    assert shown_again.status_code == 200
    done = client.post(page, {**data, "due_date": "2030-01-31"}, csrf=False)
    assert done.status_code == 302 and ALREADY not in client.get(done.location).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Action)) == 1


def test_a_refused_step_keeps_no_key(app, setting):
    """A refusal nobody caught goes back with its message and did nothing: the same key may try again."""
    clients, ids = setting
    client = clients["member"]
    page = B + "/meetings/{meeting}/questions".format(**ids)
    action = B + "/questions/{question}/me-too".format(**ids)
    form = _form(client, page, action)
    with app.app_context():
        question = _db.session.get(Question, ids["question"])
        question.status = QuestionStatus.NOT_TAKEN
        _db.session.commit()
    client.post(action, form["values"], csrf=False, headers={"Referer": "http://localhost" + page})
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 0


def test_someone_elses_key_is_not_theirs(app, setting, make_client, factory, cast):
    clients, ids = setting
    page = B + "/said-did/{record}/actions/new".format(**ids)
    form = _form(clients["secretary"], page, page)
    data = {**form["values"], "what": "Ask.", "who_name": "David", "who_organisation": "Council",
            "due_date": "2030-01-31"}
    assert clients["secretary"].post(page, data, csrf=False).status_code == 302
    other = sign_in(make_client(), factory, factory.person("Second Secretary", board=cast.board,
                                                           role=Role.SECRETARY))
    response = other.post(page, {**data, "csrf_token": other.csrf()}, csrf=False)
    # Not theirs: it does not send them to someone else's result; their form is done as sent.
    assert response.status_code == 302
    assert ALREADY not in other.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 1
        assert _db.session.scalar(select(func.count()).select_from(Action)) == 2


def test_old_keys_are_removed(app, setting):
    from coprod.submissions import remove_old_submission_keys

    clients, ids = setting
    page = B + "/groups"
    form = _form(clients["secretary"], page, page)
    assert clients["secretary"].post(page, {**form["values"], "name": "Group"}, csrf=False).status_code == 302
    with app.app_context():
        assert remove_old_submission_keys(utcnow() + timedelta(days=1)) == 0
        assert remove_old_submission_keys(utcnow() + timedelta(days=2, minutes=1)) == 1
        _db.session.commit()
        assert _db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 0


def test_every_post_form_on_every_page_carries_one_key(app, setting):
    """Every page every role can open: each POST form on it has exactly one submission key."""
    clients, ids = setting
    values = {"slug": "riverside-ld", "user_id": ids["target"], "proposal_id": ids["proposal"],
              "meeting_id": ids["meeting"], "item_id": ids["item"], "question_id": ids["question"],
              "record_id": ids["record"], "word": "commissioner", "kind": "record", "content_id": ids["record"],
              "language": "en"}
    missing, seen = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or set(rule.arguments) - values.keys():
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for who, client in clients.items():
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            for form in post_forms(response.get_data(as_text=True)):
                seen += 1
                if form["keys"] != 1:
                    missing.append(f"{url} as {who}: a form to {form['action']} has {form['keys']} keys")
    assert seen > 40
    assert not missing, "\n".join(sorted(set(missing)))


def _action_form(clients, ids):
    page = B + "/said-did/{record}/actions/new".format(**ids)
    form = _form(clients["secretary"], page, page)
    return page, {**form["values"], "what": "Ask the council.", "who_name": "David", "who_organisation": "Council",
                  "due_date": "2030-01-31"}


def _actions(app) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(Action))


def test_a_crash_before_the_commit_leaves_neither_the_work_nor_the_key(app, setting, monkeypatch):
    """The first send fails at its commit: nothing was made, no key kept, so sending it again works once."""
    clients, ids = setting
    page, data = _action_form(clients, ids)
    real_commit = _db.session.commit
    failures = []

    def commit_fails_once():
        if not failures:
            failures.append(1)
            raise RuntimeError("the database went away")
        return real_commit()

    monkeypatch.setattr(_db.session, "commit", commit_fails_once)
    assert clients["secretary"].post(page, data, csrf=False).status_code == 500
    monkeypatch.undo()
    assert _actions(app) == 0
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(SubmissionKey)) == 0
    again = clients["secretary"].post(page, data, csrf=False)
    assert again.status_code == 302 and _actions(app) == 1
    assert clients["secretary"].post(page, data, csrf=False).location == again.location
    assert _actions(app) == 1


def test_a_double_click_at_the_very_same_moment_makes_one_action(app, setting, monkeypatch):
    """Both sends pass the key check before either commits (a barrier holds them there): the database's
    key lets one commit; the other's work is rolled back and it goes to the first result."""
    from concurrent.futures import ThreadPoolExecutor
    import threading

    from coprod.follow import services

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    clients, ids = setting
    page, data = _action_form(clients, ids)
    both_in = threading.Barrier(2, timeout=20)
    real_add = services.add_action

    def add_together(*args, **kwargs):
        both_in.wait()
        return real_add(*args, **kwargs)

    monkeypatch.setattr(services, "add_action", add_together)
    client = clients["secretary"]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.post(page, data, csrf=False), range(2)))
    assert sorted(a.status_code for a in answers) == [302, 303], [a.status_code for a in answers]
    assert answers[0].location.split("#")[0] == answers[1].location.split("#")[0]
    assert _actions(app) == 1
