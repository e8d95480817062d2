"""Wires extensions, blueprints, hooks and template helpers onto an app."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from coprod import i18n, pictures
from coprod.extensions import babel, csrf, db, login_manager, migrate
from coprod.permissions import enforce_access
from coprod.transactions import rollback
from coprod.security import add_security_headers
from coprod.paths import PROJECT_ROOT


def init_web(app: Flask) -> None:
    if app.config.get("PROXY_COUNT"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=1)
    from coprod.compression import init_compression
    from coprod.converters import init_converters

    # First, so that its after_request hook runs last (Flask runs them in reverse): it compresses
    # the page as every other hook left it.
    init_compression(app)
    from coprod.public_cache import init_public_cache

    # Next: its hook that gives cached pages their ETag runs after every other but compression.
    init_public_cache(app, late=False)

    init_converters(app)
    db.init_app(app)
    # Batch mode lets later migrations alter tables on SQLite too.
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "coprod" / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    # Sign-ins are rows in the database that can be ended anywhere (accounts/sessions.py). Flask-Login's
    # "basic" protection only marks a session "not fresh", which nothing here uses, at a hash per request.
    login_manager.session_protection = None

    from coprod.accounts import sessions

    login_manager.user_loader(sessions.load_user)

    from coprod.transactions import init_transactions

    init_transactions(app)

    from coprod.accounts.views import blueprint as accounts
    from coprod.admin.views import blueprint as admin
    from coprod.boards.views import blueprint as boards
    from coprod.groups.views import blueprint as groups
    from coprod.meetings.views import blueprint as meetings
    from coprod.glossary.views import blueprint as glossary
    from coprod.questions.views import blueprint as questions
    from coprod.votes.views import blueprint as votes
    from coprod.main.views import blueprint as main
    from coprod.follow.views import blueprint as follow
    from coprod.easyread.views import blueprint as easyread
    from coprod.content.views import blueprint as content
    from coprod.my_data.views import blueprint as my_data
    from coprod.reminders.views import blueprint as reminders
    import coprod.reminders.tasks  # noqa: F401  (registers the reminder jobs with the queue)
    from coprod.safeguarding.views import blueprint as safeguarding
    from coprod.payments.views import blueprint as payments

    for blueprint in (main, accounts, boards, groups, votes, meetings, questions, glossary, follow, easyread, content,
                      admin, my_data, reminders, safeguarding, payments, pictures.blueprint):
        app.register_blueprint(blueprint)

    app.before_request(enforce_access)

    from coprod.submissions import init_submissions

    init_submissions(app)

    from coprod.audio.views import init_audio

    init_audio(app)
    add_security_headers(app)
    _register_error_pages(app)
    from coprod import templating

    templating.register(app)

    from coprod.cli import register_cli

    register_cli(app)
    # Last: its lookup runs before every other hook (before any SQL), and it stores a page before
    # the Listen control is added.
    init_public_cache(app, late=True)

    if app.config.get("QUEUE_IMMEDIATE"):
        from coprod.tasks import huey

        huey.immediate = True


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        rollback()
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        rollback()
        if error.code in (301, 302, 303, 307, 308) or error.code is None:
            return error
        template = {403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html",
                    429: "errors/429.html"}.get(
            error.code, "errors/other.html"
        )
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        rollback()
        app.logger.exception("unhandled error on %s", request.path)
        return render_template("errors/500.html"), 500
