"""Each page makes a small number of queries, and the same number for 10 rows or 300."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import sign_in
from coprod.accounts.tokens import hash_secret
from coprod.extensions import db as _db
from sqlalchemy import select

from coprod.models import (AgendaItem, Attendance, AuditEvent, Ballot, Board, CheckIn, Choice, ClaimStatus, PaymentClaim,
                           LoginCard, Meeting, MeetingStatus,
                           Membership, MeToo, GlossaryTerm, Picture, ContentLanguage, Proposal, Question, QuestionStatus, Role, User, Vote, utcnow)
from query_count import count_queries

MAX_QUERIES = 10
# The large data set: over 500 rows of each kind (see the test).
LARGE = 520

# (who looks, path); {target} is a member with many cards.
PAGES = [
    ("member", "/"),
    ("member", "/account"),
    ("secretary", "/account/two-factor"),
    ("secretary", "/account/two-factor/set-up"),
    ("member", "/helping"),
    ("member", "/settings"),
    # Reminders (issue 17): a person's own choice, and the board's.
    ("member", "/settings/reminders"),
    ("secretary", "/boards/riverside-ld/reminders"),
    ("member", "/boards/riverside-ld"),
    ("secretary", "/boards/riverside-ld/people"),
    ("secretary", "/boards/riverside-ld/people/{target}"),
    ("member", "/boards/riverside-ld/votes"),
    ("member", "/boards/riverside-ld/votes/{proposal}"),
    ("member", "/boards/riverside-ld/votes/{proposal}/results"),
    ("secretary", "/boards/riverside-ld/proposals"),
    ("secretary", "/boards/riverside-ld/proposals/{proposal}"),
    (None, "/boards/riverside-ld/votes/{proposal}/screen"),
    ("member", "/boards/riverside-ld/meetings"),
    ("member", "/boards/riverside-ld/meetings/next"),
    ("member", "/boards/riverside-ld/meetings/{meeting}"),
    (None, "/boards/riverside-ld/meetings/{meeting}/pack"),
    ("secretary", "/boards/riverside-ld/meetings/manage"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/manage"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/{item}"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/minutes"),
    ("member", "/boards/riverside-ld/ask"),
    ("member", "/boards/riverside-ld/ask/{draft}/check"),
    ("member", "/boards/riverside-ld/ask/{draft}/about"),
    ("member", "/my-questions"),
    ("member", "/boards/riverside-ld/meetings/{meeting}/questions"),
    ("member", "/boards/riverside-ld/ask/{draft}/throw-away"),
    # The secretary's "to do" (home and board page), and the check before stopping questions early.
    ("secretary", "/"),
    ("secretary", "/boards/riverside-ld"),
    ("secretary", "/boards/riverside-ld/meetings/{coming}/stop-questions"),
    # The check pages before opening a vote and turning an account off.
    ("secretary", "/boards/riverside-ld/proposals/{proposal}/open"),
    ("admin", "/admin/people/{target}/disable"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/questions/manage"),
    ("secretary", "/boards/riverside-ld/questions/{question}/moderate"),
    (None, "/jargon-buster"),
    (None, "/jargon-buster/commissioner"),
    ("admin", "/"),
    ("admin", "/admin/boards"),
    ("admin", "/admin/people"),
    ("admin", "/admin/people/{target}"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/removed"),
    (None, "/privacy"),
    ("member", "/privacy"),
    ("admin", "/admin/people/{target}/erase"),
    ("admin", "/admin/boards/riverside-ld/settings"),
    ("member", "/account/erase"),
    (None, "/"),
    (None, "/boards/riverside-ld/said-did"),
    ("member", "/boards/riverside-ld/said-did?status=late"),
    (None, "/boards/riverside-ld/said-did/dashboard"),
    ("secretary", "/boards/riverside-ld/said-did/manage"),
    ("member", "/updates"),
    # Coming or not: the member's answer (and its block on the meeting pages), the secretary's list.
    ("member", "/boards/riverside-ld/meetings/{coming}"),
    ("member", "/boards/riverside-ld/meetings/{coming}/coming"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/attendance"),
    # The pack by post: who asked for paper, with their addresses and whether it was posted.
    ("secretary", "/boards/riverside-ld/meetings/{coming}/post"),
    ("admin", "/admin/messages"),
    # Check-in on the day: the count, the quorum and the board's people (a page at a time).
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in?page=2"),
    # Involvement payments: the member's claim, the secretary's list of claims, one claim, the amounts.
    ("member", "/boards/riverside-ld/meetings/{meeting}/payment"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/payments"),
    ("secretary", "/boards/riverside-ld/payments/{claim}"),
    ("secretary", "/boards/riverside-ld/payments/amounts"),
    # My data: the person's files and the files a secretary made for others.
    ("member", "/account/my-data"),
    ("secretary", "/account/my-data"),
    # A meeting still to come shows what came back to the board (late actions, "Not happy").
    ("secretary", "/boards/riverside-ld/meetings/{coming}/manage"),
    (None, "/boards/riverside-ld/meetings/{coming}/pack"),
    # The pack as a PDF: the secretary's is made each time (with its pictures fetched inside the app).
    ("secretary", "/boards/riverside-ld/meetings/{coming}/pack.pdf?print=large"),
    ("member", "/boards/riverside-ld/meetings/{coming}"),
    # Calendars: the board's feed (every published meeting) and one meeting's file.
    (None, "/boards/riverside-ld/meetings/calendar.ics"),
    (None, "/boards/riverside-ld/meetings/{coming}/calendar.ics"),
    ("secretary", "/boards/riverside-ld/meetings/new"),
    # The picture library and a writing form that chooses from it (with a search done).
    (None, "/pictures"),
    (None, "/pictures?q=bus"),
    ("secretary", "/pictures/new"),
    ("secretary", "/pictures/upload-{picture}"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/items/new"),
    ("secretary", "/jargon-buster/new"),
    # Content in other languages: versions and checks are read in one go, however many items.
    ("member", "/boards/riverside-ld/meetings/{meeting}?lang=cy"),
    (None, "/boards/riverside-ld/meetings/{meeting}/pack?lang=ur"),
    ("member", "/boards/riverside-ld/votes?lang=cy"),
    (None, "/boards/riverside-ld/said-did?lang=cy"),
    ("secretary", "/boards/riverside-ld/languages/agenda-item/{item}"),
    ("secretary", "/boards/riverside-ld/languages/agenda-item/{item}/version?language=cy"),
    ("secretary", "/boards/riverside-ld/languages/agenda-item/{item}/checked/en"),
    # Lists a page at a time (issue 15): a later page, filters, and each list of the question queue.
    (None, "/boards/riverside-ld/said-did?page=2"),
    ("member", "/boards/riverside-ld/said-did?status=started&topic=work&meeting={meeting}&page=2"),
    (None, "/boards/riverside-ld/meetings/{coming}/came-back"),
    ("secretary", "/boards/riverside-ld/meetings/{coming}/came-back?page=2"),
    ("member", "/boards/riverside-ld/meetings/{meeting}/questions?page=2"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/questions/manage?waiting=2&private=2&done=2"),
    ("secretary", "/boards/riverside-ld/proposals/{proposal}?page=2"),
    ("member", "/boards/riverside-ld/votes/{proposal}/results?page=2"),
    (None, "/boards/riverside-ld/meetings?page=2"),
    ("secretary", "/boards/riverside-ld/meetings/manage?page=2"),
    # Safeguarding: the lead's list (a page at a time, counted in SQL) and one concern with its notes;
    # the secretary's choice of lead; what the lead does; the ask step with "I am worried".
    ("admin", "/safeguarding"),
    ("admin", "/safeguarding?page=2"),
    ("admin", "/safeguarding/{concern}"),
    ("secretary", "/boards/riverside-ld/safeguarding/lead"),
    ("member", "/boards/riverside-ld/safeguarding"),
    ("member", "/boards/riverside-ld/ask/{draft}/who"),
]


def _grow(db, board_id: int, target_id: int, proposal_id: int, size: int, tag: str):
    """Add `size` more people, supporters, cards, boards, log entries, votes and proposals."""
    with db.context() as session:
        users = [User(name=f"Person {tag}{i}", email=None) for i in range(size)]
        session.add_all(users)
        session.flush()
        session.add_all(Membership(board_id=board_id, user_id=u.id,
                                   role=Role.SUPPORTER if i % 2 else Role.MEMBER)
                        for i, u in enumerate(users))
        boards = [Board(slug=f"board-{tag}{i}", name=f"Board {tag}{i}") for i in range(size // 10)]
        session.add_all(boards)
        session.flush()
        session.add_all(Membership(board_id=b.id, user_id=users[0].id, role=Role.MEMBER) for b in boards)
        session.add_all(LoginCard(user_id=target_id, token_hash=hash_secret(f"t{tag}{i}"),
                                  code_hash=hash_secret(f"c{tag}{i}")) for i in range(size))
        session.add_all(AuditEvent(action="test", actor_id=users[i % size].id) for i in range(size))
        choice_ids = list(session.scalars(select(Choice.id).where(Choice.proposal_id == proposal_id)))
        session.add_all(Vote(proposal_id=proposal_id, user_id=u.id) for u in users)
        session.add_all(Ballot(proposal_id=proposal_id, voter_key=f"{tag}{u.id}", choice_id=choice_ids[i % 3])
                        for i, u in enumerate(users))
        more = [Proposal(board_id=board_id, title=f"Proposal {tag}{i}") for i in range(size // 10)]
        session.add_all(more)
        session.flush()
        session.add_all(Choice(proposal_id=p.id, label=label) for p in more for label in ("Yes", "No"))


def _grow_meetings(db, board_id: int, meeting_id: int, size: int, tag: str):
    """Add `size` more agenda items (each with a proposal and one of `size` more uploaded pictures)
    and `size // 10` more meetings."""
    with db.context() as session:
        pictures = [Picture(file_name=f"{tag}{i:031x}.webp", alt_text=f"Our bus {tag}{i}", search_words="bus",
                            width=10, height=10) for i in range(size)]
        session.add_all(pictures)
        session.flush()
        items = [AgendaItem(meeting_id=meeting_id, title=f"Item {tag}{i}", position=1000 + i, picture=pictures[i].name,
                            starts_after_minutes=i, length_minutes=5, minutes_text="We talked.") for i in range(size)]
        session.add_all(items)
        session.flush()
        proposals = [Proposal(board_id=board_id, title=f"Vote {tag}{i}", agenda_item_id=item.id)
                     for i, item in enumerate(items)]
        session.add_all(proposals)
        session.flush()
        # Half of them have a Welsh version, and some were checked by a self-advocate.
        session.add_all(ContentLanguage(kind=kind, content_id=row.id, language="cy",
                                       texts={"title": f"Eitem {tag}{i}", "summary": "Mae angen tai."})
                        for i, (kind, row) in enumerate([("agenda-item", item) for item in items]
                                                        + [("proposal", p) for p in proposals]) if i % 2)
        session.add_all(ContentLanguage(kind="agenda-item", content_id=item.id, language="en", checker_name="Sam",
                                        checked_on=utcnow().date(), checked_digest="0" * 64)
                        for i, item in enumerate(items) if i % 3 == 0)
        session.add_all(Meeting(board_id=board_id, title=f"Meeting {tag}{i}", place="Library",
                                starts_dt=utcnow() + timedelta(days=i - size // 20),
                                status=MeetingStatus.AGENDA_PUBLISHED) for i in range(size // 10))


def _grow_questions(db, board_id: int, meeting_id: int, item_id: int, asker_id: int, lead_id: int, size: int,
                    tag: str):
    """Add `size` more questions of every kind (some the member's own), joined ones and "me too"s."""
    statuses = [QuestionStatus.SENT, QuestionStatus.ON_AGENDA, QuestionStatus.ANSWERED, QuestionStatus.NOT_TAKEN,
                QuestionStatus.JOINED]
    with db.context() as session:
        people = [User(name=f"Person {tag}{i} asks") for i in range(size)]
        session.add_all(people)
        session.flush()
        session.add_all(Membership(board_id=board_id, user_id=u.id, role=Role.MEMBER) for u in people)
        asked = [Question(board_id=board_id, meeting_id=meeting_id, asker_id=asker_id if i % 3 == 0 else people[i].id,
                          text=f"Question {tag}{i}", status=statuses[i % 5], sent_dt=utcnow(), status_dt=utcnow(),
                          agenda_item_id=item_id if i % 5 == 1 else None,
                          joined_to_id=lead_id if i % 5 == 4 else None, show_name=bool(i % 2))
                 for i in range(size)]
        session.add_all(asked)
        session.flush()
        session.add_all(MeToo(question_id=question.id, user_id=people[(i + 1) % size].id)
                        for i, question in enumerate(asked))
        session.add_all(MeToo(question_id=lead_id, user_id=person.id) for person in people)
        # Everyone answered "Are you coming?", some with needs (the secretary's list grows).
        session.add_all(Attendance(meeting_id=meeting_id, user_id=person.id, coming=bool(i % 3), bsl=i % 4 == 0,
                                   diet="Soft food" if i % 5 == 0 else "", helper_name="Chris" if i % 7 == 0 else None)
                        for i, person in enumerate(people))
        # Some were checked in on the day (the check-in page and the minutes grow).
        session.add_all(CheckIn(meeting_id=meeting_id, user_id=person.id, how="name")
                        for i, person in enumerate(people) if i % 2)
        # ... and most of those who came claimed their payment (the secretary's list of claims grows).
        session.add_all(PaymentClaim(board_id=board_id, meeting_id=meeting_id, user_id=person.id, involvement_pence=2500,
                                     travel_pence=i % 900, receipt_name=f"{i:032x}.jpg" if i % 2 else None,
                                     account_last4=f"{i % 10000:04d}", helper_name="Chris" if i % 7 == 0 else None,
                                     status=list(ClaimStatus)[i % 5])
                        for i, person in enumerate(people) if i % 3)


def _grow_follow(db, board_id: int, meeting_id: int, member_id: int, size: int, tag: str):
    """Add `size` more questions, published records (each with actions, feedback) and updates."""
    from coprod.models import (Action, ActionStatus, ActionUpdate, Feedback, Feeling, PersonUpdate, Question,
                               QuestionStatus, Record, RecordQuestion, RecordStatus, UpdateKind)

    today = utcnow().date()
    with db.context() as session:
        # Sorted last, so the admin list of people shows the same kind of people at both sizes.
        users = [User(name=f"Zz Asker {tag}{i}") for i in range(size)]
        session.add_all(users)
        session.flush()
        questions = [Question(board_id=board_id, meeting_id=meeting_id, asker_id=u.id, text=f"Q {tag}{i}",
                              status=QuestionStatus.ON_AGENDA, sent_dt=utcnow() - timedelta(days=9))
                     for i, u in enumerate(users)]
        records = [Record(board_id=board_id, title=f"Record {tag}{i}", did_text="Done.", topic="work",
                          meeting_id=meeting_id, status=RecordStatus.PUBLISHED if i % 5 else RecordStatus.DRAFT,
                          published_dt=utcnow()) for i in range(size)]
        session.add_all(questions + records)
        session.flush()
        session.add_all(RecordQuestion(record_id=r.id, question_id=q.id) for r, q in zip(records, questions))
        session.add_all(ContentLanguage(kind="record", content_id=r.id, language="cy", texts={"title": f"Cofnod {i}"})
                        for i, r in enumerate(records) if i % 2)
        statuses = list(ActionStatus)
        actions = [Action(record_id=r.id, board_id=board_id, what=f"Do {tag}{i}", who_name="D", who_organisation="C",
                          due_date=today + timedelta(days=(i % 7) - 3), status=statuses[i % 4],
                          finished_date=today if statuses[i % 4] in (ActionStatus.DONE, ActionStatus.COULD_NOT_DO)
                          else None) for i, r in enumerate(records) for _ in range(2)]
        session.add_all(actions)
        session.flush()
        session.add_all(ActionUpdate(action_id=a.id, status=a.status) for a in actions)
        session.add_all(Feedback(record_id=r.id, user_id=u.id, feeling=list(Feeling)[i % 3])
                        for i, (r, u) in enumerate(zip(records, users)))
        session.add_all(PersonUpdate(user_id=member_id, record_id=r.id, kind=UpdateKind.ACTION, action_id=a.id,
                                     status=a.status) for r, a in zip(records, actions))


def _grow_concerns(db, board_id: int, meeting_id: int, concern_id: int, size: int, tag: str):
    """Add `size` more private questions, each with a safeguarding concern, and `size` notes on one concern."""
    from coprod.models import ConcernReason, SafeguardingConcern, SafeguardingNote

    with db.context() as session:
        people = [User(name=f"Person {tag}{i} worried", email=f"w{tag}{i}@example.org") for i in range(size)]
        session.add_all(people)
        session.flush()
        asked = [Question(board_id=board_id, meeting_id=meeting_id, asker_id=person.id, text=f"Scared {tag}{i}",
                          status=QuestionStatus.SENT, sent_dt=utcnow(), private=True, worried=True)
                 for i, person in enumerate(people)]
        session.add_all(asked)
        session.flush()
        session.add_all(SafeguardingConcern(board_id=board_id, question_id=q.id, person_id=q.asker_id,
                                            reason=ConcernReason.WORRIED, told="lead", told_dt=utcnow(),
                                            closed_dt=utcnow() if i % 2 else None)
                        for i, q in enumerate(asked))
        session.add_all(SafeguardingNote(concern_id=concern_id, by_id=people[i].id, text=f"Rang them {tag}{i}.")
                        for i in range(size))


# Not pages, but asked for while people type: (who, path, form).
POSTS = [
    ("secretary", "/boards/riverside-ld/easy-read-check",
     {"text": "The commissioners met.\nThe CCG was told about it by the Transforming Care Partnership."}),
]


def _counts(engine, clients, ids):
    counts = {}
    for who, path in PAGES:
        url = path.format(**ids)
        with count_queries(engine) as counter:
            response = clients[who].get(url)
        assert response.status_code == 200, f"{url} as {who}: {response.status_code}"
        counts[(who, path)] = counter.count
    for who, path, form in POSTS:
        token = clients[who].csrf()
        with count_queries(engine) as counter:
            response = clients[who].post(path, {**form, "csrf_token": token})
        assert response.status_code == 200, f"POST {path} as {who}: {response.status_code}"
        counts[(who, "POST " + path)] = counter.count
    return counts


@pytest.fixture
def engine(app):
    with app.app_context():
        return _db.engine


def test_pages_make_few_queries_and_do_not_grow_with_data(app, cast, factory, make_client, db, engine):
    board = cast.board
    target = factory.person("Target", board=board)
    people = {"member": cast.member, "secretary": cast.secretary, "admin": cast.admin}
    clients = {who: sign_in(make_client(), factory, person) for who, person in people.items()}
    clients[None] = make_client()

    with db.context() as session:
        proposal = Proposal(board_id=board.id, title="Meet in the library?", closed_dt=utcnow(), is_secret=False)
        session.add(proposal)
        session.flush()
        session.add_all(Choice(proposal_id=proposal.id, label=label, position=i)
                        for i, label in enumerate(["Yes", "No", "Not sure"]))
        meeting = Meeting(board_id=board.id, title="Board meeting", place="Library", status=MeetingStatus.HELD,
                          starts_dt=utcnow() - timedelta(days=1))
        session.add(meeting)
        session.flush()
        item = AgendaItem(meeting_id=meeting.id, title="Housing")
        session.add(item)
        session.flush()
        lead = Question(board_id=board.id, meeting_id=meeting.id, asker_id=target.id, text="Where can I live?",
                        status=QuestionStatus.ON_AGENDA, agenda_item_id=item.id, sent_dt=utcnow())
        draft = Question(board_id=board.id, meeting_id=meeting.id, asker_id=people["member"].id, text="Buses?",
                         status=QuestionStatus.DRAFT, asked_item_id=item.id)
        session.add_all([lead, draft])
        session.flush()
        session.add(GlossaryTerm(language="en", term="Commissioner", slug="commissioner", meaning="A person who pays.",
                                 other_forms="commissioners"))
        coming = Meeting(board_id=board.id, title="Next meeting", place="Library",
                         status=MeetingStatus.AGENDA_PUBLISHED, starts_dt=utcnow() + timedelta(days=9))
        session.add(coming)
        session.flush()
        picture = Picture(file_name="0" * 32 + ".webp", alt_text="Riverside Library.", width=10, height=10)
        session.add(picture)
        session.flush()
        item.picture = picture.name
        from coprod.models import ConcernReason, SafeguardingConcern

        worried = Question(board_id=board.id, meeting_id=meeting.id, asker_id=target.id, text="I am scared.",
                           status=QuestionStatus.SENT, sent_dt=utcnow(), private=True, worried=True)
        session.add(worried)
        session.flush()
        concern = SafeguardingConcern(board_id=board.id, question_id=worried.id, person_id=target.id,
                                      reason=ConcernReason.WORRIED, raised_by_id=cast.secretary.id)
        session.add(concern)
        session.flush()
        ids = {"target": target.id, "proposal": proposal.id, "meeting": meeting.id, "item": item.id,
               "question": lead.id, "draft": draft.id, "coming": coming.id, "picture": picture.id,
               "concern": concern.id}
        board_row = session.get(Board, board.id)
        board_row.involvement_pence, board_row.travel_max_pence = 2500, 2000
        session.add(Attendance(meeting_id=meeting.id, user_id=people["member"].id, coming=True))
        claim = PaymentClaim(board_id=board.id, meeting_id=meeting.id, user_id=target.id, involvement_pence=2500,
                             status=ClaimStatus.ANSWERED, question_text="Bus?", answer_text="Yes.")
        session.add(claim)
        session.flush()
        ids["claim"] = claim.id

    _grow(db, board.id, target.id, ids["proposal"], 10, "a")
    _grow_meetings(db, board.id, ids["meeting"], 10, "a")
    _grow_questions(db, board.id, ids["meeting"], ids["item"], people["member"].id, ids["question"], 10, "a")
    _grow_follow(db, board.id, ids["meeting"], people["member"].id, 10, "a")
    _grow_concerns(db, board.id, ids["meeting"], ids["concern"], 10, "a")
    small = _counts(engine, clients, ids)
    # Past 500 of each kind: selectinload loads children in batches of 500 parents, so a page that
    # loads a whole list makes one more statement per 500 - only a size beyond that shows it.
    _grow(db, board.id, target.id, ids["proposal"], LARGE, "b")
    _grow_meetings(db, board.id, ids["meeting"], LARGE, "b")
    _grow_questions(db, board.id, ids["meeting"], ids["item"], people["member"].id, ids["question"], LARGE, "b")
    _grow_follow(db, board.id, ids["meeting"], people["member"].id, LARGE, "b")
    _grow_concerns(db, board.id, ids["meeting"], ids["concern"], LARGE, "b")
    with db.context() as session:  # a big jargon buster: still one query per page for it
        session.add_all(GlossaryTerm(language="en", term=f"Word {i}", slug=f"word-{i}", meaning="Hard.",
                                     other_forms=f"words {i}") for i in range(300))
    large = _counts(engine, clients, ids)

    print("queries per page (small, large):", {p: (small[p], large[p]) for p in small})
    too_many = {page: n for page, n in large.items() if n > MAX_QUERIES}
    assert not too_many, f"pages over {MAX_QUERIES} queries: {too_many}"
    grew = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert not grew, f"query count grows with data (N+1?): {grew}"
