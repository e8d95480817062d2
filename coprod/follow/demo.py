"""Demo "You said, we did" records in every state: a draft; published records whose actions are
planned, started, done, late and could not be done; happy and not happy answers; a private question
that never shows; a record that came back to the spring meeting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from coprod.extensions import db
from coprod.models import (Action, ActionStatus, ActionUpdate, Board, Feedback, Feeling, Follower, Meeting,
                           MeetingStatus, PersonUpdate, Proposal, Question, QuestionStatus, Record,
                           RecordQuestion, RecordStatus, UpdateKind, utcnow)


def load(board: Board, people: dict) -> None:
    if db.session.scalar(select(Record).where(Record.board_id == board.id)):
        return
    past = db.session.scalar(select(Meeting).where(Meeting.board_id == board.id,
                                                   Meeting.status == MeetingStatus.MINUTES_PUBLISHED))
    if past is None:
        return
    now = utcnow()
    today = now.date()
    david = people["David Okafor"][1]

    def person(name):
        return people[name][1]

    def question(name, text, public_text="", **fields):
        made = Question(board_id=board.id, meeting_id=past.id, asker_id=person(name).id, text=text,
                        public_text=public_text, sent_dt=now - timedelta(days=70),
                        status=fields.pop("status", QuestionStatus.ON_AGENDA), status_dt=now - timedelta(days=65),
                        **fields)
        db.session.add(made)
        db.session.flush()
        return made

    def record(title, said, did, picture, topic, questions=(), status=RecordStatus.PUBLISHED, days_ago=40,
               **fields):
        made = Record(board_id=board.id, title=title, said_text=said, did_text=did, did_picture=picture,
                      topic=topic, meeting_id=past.id, status=status, created_by_id=david.id,
                      created_dt=now - timedelta(days=days_ago + 2),
                      published_dt=now - timedelta(days=days_ago) if status == RecordStatus.PUBLISHED else None,
                      published_by_id=david.id if status == RecordStatus.PUBLISHED else None, **fields)
        db.session.add(made)
        db.session.flush()
        db.session.add_all(RecordQuestion(record_id=made.id, question_id=q.id) for q in questions)
        return made

    def action(on, what, how, due_days, steps, reason=""):
        """steps: (status, days ago, note) in order; the last one is where it is up to."""
        made = Action(record_id=on.id, board_id=board.id, what=what, how=how, who_name="David Okafor",
                      who_organisation="Riverside Council", due_date=today + timedelta(days=due_days),
                      created_dt=now - timedelta(days=steps[0][1]))
        db.session.add(made)
        db.session.flush()
        for status, days_ago, note in steps:
            db.session.add(ActionUpdate(action_id=made.id, status=status, note=note, by_id=david.id,
                                        created_dt=now - timedelta(days=days_ago)))
        made.status, made.status_dt = steps[-1][0], now - timedelta(days=steps[-1][1])
        if made.status in (ActionStatus.DONE, ActionStatus.COULD_NOT_DO):
            made.finished_date = today - timedelta(days=steps[-1][1])
        made.reason = reason
        return made

    jobs_q = question("Sam Taylor", "Can we have more job coaches? I want a job in a shop.",
                      "Can the council pay for more job coaches?")
    question("Aisha Begum", "I need a job coach too.", status=QuestionStatus.JOINED, joined_to_id=jobs_q.id,
             show_name=False)
    safe_q = question("Jordan Lee", "What will the council do about hate crime in town?")
    private_q = question("Tom Evans", "Someone at my house takes my money.", private=True,
                         status=QuestionStatus.SENT)

    jobs = record("Job coaches", "You said you want paid jobs.\nYou said you need job coaches to help.",
                  "The council will pay for 2 more job coaches.\nThey start in the spring.", "job", "work",
                  [jobs_q])
    action(jobs, "Ask for money for 2 job coaches", "At the council budget meeting.", -30,
           [(ActionStatus.PLANNED, 40, ""), (ActionStatus.STARTED, 35, "We wrote the plan."),
            (ActionStatus.DONE, 31, "The money is agreed.")])
    action(jobs, "Hire 2 job coaches", "Advert in the paper and online.", -7,
           [(ActionStatus.PLANNED, 40, ""), (ActionStatus.STARTED, 20, "The advert is out.")])
    action(jobs, "Start a job club in the library", "Every Tuesday morning.", -3,
           [(ActionStatus.PLANNED, 40, ""),
            (ActionStatus.COULD_NOT_DO, 10, "")], reason="The library room is closed for repairs.")
    action(jobs, "Tell the board how many people got a job", "At the summer meeting.", 60,
           [(ActionStatus.PLANNED, 40, "")])

    topic_vote = db.session.scalar(select(Proposal).where(Proposal.board_id == board.id,
                                                          Proposal.title == "What should our next meeting be about?"))
    safe = record("Feeling safe in town", "You voted for feeling safe as the next big topic.\n"
                  "You asked what the council will do about hate crime.",
                  "Our next meeting is about feeling safe.\nThe police will come to talk to us.", "safe", "safe",
                  [safe_q, private_q], proposal_id=topic_vote.id if topic_vote else None, days_ago=20)
    action(safe, "Make an easy-read leaflet about safe places", "With Riverside People First.", 20,
           [(ActionStatus.PLANNED, 20, ""), (ActionStatus.STARTED, 5, "People First are checking the words.")])
    action(safe, "Ask the police to come to the summer meeting", "Helen will write to them.", 45,
           [(ActionStatus.PLANNED, 20, "")])

    record("Short breaks house on Mill Lane", "Families want the short breaks house to stay open.",
           "", "family", "short-breaks", status=RecordStatus.DRAFT, days_ago=1)

    db.session.flush()
    db.session.add_all([
        Feedback(record_id=jobs.id, user_id=person("Sam Taylor").id, feeling=Feeling.NOT_HAPPY,
                 comment="The job club was the bit I wanted most."),
        Feedback(record_id=jobs.id, user_id=person("Aisha Begum").id, feeling=Feeling.OK),
        Feedback(record_id=safe.id, user_id=person("Jordan Lee").id, feeling=Feeling.HAPPY),
        Follower(record_id=jobs.id, user_id=person("Margaret Jones").id),
    ])
    for name, on in (("Sam Taylor", jobs), ("Aisha Begum", jobs), ("Jordan Lee", safe), ("Tom Evans", safe)):
        db.session.add(PersonUpdate(user_id=person(name).id, record_id=on.id, kind=UpdateKind.ANSWERED,
                                    created_dt=on.published_dt))
    db.session.flush()
