"""A believable demo: the Riverside boards, with people in every role and a People First group.

Themes come from the reports in shared/seeds: moving out of hospital, housing, short breaks,
jobs, feeling safe, and support for families.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from coprod import outbox
from coprod.accounts.services import issue_card, revoke_card
from coprod.extensions import db
from coprod.models import Base, Board, Choice, Group, GroupMember, LoginCard, Membership, Role, User

BOARDS = [
    ("riverside-ld", "Riverside Learning Disability Partnership Board", "board",
     "We are people with learning disabilities, family carers, the council and the NHS. "
     "We meet every 3 months. We talk about housing, jobs, short breaks and feeling safe. "
     "We check that the council does what it says."),
    ("riverside-autism", "Riverside Autism Partnership Board", "people",
     "We are autistic people, family carers, the council and the NHS. "
     "We work on better support for autistic people in Riverside."),
]

# (role on the main board, name, email, site admin?). No passwords: everyone signs in with their
# card; staff can set a password on their account page.
PEOPLE = [
    ("admin", "Priya Shah", "priya.shah@example.org", True),
    (Role.SECRETARY, "Helen Carter", "helen.carter@example.org", False),
    (Role.COMMISSIONER, "David Okafor", "david.okafor@example.org", False),
    (Role.MEMBER, "Sam Taylor", None, False),
    (Role.MEMBER, "Aisha Begum", None, False),
    (Role.MEMBER, "Tom Evans", None, False),
    (Role.MEMBER, "Jordan Lee", "jordan.lee@example.org", False),
    (Role.CARER, "Margaret Jones", "margaret.jones@example.org", False),
    (Role.SUPPORTER, "Chris Morgan", None, False),
]

GROUP_NAME = "Riverside People First"
GROUP_MEMBERS = {"Jordan Lee": True, "Sam Taylor": False, "Aisha Begum": False}


def load_demo(*, reset: bool = False) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo. Returns (role, name, sign-in path) for each demo person.

    Run again, it keeps the data and gives everyone a fresh card (older demo cards stop working),
    so the links it prints always work.
    """
    if reset:
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(table.delete())
    from coprod.glossary.services import load_starter

    load_starter()  # the jargon buster's words, so the demo's agendas show them explained
    boards = {slug: _board(slug, name, picture, about) for slug, name, picture, about in BOARDS}
    main_board = boards["riverside-ld"]
    people = {}
    for role, name, email, is_admin in PEOPLE:
        user = db.session.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, email=email, is_admin=is_admin)
            db.session.add(user)
            db.session.flush()
        if role != "admin" and not db.session.scalar(
                select(Membership).where(Membership.board_id == main_board.id, Membership.user_id == user.id)):
            db.session.add(Membership(board_id=main_board.id, user_id=user.id, role=role))
        people[name] = (role, user)
    _autism_board_roles(boards["riverside-autism"], people)
    _group(main_board, people)
    db.session.flush()
    _proposals(main_board, people)
    own_pictures = _pictures(people["Helen Carter"][1])
    _meetings(main_board, people, own_pictures)
    _content_versions(main_board, people)
    from coprod.follow.demo import load as load_follow

    load_follow(main_board, people)

    lines = []
    for name, (role, user) in people.items():
        for old in db.session.scalars(select(LoginCard).where(LoginCard.user_id == user.id,
                                                              LoginCard.revoked_dt.is_(None))
                                      .options(joinedload(LoginCard.user))):
            revoke_card(old, by=None)
        issued = issue_card(user, by=None)
        lines.append((role.value if isinstance(role, Role) else role, name, issued.path))
    # Listen is ready before anyone visits: every public page in every language, and the pages each
    # person sees signed in (in English; the first member's in every language too), made by the worker.
    from coprod.audio.cli import site_pages
    from coprod.audio.making import queue_site_audio

    first_language = next(iter(current_app.config["LANGUAGES"]))
    first_member = next(user.id for _name, (role, user) in people.items() if role == Role.MEMBER)
    if current_app.config["DEMO_AUDIO_AHEAD"]:
        outbox.after_commit(queue_site_audio, site_pages(), {
            user.id: None if user.id == first_member else [user.locale or first_language]
            for _name, (role, user) in people.items() if role != "admin"})
    db.session.commit()
    return lines


