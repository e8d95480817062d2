"""Flask extensions, created unbound and attached in create_app()."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from coprod.models.base import Base


def sqlite_pragmas(dbapi_connection, _connection_record) -> None:
    """Every SQLite connection enforces foreign keys (SQLite does not unless asked, so `ondelete`
    would do nothing), and writes a write-ahead log with a safe `synchronous` setting (see
    `config.sqlite_synchronous`): readers never wait for the writer, a crash never loses a commit."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    from coprod.config import sqlite_durability_pragmas

    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    sqlite_durability_pragmas(dbapi_connection)


# On every engine, the app's and any other (Alembic's, a script's, a test's own): every SQLite
# connection anywhere in the process is the same kind.
sa.event.listen(sa.engine.Engine, "connect", sqlite_pragmas)

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
