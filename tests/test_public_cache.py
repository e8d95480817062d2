"""Public pages kept in the shared cache (coprod/public_cache.py), keyed by change stamps
(coprod/change_stamps.py): never stale after a commit, 304 with the ETag, never for a signed-in
person, each language apart, and never another reader's CSRF token."""

from __future__ import annotations

import re

import pytest

from coprod.extensions import db as _db
from coprod.models import Record, RecordStatus, utcnow
from coprod.public_cache import cache
from query_count import count_queries

TRACKER = "/boards/riverside-ld/said-did"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def record_id(cast, db):
    with db.context() as session:
        record = Record(board_id=cast.board.id, title="Job coaches", said_text="We want job coaches.",
                        did_text="The council pays for 2.", status=RecordStatus.PUBLISHED, published_dt=utcnow(),
                        topic="work")
        session.add(record)
        session.flush()
        return record.id


def _statements(app, client, url, **kwargs):
    with app.app_context():
        engine = _db.engine
    with count_queries(engine) as counter:
        response = client.get(url, **kwargs)
    return response, counter.count


def test_a_second_reader_gets_the_stored_page_without_making_it_again(app, client, make_client, record_id):
    first, made = _statements(app, client, TRACKER)
    second, served = _statements(app, make_client(), TRACKER)
    assert first.status_code == second.status_code == 200
    assert "Job coaches" in second.get_data(as_text=True)
    assert served < made  # the tracker's own queries were not run again
    assert second.headers["Cache-Control"] == "private, no-cache"
    assert "Set-Cookie" not in second.headers or "session=" in second.headers["Set-Cookie"]


def test_a_change_shows_at_once_through_the_pages_and_by_hand(app, client, cast, signed_in, db, record_id):
    assert "Job coaches" in client.get(TRACKER).get_data(as_text=True)
    secretary = signed_in(cast.secretary)
    edited = secretary.post(f"{TRACKER}/{record_id}/edit", {
        "title": "Paid jobs", "said_text": "We want paid jobs.", "topic": "work", "did_text": "The council pays.",
        "did_picture": "job", "meeting": "", "proposal": ""})
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    page = client.get(TRACKER).get_data(as_text=True)
    assert "Paid jobs" in page and "Job coaches" not in page
    assert "Paid jobs" in client.get(f"{TRACKER}/{record_id}").get_data(as_text=True)

    with db.context() as session:  # a change made elsewhere (a command, the worker)
        session.get(Record, record_id).status = RecordStatus.DRAFT
    assert "Paid jobs" not in client.get(TRACKER).get_data(as_text=True)
    assert client.get(f"{TRACKER}/{record_id}").status_code == 404