def load_demo_authenticators() -> list[tuple[str, str]]:
    """Demo staff who must use an authenticator app (the site setting, admins by default) get one,
    so they can sign in. Returns (name, key) to print: type the key into an authenticator app."""
    import pyotp

    from coprod.accounts import two_factor
    from coprod.accounts.tokens import seal, unseal
    from coprod.models import utcnow

    keys = []
    for _role, name, _email, _is_admin in PEOPLE:
        user = db.session.scalar(select(User).where(User.name == name).options(selectinload(User.memberships)))
        if user is None or not two_factor.required_for(user):
            continue
        secret = unseal(user.totp_secret) if two_factor.is_on(user) else None
        if secret is None:
            secret = pyotp.random_base32()
            user.totp_secret, user.totp_on_dt, user.totp_last_step = seal(secret), utcnow(), None
        keys.append((name, secret))
    db.session.commit()
    return keys


def _board(slug: str, name: str, picture: str, about: str) -> Board:
    board = db.session.scalar(select(Board).where(Board.slug == slug))
    if board is None:
        # Quorum: how many must be at a meeting to make decisions (shown when checking people in).
        board = Board(slug=slug, name=name, picture=picture, about=about, quorum=5)
        db.session.add(board)
        db.session.flush()
    return board


def _autism_board_roles(board: Board, people: dict) -> None:
    for name, role in (("Helen Carter", Role.SECRETARY), ("Aisha Begum", Role.MEMBER),
                       ("Chris Morgan", Role.SUPPORTER)):
        user = people[name][1]
        if not db.session.scalar(select(Membership).where(Membership.board_id == board.id,
                                                          Membership.user_id == user.id)):
            db.session.add(Membership(board_id=board.id, user_id=user.id, role=role))


def _group(board: Board, people: dict) -> None:
    group = db.session.scalar(select(Group).where(Group.name == GROUP_NAME))
    if group is None:
        group = Group(board_id=board.id, name=GROUP_NAME)
        db.session.add(group)
        db.session.flush()
        for name, is_facilitator in GROUP_MEMBERS.items():
            db.session.add(GroupMember(group_id=group.id, user_id=people[name][1].id,
                                       is_facilitator=is_facilitator))


def _proposals(board: Board, people: dict) -> None:
    """An open vote, one coming, and a finished one with results (tablets and hands in the room)."""
    from datetime import timedelta

    from coprod.models import Proposal, utcnow
    from coprod.votes.services import record_vote, set_room_counts

    if db.session.scalar(select(Proposal).where(Proposal.board_id == board.id)):
        return
    helen = people["Helen Carter"][1]
    now = utcnow()
    standard = [("Yes", "yes"), ("No", "no"), ("Not sure", "question")]

    def make(title, body, picture, choices, **fields):
        proposal = Proposal(board_id=board.id, title=title, body=body, picture=picture, created_by_id=helen.id,
                            voter_roles="carer,member", **fields)
        db.session.add(proposal)
        db.session.flush()
        db.session.add_all(Choice(proposal_id=proposal.id, position=i, label=label, picture=pic)
                           for i, (label, pic) in enumerate(choices))
        db.session.flush()
        # Read back with its choices and board (relationships are never loaded on first touch).
        return db.session.scalar(select(Proposal).where(Proposal.id == proposal.id)
                                 .options(joinedload(Proposal.board), selectinload(Proposal.choices))
                                 .execution_options(populate_existing=True))

    def vote(proposal, name, label):
        """A vote as the person cast it while voting was open."""
        choice = next(c for c in proposal.choices if c.label == label)
        person = people[name][1]
        assert record_vote(db.session, board_id=board.id, proposal_id=proposal.id, user_id=person.id,
                           role=db.session.scalar(select(Membership.role).where(
                               Membership.board_id == board.id, Membership.user_id == person.id)),
                           choice_id=choice.id, sign_in=None,
                           now=proposal.opened_dt + timedelta(minutes=5))

    short_breaks = make(
        "Should we ask the council to keep the short breaks house open?",
        "The council wants to close the short breaks house on Mill Lane.\n"
        "Families use it so they can have a rest.\nWe can ask the council to keep it open.",
        "house", standard, opened_dt=now - timedelta(hours=1), is_secret=True)
    vote(short_breaks, "Sam Taylor", "Yes")
    vote(short_breaks, "Margaret Jones", "Yes")

    make("Should we meet online as well as in the room?",
         "Some people cannot get to the meeting room.\nThey could join on a tablet from home.",
         "tablet", standard, opens_dt=now + timedelta(days=7), is_secret=True)

    topic = make(
        "What should our next meeting be about?", "We choose one big topic for each meeting.", "calendar",
        [("Jobs", "commissioner"), ("Housing", "house"), ("Feeling safe", "helping")],
        opened_dt=now - timedelta(days=14), closed_dt=now - timedelta(days=7), is_secret=True)
    for name, label in (("Sam Taylor", "Feeling safe"), ("Aisha Begum", "Feeling safe"),
                        ("Tom Evans", "Jobs"), ("Jordan Lee", "Feeling safe"), ("Margaret Jones", "Housing")):
        vote(topic, name, label)
    set_room_counts(topic, {c.id: n for c, n in zip(topic.choices, (3, 2, 6))}, by=helen)


