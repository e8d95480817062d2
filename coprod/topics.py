"""Topics: what a question is about when it is not about an agenda item, and what a "You said, we did"
record is filed under (the tracker filters by them). One list for both, because records answer
questions.

Keys are stored on `question.topic` and `said_did_record.topic`: add new ones, never rename. If a key
ever has to change, add an Alembic migration that rewrites the stored values (as `b7d41f0c2e93` did)
and keep the old key in `OLD_KEYS` so old links still work.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# key -> (label, picture), in the order people see them.
TOPICS = {
    "home": (_l("Where I live"), "house"),
    "health": (_l("Health and doctors"), "hospital"),
    "work": (_l("Jobs and things to do in the day"), "job"),
    "money": (_l("Money and benefits"), "page"),
    "family": (_l("Family carers"), "family"),
    "short-breaks": (_l("Short breaks"), "helping"),
    "safe": (_l("Being safe"), "safe"),
    "getting-about": (_l("Getting about"), "place"),
    "meetings": (_l("How the board works"), "board"),
    "other": (_l("Something else"), "question"),
}

# Keys "You said, we did" records used before there was one list: old key -> key.
OLD_KEYS = {"housing": "home", "jobs": "work", "families": "family"}


def key(value: str | None) -> str:
    """A known key for a value from a link or a form ("" if it is not one); old keys become new ones."""
    value = OLD_KEYS.get(value or "", value or "")
    return value if value in TOPICS else ""


def label(key: str | None) -> str:
    return str(TOPICS[key][0]) if key in TOPICS else ""


def picture(key: str | None) -> str:
    return TOPICS[key][1] if key in TOPICS else "question"
