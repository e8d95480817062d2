"""A check page before a step that cannot be undone ("Close voting now", "Take it off the agenda").

The step's route answers GET with this page and POST by doing the step, so it works without
JavaScript: the button on the page before is a link here (`check_link` in _macros/ui.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request
from markupsafe import Markup, escape


@dataclass
class Check:
    title: str
    confirm: str
    back: str
    picture: str = "warning"
    style: str = "warning"  # the confirm button's look: "warning", or "primary" for a step people want
    # (picture, one short sentence) for each point, in easy read.
    points: list[tuple[str, str]] = field(default_factory=list)
    action: str = ""


def isolated(sentence: str, **words: str) -> Markup:
    """A point whose sentence holds words a person typed (a name, a title): each in `<bdi>`, so an
    English title keeps its question mark at its end on an Urdu page.
    `isolated(_("The vote is: %(title)s"), title=proposal.title)`."""
    # As the `isolate` filter (coprod/templating.py, which imports the views that import this).
    return Markup(escape(sentence)) % {name: Markup("<bdi>{}</bdi>").format(value) for name, value in words.items()}


def check_page(check: Check):
    check.action = check.action or request.path
    return render_template("check_step.html", check=check)