LIBRARY_ALT = "Riverside Library: a red brick building with a blue door and big windows."
BUS_ALT = "A green Riverside bus, number 12, at the bus stop."


def _draw_library():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (190, 225, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 400, 640, 480), fill=(120, 170, 90))
    draw.rectangle((110, 170, 530, 410), fill=(170, 70, 50), outline=(60, 30, 20), width=4)
    draw.polygon([(90, 175), (320, 60), (550, 175)], fill=(80, 80, 90))
    for x in (150, 250, 390, 470):
        draw.rectangle((x - 30, 220, x + 20, 300), fill=(250, 240, 200), outline=(60, 30, 20), width=3)
    draw.rectangle((290, 300, 350, 410), fill=(40, 80, 170), outline=(20, 30, 60), width=3)
    return image


def _draw_bus():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (230, 235, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 400), fill=(90, 90, 95))
    draw.rounded_rectangle((60, 110, 580, 320), radius=30, fill=(20, 140, 70), outline=(10, 60, 30), width=5)
    for x in range(100, 480, 95):
        draw.rectangle((x, 140, x + 70, 200), fill=(210, 235, 250), outline=(10, 60, 30), width=3)
    draw.rectangle((490, 140, 560, 290), fill=(210, 235, 250), outline=(10, 60, 30), width=3)
    draw.rectangle((470, 60, 560, 110), fill=(250, 200, 40))
    draw.text((495, 70), "12", fill=(0, 0, 0), font_size=30)
    for x in (160, 470):
        draw.ellipse((x - 40, 280, x + 40, 360), fill=(30, 30, 30))
    return image


def _pictures(uploader: User) -> dict[str, str]:
    """Two of the board's own pictures in the library (drawn here, so the repository holds no image
    files), made by the same checks as an upload. Returns {"library": name, "bus": name}."""
    import io

    from coprod.models import Picture
    from coprod.pictures import uploads

    made = {}
    for key, alt_text, words, draw in (("library", LIBRARY_ALT, "library, meeting room, Mill Lane", _draw_library),
                                       ("bus", BUS_ALT, "bus, travel, transport", _draw_bus)):
        picture = db.session.scalar(select(Picture).where(Picture.alt_text == alt_text,
                                                          Picture.removed_dt.is_(None)))
        if picture is None or uploads.path_of(picture.file_name) is None:
            data = io.BytesIO()
            draw().save(data, format="PNG")
            checked = uploads.make(data)
            if picture is None:
                picture = Picture(alt_text=alt_text, search_words=words, uploaded_by_id=uploader.id, file_name="")
                db.session.add(picture)
            picture.file_name = uploads.keep(checked)
            picture.width, picture.height = checked.width, checked.height
            db.session.flush()
        made[key] = picture.name
    return made


