"""Every table, and what of it goes into a person's "My data" file (UK GDPR art. 15 and 20).

This is the one place that decides. For each table: each column that points at a person
(a foreign key to user.id), and what the file does with rows where that column is the person:

- EXPORTED: the rows go in the file (the section named), with the columns the section lists.
- WORK: things the person did as staff for the board (made a meeting, published a record...): the
  file lists what and when (table, id, date), not other people's data inside it.
- NOT_EXPORTED: the reason why not (said in the docs, and checked by a test).

Tables with no column pointing at a person say why they hold nothing of anyone, or how the person's
part is reached. tests/test_my_data.py fails when a table or a user column is missing here, so a new
table with personal data cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass

EXPORTED = "exported"
WORK = "work"
NOT_EXPORTED = "not exported"


@dataclass(frozen=True)
class Use:
    how: str          # EXPORTED, WORK or NOT_EXPORTED
    section: str = ""  # the JSON key it goes under
    why: str = ""     # what it means, or why it is left out


def exported(section: str, why: str) -> Use:
    return Use(EXPORTED, section, why)


def work(why: str = "something you did for the board") -> Use:
    return Use(WORK, "work", why)


# table -> {column pointing at user.id -> what the file does with it}
USER_COLUMNS: dict[str, dict[str, Use]] = {
    "user": {
        "id": exported("about_you", "your name, email, picture, settings, when your account was made, "
                       "whether the authenticator app is on (never the password or the app's secret)"),
    },
    "membership": {"user_id": exported("boards", "the boards you are on and your role")},
    "group_member": {"user_id": exported("groups", "the self-advocacy groups you are in")},
    "login_card": {
        "user_id": exported("login_cards", "your login cards: when made and stopped (never the code)"),
        "created_by_id": work("a login card you made for someone"),
    },
    "magic_link": {"user_id": exported("sign_in_links", "sign-in links sent to you: when (never the link)")},
    "sign_in": {
        "user_id": exported("sign_ins", "each device you signed in on: how, when, who was helping"),
        "helper_id": exported("help_you_gave", "when you helped someone on their device"),
    },
    "recovery_code": {"user_id": exported("two_factor", "how many recovery codes you have, when used "
                                          "(never the codes)")},
    "account_notice": {"user_id": exported("account_notices", "news about your account on your Updates page")},
    "audit_event": {
        "actor_id": exported("audit", "the log of what you did"),
        "helper_id": exported("audit", "the log of what you helped someone do"),
    },
    "question": {
        "asker_id": exported("questions", "your questions: your words, your recording, what happened"),
        "helper_id": exported("help_you_gave", "questions you helped someone ask (not their words)"),
        "moderated_by_id": work("a question you put on the agenda, answered or did not take"),
    },
    "me_too": {
        "user_id": exported("me_too", "questions you also wanted to ask"),
        "helper_id": exported("help_you_gave", "when you helped someone say 'me too'"),
    },
    "vote": {
        "user_id": exported("votes", "that you voted; in an open vote also what you chose"),
        "helper_id": exported("help_you_gave", "when you helped someone vote (never their choice)"),
    },
    "said_did_feedback": {
        "user_id": exported("not_happy_ratings", "Happy, OK or Not happy, your comment and recording"),
        "helper_id": exported("help_you_gave", "when you helped someone say if they are happy (not their words)"),
    },
    "attendance": {
        "user_id": exported("meetings_coming", "if you said you are coming to a meeting, and the help you need"),
        "helper_id": exported("help_you_gave", "when you helped someone say if they are coming (not their needs)"),
    },
    "check_in": {
        "user_id": exported("meetings_checked_in", "that you were at a meeting: when the secretary checked you in, and how"),
        "by_id": work("someone you checked in at a meeting"),
    },
    "payment_claim": {
        "user_id": exported("payments", "your claims for involvement payments and travel: amounts, how you are "
                            "paid (bank details masked), the secretary's question, your answer, the receipt photo"),
        "helper_id": exported("help_you_gave", "when you helped someone claim a payment (not the amounts)"),
        "approved_by_id": work("a payment claim you approved"),
        "paid_by_id": work("a payment claim you marked paid"),
    },
    "said_did_follower": {"user_id": exported("follows", "records you follow")},
    "said_did_person_update": {"user_id": exported("updates", "the news on your Updates page")},
    "picture": {
        "uploaded_by_id": exported("pictures", "pictures you uploaded, with the files"),
        "removed_by_id": work("a picture you removed"),
    },
    "data_export": {
        "user_id": exported("data_files", "the My data files made for you"),
        "asked_by_id": work("a My data file you made for someone who asked on paper"),
    },
    "content_language": {
        "checker_id": exported("easy_read_checks", "content you checked for easy read"),
        "updated_by_id": work("a version in another language you wrote"),
        "checked_by_id": work("an easy-read check you marked"),
    },
    "glossary_term": {"updated_by_id": work("a word in the jargon buster you wrote")},
    "meeting": {"created_by_id": work("a meeting you made")},
    "paper": {"added_by_id": work("a paper you added to a meeting's agenda")},
    "said_did_action": {"removed_by_id": work("a copied action you took away")},
    "submission_key": {"user_id": Use(NOT_EXPORTED, "", "a note, kept 2 days, of where a form you sent led, "
                                      "so sending it twice does it once; it holds no words")},
    "proposal": {"created_by_id": work("a vote you made")},
    "room_count": {"entered_by_id": work("a show of hands you counted")},
    "said_did_record": {
        "created_by_id": work("a 'You said, we did' record you wrote"),
        "published_by_id": work("a 'You said, we did' record you published"),
    },
    "said_did_action_update": {"by_id": work("a change to an action you made")},
    "reminder_choice": {"user_id": exported("reminders", "how you get reminders: email, text message, both or "
                                         "none; your mobile number; your supporter or carer's name, email and mobile; "
                                         "whether the meeting pack is posted to you, and your address")},
    "sent_reminder": {"user_id": exported("reminders_sent", "which reminders we sent you, how and when "
                                       "(the words are not kept)")},
    "board_reminder": {"updated_by_id": work("a board's reminder settings you changed")},
    "board": {"safeguarding_lead_id": exported("safeguarding_lead_for", "the boards you are the safeguarding lead of")},
    "safeguarding_concern": {
        # Only "you told the safeguarding lead on <date>": see collect._safeguarding for why no more.
        "person_id": exported("safeguarding", "when you told the safeguarding lead you were worried about your safety"),
        "raised_by_id": work("a question you marked private (the safeguarding lead was told)"),
        "closed_by_id": work("a safeguarding concern you closed"),
    },
    "safeguarding_note": {"by_id": work("a safeguarding note you wrote (not its words: it is about someone else)")},
}

# Tables with no column pointing at a person: why nothing of theirs is missed.
NO_PERSON: dict[str, str] = {
    "ballot": "secret by design: a ballot has no person, no id and no time (its key is a keyed hash), "
              "so nobody - not this file either - can tell whose it is. The file says only that you voted.",
    "login_attempt": "failed sign-in tries, kept a day; the key is a hash, it names no person or email",
    "audio_clip": "spoken pages (Listen): the same for everyone who reads the page",
    "group": "reached through your groups",
    "agenda_item": "the board's agenda (named in your questions)",
    "choice": "the answers to a vote (named in your open votes)",
    "said_did_question": "which questions a record answers (in your questions)",
}

# Columns never put in the file, even for the person themselves, and why.
NEVER: dict[str, dict[str, str]] = {
    "user": {"password_hash": "a one-way hash of your password: it says nothing about you",
             "totp_secret": "the key of your authenticator app: a secret that would let someone sign in",
             "totp_last_step": "a counter used only to stop a code being used twice"},
    "login_card": {"token_hash": "a secret", "code_hash": "a secret", "hash_scheme": "technical"},
    "magic_link": {"token_hash": "a secret"},
    "sign_in": {"token_hash": "a secret"},
    "recovery_code": {"code_hash": "a secret"},
    "safeguarding_note": {"text": "what the safeguarding lead did about a concern: withheld from the person it "
                          "is about where telling could cause harm (UK GDPR art. 15(4), DPA 2018 sch. 3); "
                          "staff decide when someone asks on paper"},
    "safeguarding_concern": {"reason": "whether the secretary marked a question private: withheld, as above"},
    "question": {"private_note": "a safeguarding note the secretary keeps about a private question; "
                 "staff decide about it when someone asks on paper (it may name other people)"},
}


def covered_columns() -> set[tuple[str, str]]:
    return {(table, column) for table, columns in USER_COLUMNS.items() for column in columns}


def unlisted(metadata) -> list[str]:
    """What `metadata` holds that this inventory does not decide about: tables that are in neither list,
    and columns pointing at user.id that are not listed for their table. Empty when all is covered."""
    problems = []
    for table in metadata.sorted_tables:
        if table.name not in USER_COLUMNS and table.name not in NO_PERSON:
            problems.append(f"table {table.name}: not in USER_COLUMNS or NO_PERSON")
        listed = USER_COLUMNS.get(table.name, {})
        for column in table.columns:
            points_at_user = any(fk.column.table.name == "user" for fk in column.foreign_keys) or \
                (table.name == "user" and column.primary_key)
            if points_at_user and column.name not in listed:
                problems.append(f"{table.name}.{column.name}: points at a person but is not in USER_COLUMNS")
            if table.name in NO_PERSON and points_at_user:
                problems.append(f"{table.name}.{column.name}: NO_PERSON says it has nobody")
    return problems
