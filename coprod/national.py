"""A synthetic national data set, for benchmarks only (`coprod national-data`).

England has about 150 partnership boards, one per council area, of very different sizes: board N
gets a share of everything in proportion to 1/sqrt(N), so the first board is about 12 times the
last (as a large county is to a small one). At national scale a person is on their home board and
on two neighbouring ones (the learning disability and the autism board of an area, a supporter
who works across two councils): otherwise 50,000 people could not cast 1,000,000 votes on
1,000 proposals.

Everything is written with bulk Core inserts (lists of dicts, in batches), with ids given here,
so no ORM object is made per row. The shapes follow the real ones: meetings every few months,
most questions placed on an agenda, most actions done (some late, a few could not be done),
most people happy with a record and a few not. The same seed gives the same data.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Table, func, select, text

from coprod.extensions import db
from coprod.models import (Action, ActionStatus, ActionUpdate, AgendaItem, Ballot, Base, Board, Choice, Feedback,
                           Feeling, Follower, Meeting, MeetingStatus, Membership, MeToo, Proposal, Question,
                           QuestionStatus, Record, RecordQuestion, RecordStatus, Role, User, Vote, utcnow)

BATCH = 5_000
SLUG_PREFIX = "national-"


@dataclass(frozen=True)
class Scale:
    boards: int
    people: int
    extra_boards: int  # neighbouring boards each person is also on
    meetings: int
    questions: int
    proposals: int
    votes: int
    records: int
    actions: int


SCALES = {
    "national": Scale(boards=150, people=50_000, extra_boards=2, meetings=2_000, questions=100_000, proposals=1_000,
                      votes=1_000_000, records=20_000, actions=60_000),
    # One big board: a large county's, with ten years of meetings.
    "board": Scale(boards=1, people=5_000, extra_boards=0, meetings=60, questions=10_000, proposals=100,
                   votes=300_000, records=2_000, actions=6_000),
    # For a test: every shape, a few of each.
    "tiny": Scale(boards=2, people=40, extra_boards=0, meetings=16, questions=80, proposals=4, votes=50,
                  records=12, actions=36),
}

TOPICS = ["home", "health", "work", "money", "family", "short-breaks", "safe", "getting-about", "meetings", "other"]
TOPIC_WORDS = {
    "home": ("Where I live", "I want to choose who I live with.", "house"),
    "health": ("Seeing the doctor", "The doctor talks too fast. I want easy-read letters.", "hospital"),
    "work": ("Paid jobs", "I want a paid job. I need a job coach.", "job"),
    "money": ("Money and benefits", "The benefit forms are too hard.", "page"),
    "family": ("Family carers", "Carers need a break and good information.", "family"),
    "short-breaks": ("Short breaks", "There are not enough short breaks.", "helping"),
    "safe": ("Feeling safe", "People call me names on the bus.", "safe"),
    "getting-about": ("Buses and trains", "The bus stop has no shelter and no easy timetable.", "place"),
    "meetings": ("Our meetings", "The papers come too late to read.", "board"),
    "other": ("Something else", "We want more clubs in the evening.", "question"),
}
FIRST = ["Sam", "Aisha", "Tom", "Jordan", "Margaret", "Chris", "Priya", "David", "Helen", "Amir", "Bethan", "Gareth",
         "Zainab", "Liam", "Sophie", "Kwame", "Ewa", "Rhys", "Fatima", "Owen", "Grace", "Imran", "Megan", "Dylan"]
LAST = ["Taylor", "Begum", "Evans", "Lee", "Jones", "Morgan", "Shah", "Okafor", "Carter", "Khan", "Davies", "Hughes",
        "Williams", "Patel", "Ahmed", "Roberts", "Lewis", "Nowak", "Price", "Hussain", "Thomas", "Wright"]
PLACES = ["Riverside", "Hillford", "Northgate", "Eastbrook", "Westmoor", "Southby", "Ashdale", "Kingsbury", "Millbank",
          "Oakley", "Redcliff", "Stonebridge", "Thornton", "Upton", "Whitchurch"]


@dataclass
class Counts:
    boards: int = 0
    people: int = 0
    memberships: int = 0
    meetings: int = 0
    agenda_items: int = 0
    questions: int = 0
    me_toos: int = 0
    proposals: int = 0
    choices: int = 0
    votes: int = 0
    records: int = 0
    record_questions: int = 0
    actions: int = 0
    action_updates: int = 0
    feedback: int = 0
    followers: int = 0

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def split(total: int, weights: Sequence[float], *, least: int = 0,
          caps: Sequence[int] | None = None) -> list[int]:
    """`total` shared in proportion to `weights` (largest remainders first), each at least `least`
    and at most its cap. Raises ValueError when the caps cannot hold the total."""
    count = len(weights)
    caps = list(caps) if caps is not None else [total] * count
    shares = [min(least, cap) for cap in caps]
    left = total - sum(shares)
    if left < 0 or sum(caps) < total:
        raise ValueError(f"cannot share {total} among {count} with at least {least} each and caps {sum(caps)}")
    while left > 0:
        open_ = [i for i in range(count) if shares[i] < caps[i]]
        weight = sum(weights[i] for i in open_)
        exact = {i: left * weights[i] / weight for i in open_}
        given = 0
        for i in open_:
            more = min(int(exact[i]), caps[i] - shares[i])
            shares[i] += more
            given += more
        if given == 0:  # the remainders, one each, largest first
            for i in sorted(open_, key=lambda i: exact[i] - int(exact[i]), reverse=True)[:left - given]:
                shares[i] += 1
                given += 1
        left -= given
    return shares


class Writer:
    """Rows for each table, written in batches with one Core INSERT per batch, ids given here."""

    def __init__(self) -> None:
        self.pending: dict[Table, list[dict[str, Any]]] = {}
        self.next_ids: dict[Table, int] = {}

    def new_id(self, model: Any) -> int:
        table = model.__table__
        if table not in self.next_ids:
            self.next_ids[table] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        made = self.next_ids[table]
        self.next_ids[table] = made + 1
        return made

    def add(self, model: Any, row: dict[str, Any]) -> None:
        rows = self.pending.setdefault(model.__table__, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write every table's pending rows, tables that others point at first."""
        for table in Base.metadata.sorted_tables:
            rows = self.pending.pop(table, [])
            if rows:
                db.session.execute(table.insert(), rows)

    def finish(self) -> None:
        self.flush()
        if db.session.get_bind().dialect.name == "postgresql":
            # Ids were given here: move each table's sequence past them.
            for table in self.next_ids:
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))"))