# The demo's meetings, in days from today: one held (with minutes), the next (agenda published) and a
# later one (taking questions). Each is named after its month, so "in March" is in March.
PAST_MEETING_DAYS, NEXT_MEETING_DAYS, LATER_MEETING_DAYS = -56, 10, 98
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def meeting_title(days_from_today: int) -> str:
    from datetime import timedelta

    from coprod.models import utcnow

    return f"Board meeting in {MONTHS[(utcnow().date() + timedelta(days=days_from_today)).month - 1]}"


def _meetings(board: Board, people: dict, own_pictures: dict[str, str]) -> None:
    """A past meeting with its minutes, one with a published agenda, and one taking questions soon."""
    from datetime import datetime, time, timedelta

    from coprod.times import to_utc
    from coprod.models import AgendaItem, Meeting, MeetingStatus, Proposal, utcnow

    if db.session.scalar(select(Meeting).where(Meeting.board_id == board.id)):
        return
    helen = people["Helen Carter"][1]
    today = utcnow().date()

    def local(days: int, hour: int, minute: int = 0):
        return to_utc(datetime.combine(today + timedelta(days=days), time(hour, minute)))

    library = ("Riverside Library, Mill Lane",
               "Bus 12 stops outside the library.\nThe meeting room is on the ground floor.\n"
               "Go in by the main door. Someone will meet you there.")

    def meeting(title, about, days, status, deadline_days, items, **fields):
        made = Meeting(board_id=board.id, title=title, about=about, starts_dt=local(days, 13, 30),
                       ends_dt=local(days, 15, 30), place=library[0], place_notes=library[1],
                       place_picture=own_pictures["library"],
                       question_deadline_dt=local(deadline_days, 17), status=status, created_by_id=helen.id,
                       # Access at the library: the meeting page, the pack and the calendar say it.
                       step_free=True, hearing_loop=True, quiet_room=True, accessible_toilets=True, **fields)
        db.session.add(made)
        db.session.flush()
        made_items = []
        for position, (title, summary, picture, presenter, after, length, minutes) in enumerate(items):
            item = AgendaItem(meeting_id=made.id, position=position, title=title, summary=summary, picture=picture,
                              presenter=presenter, starts_after_minutes=after, length_minutes=length,
                              minutes_text=minutes)
            db.session.add(item)
            made_items.append(item)
        db.session.flush()
        return made_items

    def decide_under(item, proposal_title):
        proposal = db.session.scalar(select(Proposal).where(Proposal.board_id == board.id,
                                                            Proposal.title == proposal_title))
        if proposal is not None:
            proposal.agenda_item_id = item.id

    past = meeting(
        meeting_title(PAST_MEETING_DAYS), "We talk about jobs.\nWe talk about feeling safe in town.", PAST_MEETING_DAYS,
        MeetingStatus.MINUTES_PUBLISHED, -70, [
            ("Jobs: getting paid work",
             "Many of us want a paid job.\nThe council has a plan to help people find work.",
             "job", "David Okafor, commissioner", 10, 30,
             "David told us about the work plan.\n12 people have started a job this year.\n"
             "We said we want more job coaches.\nDavid will ask for money for 2 more job coaches."),
            ("Feeling safe in town",
             "Some people bully us in town.\nWe call this hate crime.\nA new support worker can help.",
             "safe", "Riverside People First", 40, 30,
             "People First told us about safe places in shops.\n"
             "A support worker can go to court with you.\nWe will make a leaflet about it."),
            ("What should our next meeting be about?", "We vote on one big topic.", "vote", "Helen Carter", 70, 15,
             "We voted.\nMost people chose feeling safe."),
        ], agenda_published_dt=utcnow() - timedelta(days=63), minutes_published_dt=utcnow() - timedelta(days=49))
    decide_under(past[2], "What should our next meeting be about?")

    coming = meeting(
        meeting_title(NEXT_MEETING_DAYS),
        "We talk about moving out of hospital.\nWe talk about homes, short breaks and help for families.",
        NEXT_MEETING_DAYS,
        MeetingStatus.AGENDA_PUBLISHED, 3, [
            ("Moving out of hospital",
             "Some people live in hospital far from home.\nThey should live in the community.\n"
             "The NHS will tell us who has moved home this year.",
             "hospital", "David Okafor, commissioner", 10, 30, ""),
            ("Housing: homes near family",
             "People need homes near their family and friends.\nThe council is making a housing plan.",
             "house", "David Okafor, commissioner", 40, 25, ""),
            ("Short breaks for families",
             "The council wants to close the short breaks house on Mill Lane.\nFamilies use it to have a rest.",
             "family", "Margaret Jones, family carer", 65, 25, ""),
            ("Support for families",
             "Families say it is hard to get help.\nOne person could help families with forms and plans.",
             "helping", "Helen Carter", 90, 20, ""),
        ], agenda_published_dt=utcnow() - timedelta(days=2))
    decide_under(coming[2], "Should we ask the council to keep the short breaks house open?")

    summer = meeting(
        meeting_title(LATER_MEETING_DAYS), "We talk about feeling safe.\nYou chose this topic in our vote.",
        LATER_MEETING_DAYS,
        MeetingStatus.TAKING_QUESTIONS, 84, [
            ("Feeling safe on the bus",
             "Some people feel scared on the bus.\nThe bus company will come to talk to us.",
             own_pictures["bus"], "Riverside Buses", 10, 30, ""),
            ("Hate crime: how to tell the police",
             "Hate crime is when someone hurts or scares you because of who you are.\n"
             "The police will tell us how to report it.", "safe", "Riverside Police", 40, 30, ""),
        ])
    db.session.flush()
    _questions(board, people, coming, summer)
    _coming_or_not(people, coming)
    _papers(board, coming, helen)
    _payments(board, people, past)


