"""The `coprod` command: demo data, serving the site, the worker, and Flask's own commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(national_data)
    app.cli.add_command(serve)
    app.cli.add_command(worker)
    app.cli.add_command(migrate_db)
    app.cli.add_command(retention_command)
    from coprod import backup

    backup.register(app)
    from coprod.privacy import erasure

    erasure.register(app)


def _upgrade() -> None:
    """Migrate, then add any starter jargon buster words the site does not have yet."""
    from flask_migrate import upgrade

    from coprod.accounts.services import upgrade_card_hashes
    from coprod.backup import finish_interrupted_restore
    from coprod.extensions import db
    from coprod.glossary.services import load_starter

    finish_interrupted_restore()  # a restore stopped mid-swap by a crash is finished first
    upgrade()
    with current_app.test_request_context():
        load_starter()
        # Cards made before keyed hashes: key them now, so no plain SHA-256 of a code is left.
        upgrade_card_hashes()
        db.session.commit()


@click.command("migrate")
def migrate_db():
    """Bring the database up to date (safe to run again)."""
    _upgrade()
    click.echo("Database is up to date.")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed; change nothing.")
@with_appcontext
def retention_command(dry_run: bool):
    """Remove personal data past its time now (the worker does it every day), and say how much."""
    from coprod.extensions import db
    from coprod.privacy import retention

    removed = retention.run(dry_run=dry_run)
    retention.report(removed, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    for kind, counts in removed.items():
        click.echo(f"{kind.replace('_', ' ')}: " + ", ".join(f"{name.replace('_', ' ')} {number}" for name, number in counts.items()))
    click.echo(f"{verb} {retention.total(removed)} in all")


@click.command("demo-data")
@click.option("--reset", is_flag=True, help="Empty the database first.")
def demo_data(reset: bool):
    """Fill the database with a demo board. Prints ROLE NAME SIGN-IN-LINK for each person."""
    from coprod.demo import load_demo, load_demo_authenticators

    _upgrade()
    # Links are built with url_for, which needs a request context even from the command line.
    with current_app.test_request_context():
        lines = load_demo(reset=reset)
        demo_secrets = load_demo_authenticators()
    for role, name, path in lines:
        click.echo(f"{role} {name} {path}")
    # Staff who must use an authenticator app (COPROD_REQUIRE_2FA_FOR) have one set up: add the key
    # to an authenticator app (or compute codes with pyotp) to sign in as them. On stderr, so the
    # sign-in lines above stay the only lines on stdout.
    for name, secret in demo_secrets:
        click.echo(f"authenticator-app {name} {secret}", err=True)


@click.command("national-data")
@click.option("--scale", "scale_name", type=click.Choice(["national", "board", "tiny"]), default="national",
              show_default=True, help="national: 150 boards, 50,000 people, 1,000,000 votes; board: one big board; "
                                      "tiny: a few of each, for a test.")
@click.option("--reset", is_flag=True, help="Empty the database first.")
@click.option("--seed", default=15, show_default=True, type=int, help="The same seed makes the same data.")
def national_data(scale_name: str, reset: bool, seed: int):
    """Fill the database with a synthetic data set for benchmarks (never on a real site)."""
    import time

    from coprod import national
    from coprod.extensions import db

    _upgrade()
    started = time.monotonic()
    if reset:
        from coprod.glossary.services import load_starter

        national.empty_database()
        with current_app.test_request_context():
            load_starter()  # the jargon buster's words, as a site has them
    try:
        counts = national.make(scale_name, seed=seed, say=lambda line: click.echo(line, err=True))
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(" ".join(f"{name}={number}" for name, number in counts.as_dict().items()))
    click.echo(f"made in {time.monotonic() - started:.1f} s", err=True)


@click.command("serve")
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Use 0.0.0.0 to let tablets on your network reach it.")
@click.option("--workers", default=2, show_default=True, type=int, help="Web processes.")
@click.option("--with-worker/--no-worker", default=True, show_default=True,
              help="Also run the background worker (email, audio) beside the site.")
def serve(port: int, host: str, workers: int, with_worker: bool):
    """Serve the site with gunicorn, after migrating the database."""
    _upgrade()
    env = dict(os.environ, COPROD_INSTANCE_PATH=current_app.instance_path)
    web = subprocess.Popen([
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{host}:{port}",
        # The access log goes through coprod.logs: no card or sign-in link token in it.
        "--access-logfile", "-", "--logger-class", "coprod.logs.RedactingGunicornLogger", "coprod.wsgi:app",
    ], env=env)
    children = [web]
    if with_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "coprod.cli", "worker"], env=env))
    click.echo(f"Coprod is running at http://{host}:{port}/  (press Ctrl+C to stop)")

    def stop(*_):
        for child in children:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        web.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            child.wait(timeout=20)


@click.command("worker")
@click.option("--threads", default=2, show_default=True, type=int)
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also start the daily jobs (removing data past its time). With several workers, "
                   "leave them on for one worker only.")
def worker(threads: int, periodic: bool):
    """Run background jobs (email now, audio later). Run several at scale with a Redis queue."""
    from huey.consumer import Consumer

    from coprod.tasks import huey

    # Poll an idle SQLite queue four times a second, so audio is ready soon after a change
    # (Redis blocks on its queue instead of polling).
    Consumer(huey, workers=threads, worker_type="thread", max_delay=0.25, periodic=periodic).run()


def main() -> None:
    from coprod import create_app

    FlaskGroup(create_app=create_app, help="Coprod: ask, decide and follow.")(prog_name="coprod")


if __name__ == "__main__":
    main()
