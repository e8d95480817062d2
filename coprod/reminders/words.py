"""The words of reminders: each kind's name, its default easy-read words, and the message built for
one person. Every string goes through Babel: a reminder is written in the language the person chose."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coprod.models import ReminderChannel, ReminderKind

# What the secretary sees on the board's reminders page, in order.
KIND_LABELS = {
    ReminderKind.WEEK_BEFORE: _l("A week before a meeting"),
    ReminderKind.DAY_BEFORE: _l("The day before a meeting"),
    ReminderKind.QUESTIONS_CLOSE: _l("The day before questions close"),
    ReminderKind.VOTING_CLOSES: _l("The day voting closes (only to people who have not voted)"),
    ReminderKind.SAID_DID: _l("News about \"You said, we did\""),
    ReminderKind.PACK_BY_POST: _l("The meeting pack by post (only to people who asked for paper)"),
}

KIND_PICTURES = {
    ReminderKind.WEEK_BEFORE: "calendar",
    ReminderKind.DAY_BEFORE: "calendar",
    ReminderKind.QUESTIONS_CLOSE: "question",
    ReminderKind.VOTING_CLOSES: "vote",
    ReminderKind.SAID_DID: "thumbs-up",
    ReminderKind.PACK_BY_POST: "letter",
}

# The words a reminder says when the board's secretary has not written their own.
DEFAULT_WORDS = {
    ReminderKind.WEEK_BEFORE: _l("Our board meeting is next week. We hope you can come."),
    ReminderKind.DAY_BEFORE: _l("Our board meeting is tomorrow. We hope to see you there."),
    ReminderKind.QUESTIONS_CLOSE: _l("Questions for the meeting close tomorrow. Send your question today."),
    ReminderKind.VOTING_CLOSES: _l("Voting closes today. You have not voted yet. You can still vote."),
    ReminderKind.SAID_DID: _l("There is news about what the board did. Have a look."),
    ReminderKind.PACK_BY_POST: _l("Here is the pack for our next board meeting. Please bring it with you."),
}

# The kinds as sent (SentReminder.kind), for the admin's "not sent" page.
SENT_KIND_LABELS = {**{kind.value: label for kind, label in KIND_LABELS.items()},
                    "said_did_record": KIND_LABELS[ReminderKind.SAID_DID],
                    "said_did_action": KIND_LABELS[ReminderKind.SAID_DID]}

CHANNEL_LABELS = {
    ReminderChannel.EMAIL: _l("Email"),
    ReminderChannel.TEXT: _l("Text message"),
    ReminderChannel.SUPPORTER_EMAIL: _l("Email to their supporter"),
    ReminderChannel.SUPPORTER_TEXT: _l("Text message to their supporter"),
    ReminderChannel.LETTER: _l("Letter by post"),
}

# The email's subject line.
SUBJECTS = {
    ReminderKind.WEEK_BEFORE: _l("Board meeting next week"),
    ReminderKind.DAY_BEFORE: _l("Board meeting tomorrow"),
    ReminderKind.QUESTIONS_CLOSE: _l("Questions close tomorrow"),
    ReminderKind.VOTING_CLOSES: _l("Voting closes today"),
    ReminderKind.SAID_DID: _l("You said, we did: news"),
    ReminderKind.PACK_BY_POST: _l("Your meeting pack"),
}


@dataclass
class Message:
    subject: str
    body: str   # the email
    text: str   # the text message: shorter


def build(kind: ReminderKind, *, words: str, facts: str, link: str, board_name: str, person_name: str,
          settings_link: str, supporter_name: str | None = None) -> Message:
    """The reminder for one person (or their supporter: `supporter_name`), in the current language."""
    said = words.strip() or str(DEFAULT_WORDS[kind])
    if supporter_name:
        hello = _("Hello %(name)s.", name=supporter_name) + " " + \
            _("This is a copy of a reminder for %(person)s.", person=person_name)
    else:
        hello = _("Hello %(name)s.", name=person_name)
    body = "\n\n".join([
        hello, said, facts, _("See more here:") + " " + link,
        _("From %(board)s.", board=board_name),
        _("You get this because of the reminders you chose. To change them, go here:") + " " + settings_link,
    ])
    text = " ".join([board_name + ":", said, facts, link])
    return Message(subject=str(SUBJECTS[kind]), body=body, text=text)
