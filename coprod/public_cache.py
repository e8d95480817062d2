"""Public pages that many people read, made once per change and kept in a shared cache.

A signed-out GET of one of the pages in `PAGES` is looked up in the cache before anything else runs
(before any SQL, so that the page is never stored under a newer change stamp than its data, see
coprod/change_stamps.py). The key is the address with its query, the language, the reader's text
size and contrast, the board's and the site's change stamps, and the day (or the minute, for pages
that change by the clock: a vote opens and closes at its set time, a meeting starts).

- Shared by every process: files in the instance folder (embedded default), or Redis when
  COPROD_CACHE_URL (or a redis:// COPROD_QUEUE_URL) is set. Nothing is kept in one process.
- Never for a signed-in person (their pages hold personal bits), nor when a message waits to be
  shown (flashed), nor for the worker making Listen audio.
- The secrets in every page's forms (the CSRF token and the one-time submission key of the
  language switch) are taken out before a page is stored and put back for each reader with their
  own: a cached page never carries another person's token. The Listen control is added for each
  reader (coprod/audio/views.py), after the cache, as the audio may become ready later.
- ETags: a weak ETag of the page as stored (before its secrets are put back) and the reader's own
  CSRF token, with `Cache-Control: private, no-cache`: the browser asks again each time and gets a
  304 without the page while nothing changed. Not `public`: the page depends on the language and
  text size kept in the reader's cookie.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timezone

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user

from coprod import change_stamps
from coprod.accounts.sessions import SESSION_KEY

cache = Cache()

# Endpoint -> how long a page can be right without a change in the database: "day" (late actions
# become late at midnight) or "minute" (votes and meetings open and close by the clock). A vote's live
# results and room screen are not here: every vote changes them (and votes renew no stamp).
PAGES = {
    "boards.board": "minute",
    "follow.tracker": "day",
    "follow.record": "minute",
    "follow.dashboard": "day",
    "follow.open_data": "day",
    "meetings.index": "minute",
    "meetings.meeting": "minute",
    "meetings.pack": "minute",
    "meetings.came_back_list": "day",
}

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]*(")')
CSRF_HOLE = "__coprod_csrf__"
SUBMISSION_VALUE = re.compile(r'(name="submission_key" value=")[^"]*(")')
SUBMISSION_HOLE = "__coprod_submission__"


# The words these pages read from the address. An address with others (or a very long one) is made
# as usual but not stored: random additions must not fill the cache with copies of one page.
QUERY_NAMES = frozenset({"lang", "page", "status", "topic", "meeting"})
MAX_QUERY = 200


def _is_candidate() -> bool:
    return (request.method in ("GET", "HEAD") and request.endpoint in PAGES
            and SESSION_KEY not in session and "_flashes" not in session
            and "coprod.audio.collect" not in request.environ
            and len(request.query_string) <= MAX_QUERY and set(request.args) <= QUERY_NAMES)


def _key() -> str:
    slug = (request.view_args or {}).get("slug", "")
    if PAGES[request.endpoint] == "day":
        from coprod.follow.services import today

        when = today().isoformat()
    else:
        when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M")
    parts = [change_stamps.stamp_of(change_stamps.pages(slug)) if slug else change_stamps.stamp_of(),
             str(get_locale() or "en"), session.get("text_size", "normal"), session.get("contrast", "normal"),
             when, request.full_path]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _look_up():
    """before_request, first of all: the stored page, or a note to store this one."""
    if not _is_candidate():
        return None
    try:
        key = _key()
        stored = cache.get(key)
    except Exception:  # a cache that is down: the page is made as if there were none
        current_app.logger.exception("public cache: could not read")
        return None
    g.public_cache = key
    if stored is None:
        return None
    g.public_cache_hit = True
    return Response(stored, mimetype="text/html")


def _store(response: Response) -> Response:
    """after_request, before the Listen control is added: keep the page, its secrets taken out."""
    key = g.get("public_cache")
    if key is None or g.get("public_cache_hit"):
        return response
    if (response.status_code != 200 or response.mimetype != "text/html" or response.direct_passthrough
            or current_user.is_authenticated or g.get("refused")):
        g.public_cache = None
        return response
    html = SUBMISSION_VALUE.sub(rf"\g<1>{SUBMISSION_HOLE}\g<2>", CSRF_VALUE.sub(rf"\g<1>{CSRF_HOLE}\g<2>",
                                                                               response.get_data(as_text=True)))
    try:
        cache.set(key, html)
    except Exception:
        current_app.logger.exception("public cache: could not store")
    response.set_data(html)
    return response


def _fill(response: Response) -> Response:
    """after_request, after the Listen control and before compression: the reader's own secrets,
    the ETag, and a 304 when the browser has this page already."""
    if g.get("public_cache") is None or response.status_code != 200 or response.mimetype != "text/html":
        return response
    from flask_wtf.csrf import generate_csrf

    html = response.get_data(as_text=True)
    token = generate_csrf()  # the reader's own (made now if they have none; it goes in their cookie)
    raw = session.get("csrf_token", "")
    response.set_etag(hashlib.sha256(f"{raw}\n{html}".encode()).hexdigest()[:32], weak=True)
    html = html.replace(CSRF_HOLE, token)
    while SUBMISSION_HOLE in html:
        html = html.replace(SUBMISSION_HOLE, secrets.token_urlsafe(24), 1)
    response.set_data(html)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def read_page(html: str):
    """What a public page says, for its Listen control (coprod/audio/text.py read_page), kept in the
    shared cache by the page's digest: reading a big page again on every visit cost more than the
    rest of a cached page. Only public pages: what a signed-in person's page says is never stored."""
    from coprod.audio.text import read_page as read

    key = "spoken:" + hashlib.sha256(html.encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:
        found = None
    if found is None:
        found = read(html)
        try:
            cache.set(key, found)
        except Exception:
            current_app.logger.exception("public cache: could not store")
    return found


def forget_everything() -> None:
    """Delete every stored page and spoken text, now (after an erasure). A new site stamp already
    keeps them from being served, but a page that showed the person must not stay on the disk (or
    in Redis) until it expires a day later. The change stamps go too: they are made again, new."""
    try:
        cache.clear()
    except Exception:  # the erasure is saved; say so plainly, the pages expire within a day
        current_app.logger.exception("public cache: could not empty it after an erasure")


def init_public_cache(app: Flask, *, late: bool) -> None:
    """Called twice from coprod/web.py: first (`late=False`) right after compression, so that `_fill`
    runs after every other hook but compression; then (`late=True`) after everything else, so that
    `_look_up` runs before every other hook and `_store` before the Listen control is added."""
    if not late:
        cache.init_app(app)  # settings: coprod/config.py cache_settings()
        change_stamps.listen()
        app.after_request(_fill)
        return
    app.before_request_funcs.setdefault(None, []).insert(0, _look_up)
    app.after_request(_store)