def _papers(board: Board, coming_items, helen: User) -> None:
    """Papers for the spring meeting: the housing plan with its easy-read version, and a review whose
    easy-read version is still being written (the reason shows on the agenda)."""
    import weasyprint

    from coprod.meetings import papers
    from coprod.models import Paper

    def pdf(*pages: str) -> bytes:
        html = "".join(f'<section style="break-after: page; font: 16pt sans-serif"><h1>{title}</h1><p>{text}</p></section>'
                       for title, text in (page.split("|") for page in pages))
        return weasyprint.HTML(string=html).write_pdf()

    full = pdf("Housing plan 2027|Riverside Council housing strategy for adults with a learning disability.",
               "Section 2|Supported living places, by ward, 2027 to 2030.",
               "Section 3|Costs and how the council will pay for them.")
    easy = pdf("Housing plan: easy read|The council wants more homes near your family and friends.",
               "What happens next|The council will build 40 new homes by 2030. You can help choose where.")
    review = pdf("Short breaks review|A review of the short breaks house on Mill Lane, its costs and its use.")
    housing, breaks = coming_items[1], coming_items[2]
    db.session.add_all([
        Paper(board_id=board.id, agenda_item_id=housing.id, title="Housing plan 2027", file_name=papers.store_file(full),
              pages=3, byte_size=len(full), easy_file_name=papers.store_file(easy), easy_pages=2,
              easy_byte_size=len(easy), added_by_id=helen.id),
        Paper(board_id=board.id, agenda_item_id=breaks.id, title="Short breaks review",
              file_name=papers.store_file(review), pages=1, byte_size=len(review),
              no_easy_read_reason="The council is writing it. It comes next week.", added_by_id=helen.id),
    ])
    db.session.flush()