def make(scale_name: str, *, seed: int = 15, say: Callable[[str], None] = lambda _line: None) -> Counts:
    """Write the data set for `scale_name` (one of SCALES). The caller commits."""
    scale = SCALES[scale_name]
    if db.session.scalar(select(Board.id).where(Board.slug.startswith(SLUG_PREFIX)).limit(1)) is not None:
        raise ValueError("this database already has national boards: run with --reset to make them again")
    return _Maker(scale, random.Random(seed), say).run()


class _Maker:
    def __init__(self, scale: Scale, rng: random.Random, say: Callable[[str], None]) -> None:
        self.scale, self.rng, self.say = scale, rng, say
        self.out = Writer()
        self.counts = Counts()
        self.now = utcnow().replace(microsecond=0)
        self.today = self.now.date()
        self.started = time.monotonic()
        self.secret = current_app.config["BALLOT_SECRET"].encode()
        weights = [1 / (n + 1) ** 0.5 for n in range(scale.boards)]
        self.weights = weights
        self.board_ids: list[int] = []
        self.people_on: list[list[tuple[int, Role]]] = [[] for _ in range(scale.boards)]
        self.staff_on: list[list[int]] = [[] for _ in range(scale.boards)]
        # per board: its meetings as (id, status, starts, [item ids])
        self.meetings_on: list[list[tuple[int, MeetingStatus, datetime, list[int]]]] = [[] for _ in weights]
        # per meeting id: questions shown to others, as (id, asker id)
        self.shown: dict[int, list[tuple[int, int]]] = {}
        self.closed_proposals: list[list[int]] = [[] for _ in weights]

    def step(self, what: str) -> None:
        self.say(f"{time.monotonic() - self.started:7.1f} s  {what}")

    def run(self) -> Counts:
        self.boards_and_people()
        self.meetings()
        self.questions()
        self.proposals_and_votes()
        self.records()
        self.out.finish()
        self.step("done")
        return self.counts

    # ---- boards and people ------------------------------------------------------------------------

    def boards_and_people(self) -> None:
        scale, rng = self.scale, self.rng
        for n in range(scale.boards):
            board_id = self.out.new_id(Board)
            place = PLACES[n % len(PLACES)] + (f" {n // len(PLACES) + 1}" if n >= len(PLACES) else "")
            kind = "Autism" if n % 2 else "Learning Disability"
            self.out.add(Board, dict(id=board_id, slug=f"{SLUG_PREFIX}{n + 1:03d}", name=f"{place} {kind} Partnership Board",
                                     picture="board", about=f"We are the {kind.lower()} board for {place}. We meet every 3 months.",
                                     erased_questions="go", created_dt=self.now - timedelta(days=3650)))
            self.board_ids.append(board_id)
        self.counts.boards = scale.boards
        self.out.flush()

        homes = split(scale.people, self.weights, least=min(8, scale.people // scale.boards))
        person = 0
        for n, count in enumerate(homes):
            for k in range(count):
                user_id = self.out.new_id(User)
                person += 1
                # Two secretaries and two commissioners on each board; the rest mostly members.
                role = (Role.SECRETARY if k < 2 else Role.COMMISSIONER if k < 4 else
                        rng.choices([Role.MEMBER, Role.CARER, Role.SUPPORTER], [70, 18, 12])[0])
                staff = role in (Role.SECRETARY, Role.COMMISSIONER)
                self.out.add(User, dict(
                    id=user_id, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=f"person{user_id}@national.example.org" if staff or rng.random() < 0.3 else None,
                    picture="person", is_admin=False, text_size="normal", contrast="normal",
                    created_dt=self.now - timedelta(days=rng.randint(30, 3000))))
                boards = [n] + [(n + step) % scale.boards for step in range(1, scale.extra_boards + 1)]
                for on, board_n in enumerate(dict.fromkeys(boards)):
                    # On a neighbouring board, staff come as supporters (they work across councils).
                    board_role = role if on == 0 else (Role.SUPPORTER if staff else role)
                    self.out.add(Membership, dict(id=self.out.new_id(Membership), board_id=self.board_ids[board_n],
                                                  user_id=user_id, role=board_role,
                                                  created_dt=self.now - timedelta(days=rng.randint(1, 2000))))
                    self.counts.memberships += 1
                    if board_role in (Role.SECRETARY, Role.COMMISSIONER):
                        self.staff_on[board_n].append(user_id)
                    else:
                        self.people_on[board_n].append((user_id, board_role))
        self.counts.people = person
        self.out.flush()
        self.step(f"{self.counts.boards} boards, {person} people, {self.counts.memberships} memberships")

    # ---- meetings and agenda items ----------------------------------------------------------------

    def meetings(self) -> None:
        rng, now = self.rng, self.now
        per_board = split(self.scale.meetings, self.weights, least=5)
        for n, count in enumerate(per_board):
            gap = max(14, min(91, 3300 // count))
            secretary = self.staff_on[n][0]
            for k in range(count):
                back = count - 1 - k  # 0: the last (planned), 1: taking questions, 2: agenda out, 3: held
                if back == 0:
                    status, starts = MeetingStatus.PLANNED, now + timedelta(days=2 * gap + 30)
                elif back == 1:
                    status, starts = MeetingStatus.TAKING_QUESTIONS, now + timedelta(days=gap + 30)
                elif back == 2:
                    status, starts = MeetingStatus.AGENDA_PUBLISHED, now + timedelta(days=10)
                elif back == 3:
                    status, starts = MeetingStatus.HELD, now - timedelta(days=5)
                else:
                    status, starts = MeetingStatus.MINUTES_PUBLISHED, now - timedelta(days=5 + gap * (back - 3))
                starts = starts.replace(hour=10, minute=0, second=0)
                meeting_id = self.out.new_id(Meeting)
                published = status in (MeetingStatus.AGENDA_PUBLISHED, MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED)
                self.out.add(Meeting, dict(
                    id=meeting_id, board_id=self.board_ids[n], title=f"Board meeting {k + 1}",
                    about="We talk about jobs, homes and feeling safe.", starts_dt=starts,
                    ends_dt=starts + timedelta(hours=3), place="The Town Hall, Main Street",
                    place_notes="Bus 12 stops outside.", place_picture="board", online_url=None,
                    step_free=True, hearing_loop=True, quiet_room=True, accessible_toilets=None,
                    question_deadline_dt=starts - timedelta(days=14), status=status,
                    agenda_published_dt=starts - timedelta(days=14) if published else None,
                    questions_stopped_dt=None,
                    minutes_published_dt=starts + timedelta(days=7) if status == MeetingStatus.MINUTES_PUBLISHED else None,
                    created_by_id=secretary, created_dt=starts - timedelta(days=60)))
                items = []
                for position, topic in enumerate(rng.sample(TOPICS[:9], 5)):
                    title, said, picture = TOPIC_WORDS[topic]
                    item_id = self.out.new_id(AgendaItem)
                    items.append(item_id)
                    self.out.add(AgendaItem, dict(
                        id=item_id, meeting_id=meeting_id, position=position, title=title, summary=said,
                        picture=picture, presenter=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        starts_after_minutes=position * 30, length_minutes=30,
                        minutes_text="We talked about it. The council will write back."
                        if status == MeetingStatus.MINUTES_PUBLISHED else "", language="en"))
                    self.counts.agenda_items += 1
                self.meetings_on[n].append((meeting_id, status, starts, items))
        self.counts.meetings = sum(per_board)
        self.out.flush()
        self.step(f"{self.counts.meetings} meetings, {self.counts.agenda_items} agenda items")

    # ---- questions and "me too"s ------------------------------------------------------------------

    def questions(self) -> None:
        rng, now = self.rng, self.now
        per_board = split(self.scale.questions, self.weights, least=min(10, self.scale.questions // self.scale.boards))
        for n, count in enumerate(per_board):
            meetings = self.meetings_on[n]
            askers = [user_id for user_id, _role in self.people_on[n]]
            moderator = self.staff_on[n][0]
            # The meeting taking questions gets a tenth (its queue), the last planned one none.
            weights = [0.0 if status == MeetingStatus.PLANNED else 1.0 for _id, status, _s, _i in meetings]
            weights[-2] = max(1.0, sum(weights) / 9)
            for (meeting_id, status, starts, items), asked in zip(meetings, split(count, weights)):
                shown = self.shown.setdefault(meeting_id, [])
                leads: list[int] = []
                for _ in range(asked):
                    question_id = self.out.new_id(Question)
                    asker = rng.choice(askers)
                    topic = rng.choice(TOPICS)
                    sent = starts - timedelta(days=rng.randint(15, 50))
                    joined_to = None
                    if status == MeetingStatus.TAKING_QUESTIONS:
                        state = rng.choices([QuestionStatus.SENT, QuestionStatus.DRAFT, QuestionStatus.ON_AGENDA],
                                            [80, 10, 10])[0]
                        sent = min(sent, now - timedelta(hours=rng.randint(1, 500)))
                    else:
                        state = rng.choices([QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED, QuestionStatus.JOINED,
                                             QuestionStatus.NOT_TAKEN], [55, 20, 15, 10])[0]
                        if state == QuestionStatus.JOINED:
                            if leads:
                                joined_to = rng.choice(leads)
                            else:
                                state = QuestionStatus.ON_AGENDA
                    private = state != QuestionStatus.DRAFT and rng.random() < 0.02
                    words = TOPIC_WORDS[topic][1]
                    self.out.add(Question, dict(
                        id=question_id, board_id=self.board_ids[n], meeting_id=meeting_id, asker_id=asker,
                        group_id=None, helper_id=None, helper_name=None,
                        asked_item_id=rng.choice(items) if rng.random() < 0.3 else None,
                        topic=topic, text=f"{words} Question {question_id}.", audio_name=None, audio_seconds=None,
                        transcript="", public_text=words if rng.random() < 0.4 else "",
                        show_name=rng.random() < 0.8, status=state,
                        agenda_item_id=rng.choice(items) if state == QuestionStatus.ON_AGENDA else None,
                        joined_to_id=joined_to,
                        answer_text="We wrote back. The council will look at it." if state == QuestionStatus.ANSWERED else "",
                        reason="It is not for this board. We sent it to the council." if state == QuestionStatus.NOT_TAKEN else "",
                        private=private, private_note="",
                        created_dt=sent - timedelta(minutes=20),
                        sent_dt=None if state == QuestionStatus.DRAFT else sent,
                        status_dt=None if state in (QuestionStatus.DRAFT, QuestionStatus.SENT) else sent + timedelta(days=3),
                        moderated_by_id=None if state in (QuestionStatus.DRAFT, QuestionStatus.SENT) else moderator))
                    if state == QuestionStatus.ON_AGENDA and not private:
                        leads.append(question_id)
                    if state in (QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED) and not private:
                        shown.append((question_id, asker))
                    if state != QuestionStatus.DRAFT and not private and rng.random() < 0.2:
                        for user_id in rng.sample(askers, min(len(askers), rng.randint(1, 5))):
                            if user_id != asker:
                                self.out.add(MeToo, dict(id=self.out.new_id(MeToo), question_id=question_id,
                                                         user_id=user_id, helper_id=None,
                                                         created_dt=sent + timedelta(days=1)))
                                self.counts.me_toos += 1
        self.counts.questions = sum(per_board)
        self.out.flush()
        self.step(f"{self.counts.questions} questions, {self.counts.me_toos} me toos")

    # ---- proposals, choices, votes and ballots ----------------------------------------------------

    def proposals_and_votes(self) -> None:
        rng, now = self.rng, self.now
        per_board = split(self.scale.proposals, self.weights, least=1)
        voters = [[user_id for user_id, role in people if role in (Role.MEMBER, Role.CARER)]
                  for people in self.people_on]
        votes_per_board = split(self.scale.votes, [w * len(v) for w, v in zip(self.weights, voters)],
                                caps=[p * len(v) for p, v in zip(per_board, voters)])
        for n, (count, votes) in enumerate(zip(per_board, votes_per_board)):
            meetings = self.meetings_on[n]
            past = [m for m in meetings if m[1] in (MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED)]
            coming = next(m for m in meetings if m[1] == MeetingStatus.AGENDA_PUBLISHED)
            per_proposal = split(votes, [1.0] * count, caps=[len(voters[n])] * count)
            for k, cast in enumerate(per_proposal):
                proposal_id = self.out.new_id(Proposal)
                is_open = k == count - 1 and count > 1  # the board's latest is open now
                meeting_id, _status, starts, items = coming if is_open else rng.choice(past)
                opened = now - timedelta(hours=1) if is_open else starts + timedelta(hours=1)
                secret = rng.random() < 0.8
                self.out.add(Proposal, dict(
                    id=proposal_id, board_id=self.board_ids[n], title=f"Should we ask the council about {TOPIC_WORDS[rng.choice(TOPICS)][0].lower()}?",
                    body="The board can ask the council to spend money on this. Do you agree?", picture="vote",
                    opens_dt=None, closes_dt=None, opened_dt=opened, closed_dt=None if is_open else opened + timedelta(hours=1),
                    is_secret=secret, results_hidden_until_closed=True, voter_roles="member,carer",
                    created_by_id=self.staff_on[n][0], created_dt=opened - timedelta(days=20),
                    agenda_item_id=rng.choice(items), language="en"))
                if not is_open:
                    self.closed_proposals[n].append(proposal_id)
                choices = []
                for position, (label, picture) in enumerate([("Yes", "yes"), ("No", "no"), ("Not sure", "question")]
                                                            [:rng.choice([2, 3])]):
                    choice_id = self.out.new_id(Choice)
                    choices.append(choice_id)
                    self.out.add(Choice, dict(id=choice_id, proposal_id=proposal_id, position=position, label=label,
                                              picture=picture))
                    self.counts.choices += 1
                self.out.flush()
                leaning = [rng.uniform(1, 6) for _ in choices]
                for user_id in rng.sample(voters[n], cast):
                    choice_id = rng.choices(choices, leaning)[0]
                    self.out.add(Vote, dict(id=self.out.new_id(Vote), proposal_id=proposal_id, user_id=user_id,
                                            open_choice_id=None if secret else choice_id, helper_id=None,
                                            helper_name=None, cast_dt=opened + timedelta(seconds=rng.randint(1, 3000))))
                    key = hmac.new(self.secret, f"ballot:{proposal_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
                    self.out.add(Ballot, dict(proposal_id=proposal_id, voter_key=key, choice_id=choice_id))
            self.counts.votes += votes
            if n % 25 == 24:
                self.step(f"votes for {n + 1} boards: {self.counts.votes}")
        self.counts.proposals = sum(per_board)
        self.out.flush()
        self.step(f"{self.counts.proposals} proposals, {self.counts.choices} choices, {self.counts.votes} votes")

    # ---- "you said, we did": records, actions, their history, feedback, followers -----------------

    def records(self) -> None:
        rng, now = self.rng, self.now
        per_board = split(self.scale.records, self.weights, least=2)
        shapes = [rng.uniform(0.3, 1.7) for _ in range(self.scale.records)]
        per_record = split(self.scale.actions, shapes, least=1)
        made = 0
        for n, count in enumerate(per_board):
            past = [m for m in self.meetings_on[n] if m[1] in (MeetingStatus.HELD, MeetingStatus.MINUTES_PUBLISHED)]
            writer = self.staff_on[n][min(2, len(self.staff_on[n]) - 1)]
            members = [user_id for user_id, _role in self.people_on[n]]
            for _ in range(count):
                record_id = self.out.new_id(Record)
                meeting_id, _status, starts, items = rng.choice(past)
                topic = rng.choice(TOPICS)
                title, said, picture = TOPIC_WORDS[topic]
                published = rng.random() < 0.92
                published_dt = min(now - timedelta(hours=1), starts + timedelta(days=rng.randint(7, 40)))
                came_back = published and rng.random() < 0.05
                closed = self.closed_proposals[n]
                self.out.add(Record, dict(
                    id=record_id, board_id=self.board_ids[n], title=title, said_text=f"You said: {said}",
                    topic=topic, meeting_id=meeting_id,
                    proposal_id=rng.choice(closed) if closed and rng.random() < 0.05 else None,
                    did_text="We did: the council wrote a plan.\nIt starts this year.", did_picture=picture,
                    status=RecordStatus.PUBLISHED if published else RecordStatus.DRAFT, created_by_id=writer,
                    created_dt=published_dt - timedelta(days=2), published_dt=published_dt if published else None,
                    published_by_id=writer if published else None,
                    came_back_item_id=rng.choice(items) if came_back else None,
                    came_back_dt=published_dt + timedelta(days=1) if came_back else None, language="en"))
                shown = self.shown.get(meeting_id, [])
                askers = []
                for question_id, asker in rng.sample(shown, min(len(shown), rng.choice([0, 1, 1, 2, 3]))):
                    self.out.add(RecordQuestion, dict(id=self.out.new_id(RecordQuestion), record_id=record_id,
                                                      question_id=question_id))
                    self.counts.record_questions += 1
                    askers.append(asker)
                self._actions(n, record_id, writer, published, published_dt, per_record[made])
                made += 1
                if published:
                    self._feedback(record_id, askers, members, published_dt)
        self.counts.records = made
        self.out.flush()
        self.step(f"{made} records, {self.counts.actions} actions, {self.counts.action_updates} updates, "
                  f"{self.counts.feedback} feedback")

    def _actions(self, n: int, record_id: int, writer: int, published: bool, published_dt: datetime, count: int) -> None:
        rng, today = self.rng, self.today
        for _ in range(count):
            action_id = self.out.new_id(Action)
            created = published_dt - timedelta(days=1)
            due = created.date() + timedelta(days=rng.randint(30, 365))
            if not published:
                status = ActionStatus.PLANNED
            elif due >= today:
                status = rng.choices([ActionStatus.PLANNED, ActionStatus.STARTED, ActionStatus.DONE], [35, 45, 20])[0]
            else:  # due already: most done, some late, a few given up
                status = rng.choices([ActionStatus.DONE, ActionStatus.PLANNED, ActionStatus.STARTED,
                                      ActionStatus.COULD_NOT_DO], [82, 4, 9, 5])[0]
            steps: list[tuple[ActionStatus, date]] = [(ActionStatus.PLANNED, created.date())]
            finished = None
            if status != ActionStatus.PLANNED:
                last = min(today, due + timedelta(days=rng.randint(-60, 20)))
                started = created.date() + (last - created.date()) / 3
                steps.append((ActionStatus.STARTED, max(created.date(), started)))
                if status != ActionStatus.STARTED:
                    finished = max(steps[-1][1], last)
                    steps.append((status, finished))
            self.out.add(Action, dict(
                id=action_id, record_id=record_id, board_id=self.board_ids[n],
                what="Write to every member about it in easy read.", how="A letter and a meeting.",
                who_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", who_organisation="The council",
                due_date=due, status=status,
                reason="There was no money for it this year." if status == ActionStatus.COULD_NOT_DO else "",
                created_dt=created, status_dt=min(self.now, max(created, _at(steps[-1][1]))), finished_date=finished,
                removed_dt=None, removed_reason="", removed_by_id=None))
            self.counts.actions += 1
            for step_status, on in steps:
                self.out.add(ActionUpdate, dict(
                    id=self.out.new_id(ActionUpdate), action_id=action_id, status=step_status,
                    note="" if step_status == ActionStatus.PLANNED else "We did the next step.", change="status",
                    due_date=None, by_id=writer, created_dt=min(self.now, max(created, _at(on)))))
                self.counts.action_updates += 1

    def _feedback(self, record_id: int, askers: Iterable[int], members: list[int], published_dt: datetime) -> None:
        rng = self.rng
        for user_id in dict.fromkeys(askers):
            if rng.random() < 0.6:
                self.out.add(Feedback, dict(
                    id=self.out.new_id(Feedback), record_id=record_id, user_id=user_id,
                    feeling=rng.choices([Feeling.HAPPY, Feeling.OK, Feeling.NOT_HAPPY], [55, 30, 15])[0],
                    comment="", audio_name=None, audio_seconds=None, helper_id=None, helper_name=None,
                    updated_dt=published_dt + timedelta(days=rng.randint(1, 20))))
                self.counts.feedback += 1
        if rng.random() < 0.2:
            for user_id in rng.sample(members, min(len(members), rng.randint(1, 3))):
                self.out.add(Follower, dict(id=self.out.new_id(Follower), record_id=record_id, user_id=user_id,
                                            created_dt=published_dt + timedelta(hours=2)))
                self.counts.followers += 1


def _at(day: date) -> datetime:
    """Midday UTC on `day`."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=utcnow().tzinfo)


def empty_database() -> None:
    """Every table emptied (as `coprod demo-data --reset` does)."""
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
