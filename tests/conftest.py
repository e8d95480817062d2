"""Fixtures: an app on a real database (SQLite by default, PostgreSQL when
COPROD_TEST_DATABASE_URL is given), a fresh database per test, and helpers to act as people."""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# Before coprod is imported: everything this run writes goes to a temporary folder.
_TMP = Path(tempfile.mkdtemp(prefix="coprod-tests-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each xdist worker has its own folder and queue: the ones set by the controller's conftest are
    # inherited, and a shared queue lets one worker's test run another's jobs.
    os.environ["COPROD_INSTANCE_PATH"] = str(_TMP / "instance")
    os.environ["COPROD_QUEUE_URL"] = f"sqlite:///{_TMP / 'queue.sqlite'}"
os.environ.setdefault("COPROD_INSTANCE_PATH", str(_TMP / "instance"))
os.environ.setdefault("COPROD_QUEUE_URL", f"sqlite:///{_TMP / 'queue.sqlite'}")


from coprod import create_app  # noqa: E402
from coprod.accounts.services import issue_card  # noqa: E402
from coprod.extensions import db as _db  # noqa: E402
from coprod.models import Base, Board, Membership, Role, User  # noqa: E402


if importlib.util.find_spec("xdist"):
    def pytest_xdist_make_scheduler(config, log):
        """With `-n N --dist loadgroup` (scripts/test): the tests in tests/browser/ all go to one worker, in
        order (one demo site, one browser); every other test goes to whichever worker is free.
        (pytest-xdist's own xdist_group marks do not group anything under pytest 9.)"""
        if config.getoption("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class BrowserTestsTogether(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return "tests/browser/" if nodeid.startswith("tests/browser/") else nodeid

        return BrowserTestsTogether(config, log)


def _schema_url(base_url: str, schema: str) -> str:
    """The same PostgreSQL database, but tables live in `schema` (made empty first)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


def drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(_BASE_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


_BASE_DATABASE_URL = os.environ.get("COPROD_TEST_DATABASE_URL", "")
# Each run gets its own PostgreSQL schema, so two runs on one server never meet.
PG_SCHEMA = f"coprod_test_{os.getpid()}"
DATABASE_URL = (_schema_url(_BASE_DATABASE_URL, PG_SCHEMA) if _BASE_DATABASE_URL.startswith("postgresql")
                else f"sqlite:///{_TMP / 'test.sqlite'}")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def config_for_tests(**extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "QUEUE_IMMEDIATE": True,
        "PUBLIC_URL": "http://coprod.test",
        # No one must use an authenticator app, except in tests/test_two_factor.py.
        "REQUIRE_2FA_FOR": frozenset(),
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def app():
    app = create_app(config_for_tests())
    with app.app_context():
        Base.metadata.drop_all(_db.engine)
        Base.metadata.create_all(_db.engine)
    yield app
    with app.app_context():
        _db.engine.dispose()
    if DATABASE_URL.startswith("postgresql"):
        drop_schema(PG_SCHEMA)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts with empty tables (faster than re-creating them)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.rollback()
        for table in reversed(Base.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()


class Database:
    """Reads and writes for tests, each in its own short app context, as a separate process would.

    Tests never hold a database session open across requests: that would share `g` and the
    identity map with the app and hide bugs (and, on SQLite, hold locks)."""

    def __init__(self, app):
        self.app = app

    @contextmanager
    def context(self, request: bool = True):
        ctx = self.app.test_request_context() if request else self.app.app_context()
        with ctx:
            yield _db.session
            _db.session.commit()

    def _detached(self, value):
        if isinstance(value, Base):
            _db.session.expunge(value)
        return value

    def scalar(self, statement):
        with self.context(request=False) as session:
            return self._detached(session.scalar(statement))

    def scalars(self, statement) -> list:
        with self.context(request=False) as session:
            return [self._detached(v) for v in session.scalars(statement).unique().all()]

    def get(self, model, ident):
        with self.context(request=False) as session:
            return self._detached(session.get(model, ident))


@pytest.fixture
def db(app):
    return Database(app)


class Client:
    """A test browser: keeps cookies, finds CSRF tokens like a real form would send them.
    Each request gets its own app context, as it would in a real server."""

    def __init__(self, app, flask_client):
        self.app = app
        self.raw = flask_client
        self._csrf: tuple[str | None, str] | None = None  # (session cookie it belongs to, token)

    def get(self, url, **kwargs):
        with self.app.app_context():
            return self.raw.get(url, **kwargs)

    def _session_cookie(self) -> str | None:
        cookie = self.raw.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None

    def csrf(self) -> str:
        """The CSRF token a form on a page would carry. It belongs to the session (its secret is in the
        session cookie, and it never expires), so a page is fetched again only when the cookie changed."""
        if self._csrf is None or self._csrf[0] != self._session_cookie():
            page = self.get("/sign-in/code")
            self._csrf = (self._session_cookie(), CSRF_RE.search(page.get_data(as_text=True)).group(1))
        return self._csrf[1]

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf()
        with self.app.app_context():
            return self.raw.post(url, data=data, **kwargs)


@pytest.fixture
def client(app):
    return Client(app, app.test_client())


@pytest.fixture
def make_client(app):
    return lambda: Client(app, app.test_client())


class Factory:
    def __init__(self, app):
        self.app = app

    def board(self, slug="riverside-ld", name="Riverside Learning Disability Partnership Board") -> Board:
        with self.app.app_context():
            board = Board(slug=slug, name=name, about="We meet every 3 months.")
            _db.session.add(board)
            _db.session.commit()
            _db.session.refresh(board)
            _db.session.expunge(board)
            return board

    def person(self, name="Sam Taylor", *, board: Board | None = None, role: Role | None = Role.MEMBER,
               email=None, is_admin=False, password=None) -> User:
        from coprod.accounts.services import password_hasher

        with self.app.app_context():
            user = User(name=name, email=email, is_admin=is_admin,
                        password_hash=password_hasher.hash(password) if password else None)
            _db.session.add(user)
            _db.session.flush()
            if board is not None and role is not None:
                _db.session.add(Membership(board_id=board.id, user_id=user.id, role=role))
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    def card(self, user: User) -> tuple[str, str]:
        """A new login card for `user`: (sign-in path, typed code)."""
        with self.app.test_request_context():
            issued = issue_card(_db.session.get(User, user.id), by=None)
            _db.session.commit()
            return issued.path, issued.code


@pytest.fixture
def factory(app):
    return Factory(app)


def sign_in(client: Client, factory: Factory, user: User):
    path, _ = factory.card(user)
    response = client.post(path)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def signed_in(factory, make_client):
    """signed_in(user) -> a client signed in as that person with a login card."""
    return lambda user: sign_in(make_client(), factory, user)


# ---------------------------------------------------------------------------------------------
# The cast: the same named people in every test that needs a board with people on it
# ---------------------------------------------------------------------------------------------

@dataclass
class Cast:
    """The Riverside board (`riverside-ld`) with one person in each role, and another board.

    Tests add the extra people they need with `factory.person(..., board=cast.board)`."""

    board: Board
    other_board: Board      # `other-board`, for "not your board" checks
    secretary: User         # Helen Carter: runs the board's meetings, votes and records
    member: User            # Sam Taylor
    carer: User             # Margaret Jones (margaret@example.org)
    supporter: User         # Chris Morgan: helps members
    commissioner: User      # David Okafor: pays for services, answers questions
    admin: User             # Ravi Patel: runs the whole site, on no board
    outsider: User          # Olly Other: a member of the other board only


@pytest.fixture
def cast(factory) -> Cast:
    board = factory.board()
    other = factory.board("other-board", "Other board")
    return Cast(
        board=board,
        other_board=other,
        secretary=factory.person("Helen Carter", board=board, role=Role.SECRETARY),
        member=factory.person("Sam Taylor", board=board, role=Role.MEMBER),
        carer=factory.person("Margaret Jones", board=board, role=Role.CARER, email="margaret@example.org"),
        supporter=factory.person("Chris Morgan", board=board, role=Role.SUPPORTER),
        commissioner=factory.person("David Okafor", board=board, role=Role.COMMISSIONER),
        admin=factory.person("Ravi Patel", is_admin=True, board=None),
        outsider=factory.person("Olly Other", board=other, role=Role.MEMBER),
    )


# ---------------------------------------------------------------------------------------------
# Email: a real SMTP server on loopback
# ---------------------------------------------------------------------------------------------

class Inbox:
    """What the SMTP server received: a list of (recipients, message text)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port nobody listens on now (so parallel test workers never share one)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox(app):
    """The app sends its emails by SMTP to a real server on loopback; `smtp_inbox.messages` holds them."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(saved)
    controller.stop()


# ---------------------------------------------------------------------------------------------
# Audio: the fake speech engine and a real queue, with a worker the test runs by hand
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def audio(app, tmp_path, monkeypatch):
    """Audio files in a fresh folder, the fake engine, and a real (SQLite) queue, not immediate mode:
    jobs wait in the queue until the test calls `run_worker(audio)`."""
    from coprod.tasks import huey

    monkeypatch.setitem(app.config, "AUDIO_DIR", str(tmp_path / "audio"))
    monkeypatch.setitem(app.config, "AUDIO_ENGINE", "fake")
    huey.immediate = False
    huey.flush()
    try:
        yield app
    finally:
        huey.flush()
        huey.immediate = True


def run_worker(app, *, now_offset: float = 0) -> list:
    """Run every queued (and retry-scheduled) job, as `coprod worker` would."""
    from datetime import timedelta

    from coprod.tasks import huey

    results = []
    with app.app_context():
        for _round in range(20):
            tasks = []
            while (task := huey.dequeue()) is not None:
                tasks.append(task)
            later = huey._get_timestamp() + timedelta(seconds=3600 + now_offset)
            tasks += huey.read_schedule(later)
            if not tasks:
                return results
            for task in tasks:
                results.append(huey.execute(task, timestamp=later))
    raise AssertionError("jobs kept coming")


def queued_names() -> list[str]:
    """The names of the jobs waiting in the queue."""
    from coprod.tasks import huey

    return [task.name for task in huey.pending()]


def all_published_records(board):
    """A board's published records with their actions, the whole list: the reference the paged,
    SQL-counted lists are compared with (the site itself never reads them all)."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload, selectinload

    from coprod.extensions import db
    from coprod.models import Record, RecordStatus

    return list(db.session.scalars(
        select(Record).where(Record.board_id == board.id, Record.status == RecordStatus.PUBLISHED)
        .options(joinedload(Record.board), selectinload(Record.actions))
        .order_by(Record.published_dt.desc(), Record.id.desc())))