def _coming_or_not(people: dict, coming_items) -> None:
    """Answers to "Are you coming?" for the spring meeting: the secretary's list has something to show."""
    from coprod.models import Attendance, ReminderChoice, ReminderHow

    meeting_id = coming_items[0].meeting_id
    chris = people["Chris Morgan"][1]
    db.session.add_all([
        Attendance(meeting_id=meeting_id, user_id=people["Sam Taylor"][1].id, coming=True, support_worker=True,
                   travel="Bus 12. Please meet me at the bus stop.", helper_id=chris.id, helper_name=chris.name),
        Attendance(meeting_id=meeting_id, user_id=people["Margaret Jones"][1].id, coming=True, large_print=True,
                   hearing_loop=True, diet="No nuts."),
        Attendance(meeting_id=meeting_id, user_id=people["David Okafor"][1].id, coming=False),
    ])
    # Margaret has no email: the pack comes by post, in large print (a made-up address).
    db.session.add(ReminderChoice(user_id=people["Margaret Jones"][1].id, how=ReminderHow.NONE, pack_by_post=True,
                                  pack_large_print=True, postal_address="12 Example Road\nRiverside\nAB1 2CD"))
    db.session.flush()


def _payments(board: Board, people: dict, past_items) -> None:
    """Involvement payments: the board pays £25 and up to £20 travel; Sam and Margaret came to the past
    meeting. Margaret claimed and the secretary asked her a question; Sam has not claimed yet."""
    from coprod.models import Attendance, ClaimStatus, PayBy, PaymentClaim, utcnow

    board.involvement_pence, board.travel_max_pence = 2500, 2000
    meeting_id = past_items[0].meeting_id
    sam, margaret = people["Sam Taylor"][1], people["Margaret Jones"][1]
    db.session.add_all([Attendance(meeting_id=meeting_id, user_id=sam.id, coming=True),
                        Attendance(meeting_id=meeting_id, user_id=margaret.id, coming=True)])
    db.session.add(PaymentClaim(board_id=board.id, meeting_id=meeting_id, user_id=margaret.id, involvement_pence=2500,
                                travel_pence=0, pay_by=PayBy.ASK, status=ClaimStatus.QUESTION,
                                question_text="Did you come by bus? You can claim the bus fare too.",
                                question_dt=utcnow()))
    db.session.flush()


def _questions(board: Board, people: dict, coming, summer) -> None:
    """Questions for the spring agenda in every state, and new ones waiting for the summer meeting."""
    from datetime import timedelta

    from coprod.models import MeToo, Question, QuestionStatus, utcnow

    def person(name):
        return people[name][1]

    now = utcnow()
    helen = person("Helen Carter")
    group = db.session.scalar(select(Group).where(Group.board_id == board.id, Group.name == GROUP_NAME))

    def ask(name, item_list, text, status, *, days_ago, item=None, **fields):
        question = Question(board_id=board.id, meeting_id=item_list[0].meeting_id, asker_id=person(name).id,
                            text=text, status=status, sent_dt=now - timedelta(days=days_ago),
                            status_dt=now - timedelta(days=max(days_ago - 1, 0)),
                            asked_item_id=item_list[item].id if item is not None else None,
                            agenda_item_id=item_list[item].id if item is not None and status == QuestionStatus.ON_AGENDA
                            else None, moderated_by_id=helen.id if status != QuestionStatus.SENT else None,
                            **fields)
        db.session.add(question)
        db.session.flush()
        return question

    on_agenda = QuestionStatus.ON_AGENDA
    hospital = ask("Sam Taylor", coming, "When will my friend come home from the hospital?", on_agenda,
                   days_ago=12, item=0)
    breaks = ask("Margaret Jones", coming, "Will the short breaks house stay open?\nMy son goes there every month.",
                 on_agenda, days_ago=11, item=2, public_text="Will the short breaks house on Mill Lane stay open?")
    ask("Aisha Begum", coming, "Please do not close the short breaks house.", QuestionStatus.JOINED, days_ago=10,
        item=2, joined_to_id=breaks.id)
    ask("Jordan Lee", coming, "How many new homes will be near the town centre?", on_agenda, days_ago=9, item=1,
        group_id=group.id if group else None)
    ask("Tom Evans", coming, "Can the board help me pay my gas bill?", QuestionStatus.NOT_TAKEN, days_ago=8,
        reason="This is about one person. The secretary will talk to you about it.")
    ask("Jordan Lee", coming, "Why is the bus to the day centre always late?", QuestionStatus.ANSWERED, days_ago=8,
        answer_text="We asked Riverside Buses.\nThey have a new timetable from next month.\n"
                    "The bus will come 10 minutes earlier.")
    money = ask("Aisha Begum", coming, "Someone where I live takes my money.", QuestionStatus.SENT, days_ago=7,
                private=True, show_name=False,
                private_note="Helen rang Aisha and her supporter. The safeguarding lead knows.")
    # David is the board's safeguarding lead: he was told about Aisha's question and wrote what he did.
    from coprod.models import ConcernReason, SafeguardingConcern, SafeguardingNote

    board.safeguarding_lead_id = person("David Okafor").id
    concern = SafeguardingConcern(board_id=board.id, question_id=money.id, person_id=person("Aisha Begum").id,
                                  reason=ConcernReason.MARKED_PRIVATE, raised_by_id=helen.id,
                                  created_dt=now - timedelta(days=6), told_dt=now - timedelta(days=6), told="lead")
    db.session.add(concern)
    db.session.flush()
    db.session.add(SafeguardingNote(concern_id=concern.id, by_id=person("David Okafor").id,
                                    created_dt=now - timedelta(days=5),
                                    text="Met Aisha with her supporter. Her bank card is now in her own name."))
    for name, question in (("Aisha Begum", hospital), ("Tom Evans", hospital), ("Aisha Begum", breaks),
                           ("Sam Taylor", breaks), ("Tom Evans", breaks)):
        db.session.add(MeToo(question_id=question.id, user_id=person(name).id))
    ask("Sam Taylor", summer, "What can I do if someone is rude to me on the bus?", QuestionStatus.SENT,
        days_ago=2, item=0)
    ask("Margaret Jones", summer, "Can the police talk to our group about hate crime?", QuestionStatus.SENT,
        days_ago=1, item=1, show_name=False)
    db.session.flush()


