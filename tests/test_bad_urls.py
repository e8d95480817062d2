"""Bad URLs give 404, never 500 (issue 12, finding 4), signed out and signed in as a secretary.

Every route pattern in `app.url_map` is driven with ids of 2^31 and more (PostgreSQL: "integer out
of range"; SQLite: beyond 2^63 Python cannot even send them) and with NUL and other control
characters in slugs, words and tokens. Run on PostgreSQL too: COPROD_TEST_DATABASE_URL=...
`COPROD_BAD_URL_EXAMPLES` sets how many generated URLs per person (100 by default)."""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import sign_in
from coprod.models import Role

EXAMPLES = int(os.environ.get("COPROD_BAD_URL_EXAMPLES", "100"))
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
BIG_IDS = [2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]
ODD_WORDS = ["\x00", "a\x00b", "riverside-ld\x00", "\x01", "\t", "\n", "\x1b[31m", "\x7f", "\x85", "%00",
             "%", "..", "' OR 1=1 --", "é" * 300, "x" * 5000, "\u202e", "\ufeff", "\ud7ff"]


def _routes(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            rules.append((rule.rule, method))
    return sorted(set(rules))


def _url(pattern: str, odd: dict[str, str]) -> str:
    """The pattern with sane values (a real board, id 1), except the arguments in `odd` (raw, encoded here)."""
    def fill(match):
        converter, name = match.group(1) or "default", match.group(2)
        if name in odd:
            return quote(odd[name], safe="")
        return "1" if converter == "int" else ("riverside-ld" if name == "slug" else "word")
    return ARGUMENT.sub(fill, pattern)


def _arguments(pattern: str) -> list[tuple[str, str]]:
    return [(m.group(1) or "default", m.group(2)) for m in ARGUMENT.finditer(pattern)]


@pytest.fixture
def people(factory, make_client):
    board = factory.board("riverside-ld", "Riverside LD board")
    secretary = factory.person("Helen Carter", board=board, role=Role.SECRETARY)
    return {"signed out": make_client(), "secretary": sign_in(make_client(), factory, secretary)}


def _ask(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


def _check(app, people, cases):
    failures = []
    for who, client in people.items():
        for method, url in cases:
            response = _ask(client, method, url)
            if response.status_code >= 500:
                failures.append(f"{who}: {method} {url[:120]} -> {response.status_code}")
    assert failures == [], f"{len(failures)} server errors, e.g.:\n" + "\n".join(failures[:20])


def test_every_route_with_extreme_ids_and_control_characters(app, people):
    routes = _routes(app)
    assert len(routes) > 100, "every route pattern of the app"
    cases = []
    for pattern, method in routes:
        for converter, name in _arguments(pattern):
            values = [str(v) for v in BIG_IDS] if converter == "int" else ODD_WORDS
            cases += [(method, _url(pattern, {name: value})) for value in values]
    assert len(cases) > 500
    _check(app, people, cases)


def test_the_urls_from_the_issue_are_404(people):
    for client in people.values():
        for url in ("/boards/%00", "/jargon-buster/%00", "/boards/riverside-ld/said-did/2147483648",
                    "/boards/riverside-ld/people/2147483648", "/boards/riverside-ld/said-did/99999999999999999999"):
            assert client.get(url).status_code == 404, url
        for url in ("/pictures?q=%00", "/jargon-buster?q=a%00b", "/boards/riverside-ld/said-did?topic=%00"):
            assert client.get(url).status_code == 200, url  # the NUL is dropped from the query


def test_ids_in_range_still_reach_their_pages(people):
    assert people["secretary"].get("/boards/riverside-ld/people/2147483647").status_code == 404
    assert people["secretary"].get("/boards/riverside-ld/people").status_code == 200
    assert people["signed out"].get("/boards/riverside-ld").status_code == 200
    # A search box may hold a tab or a new line: still a page.
    assert people["signed out"].get("/pictures?q=bus%09stop").status_code == 200


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_urls_never_give_a_server_error(app, people, data):
    pattern, method = data.draw(st.sampled_from(_routes(app)), label="route")
    odd = {}
    for converter, name in _arguments(pattern):
        if converter == "int":
            odd[name] = str(data.draw(st.one_of(st.integers(min_value=-10, max_value=10**40),
                                                st.sampled_from(BIG_IDS)), label=name))
        else:
            odd[name] = data.draw(st.text(min_size=1, max_size=300), label=name)
    who = data.draw(st.sampled_from(sorted(people)), label="who")
    response = _ask(people[who], method, _url(pattern, odd))
    assert response.status_code < 500, (who, method, _url(pattern, odd)[:200])
