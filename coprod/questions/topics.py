"""What a question can be about when it is not about an agenda item: topics with pictures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# key -> (label, picture). Keys are stored on questions: add new ones, never rename.
TOPICS = {
    "home": (_l("Where I live"), "house"),
    "health": (_l("Health and doctors"), "hospital"),
    "work": (_l("Jobs and things to do in the day"), "job"),
    "money": (_l("Money and benefits"), "page"),
    "family": (_l("Family carers"), "family"),
    "safe": (_l("Being safe"), "safe"),
    "getting-about": (_l("Getting about"), "place"),
    "other": (_l("Something else"), "question"),
}


def label(key: str | None) -> str:
    return str(TOPICS[key][0]) if key in TOPICS else ""


def picture(key: str | None) -> str:
    return TOPICS[key][1] if key in TOPICS else "question"