def _content_versions(board: Board, people: dict) -> None:
    """Welsh versions of the short breaks agenda item and its proposal; Sam checked the English item."""
    from datetime import timedelta

    from coprod.content import services as content
    from coprod.models import AgendaItem, ContentLanguage, Meeting, Proposal, utcnow

    item = db.session.scalar(select(AgendaItem).join(Meeting).where(
        Meeting.board_id == board.id, AgendaItem.title == "Short breaks for families"))
    proposal = db.session.scalar(select(Proposal).where(
        Proposal.board_id == board.id, Proposal.title.like("Should we ask the council to keep%"))
        .options(selectinload(Proposal.choices)))
    if item is None or proposal is None or db.session.scalar(select(ContentLanguage.id).limit(1)):
        return
    helen = people["Helen Carter"][1]
    content.save_version(item, board, "cy", {
        "title": "Seibiant byr i deuluoedd",
        "summary": "Mae'r cyngor eisiau cau'r tŷ seibiant byr ar Lôn y Felin.\n"
                   "Mae teuluoedd yn ei ddefnyddio i gael gorffwys."}, by=helen)
    welsh_answers = {"Yes": "Ie", "No": "Na", "Not sure": "Ddim yn siŵr"}
    content.save_version(proposal, board, "cy", {
        "title": "Ddylen ni ofyn i'r cyngor gadw'r tŷ seibiant byr ar agor?",
        "body": "Mae'r cyngor eisiau cau'r tŷ seibiant byr ar Lôn y Felin.\n"
                "Mae teuluoedd yn ei ddefnyddio i gael gorffwys.\nGallwn ofyn i'r cyngor ei gadw ar agor.",
        **{f"choice_{choice.id}": welsh_answers.get(choice.label, choice.label) for choice in proposal.choices},
    }, by=helen)
    sam = people["Sam Taylor"][1]
    content.mark_checked(item, board, "en", checker=sam, name="", by=helen,
                         checked_on=(utcnow() - timedelta(days=3)).date())
    content.mark_checked(proposal, board, "cy", checker=None, name="Gwen Pritchard", by=helen,
                         checked_on=(utcnow() - timedelta(days=2)).date())