def test_304_with_the_etag_and_a_new_etag_after_a_change(client, db, record_id):
    first = client.get(TRACKER)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(TRACKER, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with db.context() as session:
        session.get(Record, record_id).title = "Paid jobs"
    changed = client.get(TRACKER, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Paid jobs" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_304_when_compressed_too(client, record_id):
    first = client.get(TRACKER, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    again = client.get(TRACKER, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_signed_in_pages_are_never_served_from_the_cache(client, cast, signed_in, record_id, monkeypatch):
    client.get(TRACKER)
    monkeypatch.setattr(cache, "get", lambda key: "<html><body>FROM THE CACHE</body></html>"
                        if key.startswith("page:") else None if "stamp" not in key else "s")
    assert "FROM THE CACHE" in client.get(TRACKER).get_data(as_text=True)  # the check below means something
    member = signed_in(cast.member).get(TRACKER)
    page = member.get_data(as_text=True)
    assert "FROM THE CACHE" not in page and "Job coaches" in page
    assert member.headers["Cache-Control"] == "no-store" and "ETag" not in member.headers


def test_two_languages_are_kept_apart(client, make_client, record_id):
    for _round in range(2):  # made, then from the cache
        welsh = make_client().get(TRACKER, headers={"Accept-Language": "cy"}).get_data(as_text=True)
        english = make_client().get(TRACKER, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert '<html lang="cy"' in welsh and '<html lang="en"' in english


def test_each_reader_gets_their_own_csrf_token_and_it_works(app, make_client, record_id):
    first, second = make_client(), make_client()
    first_token = CSRF.search(first.get(TRACKER).get_data(as_text=True)).group(1)
    page = second.get(TRACKER).get_data(as_text=True)
    second_token = CSRF.search(page).group(1)
    assert "__coprod_" not in page
    assert first_token != second_token
    keys = re.findall(r'name="submission_key" value="([^"]+)"', page)
    assert keys and len(set(keys)) == len(keys)
    switched = second.post("/language", {"locale": "cy", "next": TRACKER, "csrf_token": second_token})
    assert switched.status_code == 302
    assert '<html lang="cy"' in second.get(TRACKER).get_data(as_text=True)


def test_a_waiting_message_is_shown_not_the_stored_page(client, cast, signed_in, record_id):
    client.get(TRACKER)
    signed_out = signed_in(cast.member)
    signed_out.post("/sign-out")
    page = signed_out.get(TRACKER).get_data(as_text=True)
    assert "Job coaches" in page


def test_addresses_with_made_up_words_are_not_stored(client, record_id, monkeypatch):
    stored = []
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: (stored.append(key), real_set(key, *args, **kwargs)))
    for i in range(5):
        assert client.get(f"{TRACKER}?x={i}").status_code == 200
    assert not [key for key in stored if key.startswith("page:")]
    assert "ETag" not in client.get(f"{TRACKER}?x=9").headers
    assert "ETag" in client.get(f"{TRACKER}?status=late&page=1").headers
    assert [key for key in stored if key.startswith("page:")]


def test_a_change_renews_only_its_own_boards_stamp_and_signing_in_renews_none(app, cast, signed_in, record_id):
    from coprod import change_stamps

    def stamps():
        with app.app_context():
            return {scope: change_stamps.current(scope) for scope in
                    ("site", "pages:riverside-ld", "data:riverside-ld", "pages:other-board", "data:other-board")}

    before = stamps()
    secretary = signed_in(cast.secretary)  # a sign-in writes rows nobody public sees
    assert stamps() == before
    edited = secretary.post(f"{TRACKER}/{record_id}/edit", {
        "title": "Paid jobs", "said_text": "We want paid jobs.", "topic": "work", "did_text": "The council pays.",
        "did_picture": "job", "meeting": "", "proposal": ""})
    assert edited.status_code == 302
    after = stamps()
    changed = {scope for scope in before if before[scope] != after[scope]}
    assert changed == {"pages:riverside-ld", "data:riverside-ld"}


def test_a_cache_that_is_down_costs_speed_not_answers(client, record_id, monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("the cache is down")

    for name in ("get", "set", "add"):
        monkeypatch.setattr(cache, name, down)
    page = client.get(TRACKER)
    assert page.status_code == 200 and "Job coaches" in page.get_data(as_text=True)
    data = client.get(TRACKER + "/records.json")
    assert data.status_code == 200 and "Job coaches" in data.get_data(as_text=True)


@pytest.mark.parametrize("path", [TRACKER, "/boards/riverside-ld", "/boards/riverside-ld/said-did/dashboard",
                                  "/boards/riverside-ld/meetings"])
def test_the_stored_page_is_the_page_made_for_the_reader(make_client, record_id, path):
    """Made, then from the cache for another reader: the same, but for each reader's own secrets."""
    def plain(html):
        html = CSRF.sub('name="csrf_token" value="x"', html)
        return re.sub(r'name="submission_key" value="[^"]+"', 'name="submission_key" value="x"', html)

    made = make_client().get(path)
    served = make_client().get(path)
    assert made.status_code == served.status_code == 200
    assert made.headers["ETag"] != served.headers["ETag"]  # each reader's own token is in it
    assert plain(made.get_data(as_text=True)) == plain(served.get_data(as_text=True))
