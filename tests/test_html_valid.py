"""Every page is valid HTML: the Nu Html Checker (vnu, the W3C validator) finds no errors.

The demo boards are loaded into the test database; then, through the Flask test client, every demo
role (and someone signed out) follows every link from "/" as the accessibility crawl does (at most
two addresses per pattern), the member does it again in Welsh and in Urdu, and the forms are sent
empty to see them with their messages. All the pages are checked by one vnu run (it is slow to
start). scripts/setup.sh --with-tests installs vnu (npm `vnu-jar`, into .tools/) and Java.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from sqlalchemy import select

from conftest import DATABASE_URL
from coprod.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

VNU_JAR = Path(os.environ.get("COPROD_VNU_JAR", PROJECT_ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"))
ROLES = ["admin", "secretary", "commissioner", "member", "carer", "supporter"]
MAX_PER_PATTERN = 2
# The same pages the accessibility crawl leaves out: files, data and the JSON API, and links that
# would sign someone out or change something.
NOT_PAGES = re.compile(r"^/(static|audio|api)/|^/account/my-data/\d+/file$|^/pictures/(files/|new/|[^/]+\.svg)|\.(csv|json|atom|svg|png|mp3|wav|pdf)$",
                       re.IGNORECASE)
STATE_CHANGING = re.compile(r"/(sign-out|signout|logout|log-out|language|revoke|delete|remove|stop|cards?)(/|$)"
                            r"|/sign-in/link/", re.IGNORECASE)
# Forms sent empty, to check them showing their messages: (who, path).
EMPTY_FORMS = [
    (None, "/sign-in/code"), (None, "/sign-in/email"), (None, "/sign-in/password"),
    ("secretary", "/boards/riverside-ld/people/new"), ("secretary", "/boards/riverside-ld/said-did/new"),
    ("secretary", "/pictures/new"), ("secretary", "/boards/riverside-ld/said-did/{record}/actions/new"),
    ("secretary", "/boards/riverside-ld/said-did/{record}/actions/{action}"), ("secretary", "/jargon-buster/new"),
    ("secretary", "/boards/riverside-ld/languages/record/{record}/version"),
    ("secretary", "/boards/riverside-ld/languages/record/{record}/checked/en"),
    ("secretary", "/boards/riverside-ld/meetings/new"), ("secretary", "/boards/riverside-ld/proposals/new"),
    ("member", "/helping"), ("member", "/settings"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/code"),
    ("secretary", "/boards/riverside-ld/meetings/{meeting}/check-in/scan"),
    # (The board's reminders form sent empty is valid: every reminder off. Its page is crawled.)
    ("member", "/settings/reminders"),
    # Safeguarding: the secretary's choice of lead, and the lead's note (the demo's concern, as the admin).
    ("secretary", "/boards/riverside-ld/safeguarding/lead"), ("admin", "/safeguarding/{concern}/notes"),
    # Involvement payments: the claim, the answer to the secretary's question, the question, the amounts.
    ("member", "/boards/riverside-ld/meetings/{claimed_meeting}/payment"),
    ("carer", "/boards/riverside-ld/meetings/{claimed_meeting}/payment/answer"),
    ("secretary", "/boards/riverside-ld/payments/{claim}"), ("secretary", "/boards/riverside-ld/payments/amounts"),
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(page: str, url: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    found = []
    for href in parser.hrefs:
        absolute = urljoin("http://localhost" + url, href).split("#", 1)[0]
        parts = urlsplit(absolute)
        if parts.scheme != "http" or parts.netloc != "localhost":
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _pattern(url: str) -> str:
    """/boards/x/people/12?page=3 -> /boards/x/people/{id}?page={id}"""
    parts = urlsplit(url)
    path = "/".join("{id}" if seg.isdigit() else seg for seg in (parts.path or "/").split("/"))
    query = sorted((k, "{id}" if v.isdigit() else v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")


def _crawl(client, who: str, pages: dict[str, str], problems: list[str]) -> int:
    """Breadth-first from "/"; each HTML page is added to `pages` (who and address -> HTML)."""
    queue, seen, per_pattern, count = deque(["/"]), {"/"}, Counter({"/": 1}), 0
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = urlsplit(urljoin("http://localhost" + url, response.headers["Location"]))
            target_url = target.path + (f"?{target.query}" if target.query else "")
            if target.netloc in ("", "localhost") and target_url not in seen:
                seen.add(target_url)
                queue.append(target_url)
            continue
        if response.status_code >= 500:
            problems.append(f"{who} {url}: HTTP {response.status_code}")
        if not response.mimetype == "text/html":
            continue
        page = response.get_data(as_text=True)
        pages[f"{who} {url}"] = page
        count += 1
        for link in _links(page, url):
            path = urlsplit(link).path
            if link in seen or NOT_PAGES.search(path) or STATE_CHANGING.search(path):
                continue
            seen.add(link)
            if per_pattern[_pattern(link)] >= MAX_PER_PATTERN:
                continue
            per_pattern[_pattern(link)] += 1
            queue.append(link)
    return count


def _vnu(folder: Path) -> list[dict]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        pytest.fail(f"the Nu Html Checker is not installed (java: {java}, {VNU_JAR}): run scripts/setup.sh --with-tests")
    done = subprocess.run([java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout",
                           "--exit-zero-always", str(folder)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)["messages"]


@pytest.fixture
def demo(app):
    if DATABASE_URL.startswith("postgresql"):
        pytest.skip("pages do not depend on the database engine: they are checked in the SQLite pass")
    from coprod.demo import load_demo
    from coprod.extensions import db

    with app.app_context(), app.test_request_context():  # the demo's links are built with url_for
        lines = load_demo()
        db.session.commit()
    return {role: path for role, _name, path in lines}


def test_every_page_is_valid_html(app, demo, make_client, tmp_path):
    from coprod.extensions import db
    from coprod.models import Action

    clients = {None: make_client()}
    for role in ROLES:
        clients[role] = make_client()
        assert clients[role].post(demo[role]).status_code == 302, f"{role} could not sign in"

    pages: dict[str, str] = {}
    problems: list[str] = []
    per_role = {role or "signed-out": _crawl(clients[role], role or "signed-out", pages, problems)
                for role in [None, *ROLES]}
    for language in ("cy", "ur"):
        member = make_client()
        member.post(demo["member"])
        assert member.post("/language", {"locale": language, "next": "/"}).status_code == 302
        per_role[f"member-{language}"] = _crawl(member, f"member-{language}", pages, problems)
        member.post("/language", {"locale": "en", "next": "/"})

    with app.app_context():
        action = db.session.scalar(select(Action).order_by(Action.record_id, Action.id).limit(1))
        from coprod.models import Board, Meeting, SafeguardingConcern

        meeting = db.session.scalar(select(Meeting.id).join(Board, Board.id == Meeting.board_id)
                                    .where(Board.slug == "riverside-ld").order_by(Meeting.id).limit(1))
        from coprod.models import PaymentClaim

        claim = db.session.scalar(select(PaymentClaim).order_by(PaymentClaim.id).limit(1))
        ids = {"record": action.record_id, "action": action.id, "meeting": meeting,
               "concern": db.session.scalar(select(SafeguardingConcern.id).limit(1)),
               "claim": claim.id, "claimed_meeting": claim.meeting_id}
    for who, path in EMPTY_FORMS:
        url = path.format(**ids)
        response = clients[who].post(url, {}, content_type="multipart/form-data")
        # The form again with its messages (some forms answer 400 Bad Request with it).
        assert response.status_code in (200, 400) and response.mimetype == "text/html", \
            f"{who} POST {url}: {response.status_code}"
        pages[f"{who or 'signed-out'} POST {url}"] = response.get_data(as_text=True)
    per_role["empty forms"] = len(EMPTY_FORMS)

    files = {}
    for number, (where, page) in enumerate(pages.items()):
        path = tmp_path / f"page-{number:04d}.html"
        path.write_text(page, encoding="utf-8")
        files[path.name] = where
    errors = _vnu(tmp_path)
    found = [f"{files.get(e.get('url', '').rsplit('/', 1)[-1], e.get('url'))} (line {e.get('lastLine')}): {e['message']}\n"
             f"    {e.get('extract', '').strip()[:160]}" for e in errors]
    by_message = Counter(re.sub(r"“[^”]*”", "“…”", e["message"]) for e in errors)
    distinct = len({where.split(" ", 1)[1] for where in pages})
    print(f"\nvnu: {len(pages)} pages checked, {distinct} distinct addresses ({per_role}); {len(errors)} errors on "
          f"{len({e.get('url') for e in errors})} pages; {dict(by_message)}")
    assert not problems, "\n".join(problems)
    assert not found, f"{len(found)} HTML errors:\n" + "\n".join(found[:60])
