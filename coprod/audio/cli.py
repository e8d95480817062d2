"""`coprod audio`: how much audio is ready, making it again, and cleaning up."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("audio")
def audio_command():
    """Spoken audio of the pages."""


def _report() -> None:
    from coprod.audio import making

    counts = making.status_counts()
    click.echo(f"ready {counts['ready']}, missing {counts['missing']}, failed {counts['failed']}")


@audio_command.command("status")
@with_appcontext
def status():
    """How many clips are ready, missing (asked for, not made yet) or failed, and why."""
    from sqlalchemy import select

    from coprod.extensions import db
    from coprod.models import AudioClip, ClipStatus

    _report()
    failed = db.session.scalars(select(AudioClip).where(AudioClip.status == ClipStatus.FAILED)
                                .order_by(AudioClip.updated_dt.desc()).limit(5))
    for clip in failed:
        click.echo(f"failed {clip.key[:12]} {clip.language} {clip.speed}: {clip.error}")


@audio_command.command("remake")
@click.option("--all", "everything", is_flag=True, help="Make every clip again, even those that are ready.")
@click.option("--queue", is_flag=True, help="Leave the work to the workers instead of doing it here.")
@with_appcontext
def remake(everything: bool, queue: bool):
    """(Re)make the audio of every clip the site knows and of the public pages, then report."""
    from coprod.audio import making, tasks
    from coprod.audio.clips import queue_now

    specs = making.all_specs(only_not_ready=not everything)
    public_pages = site_pages()
    if queue:
        for spec in specs:
            queue_now(tasks.make_audio_clip, spec.as_job())
        queue_now(tasks.prepare_page_audio, public_pages)
        click.echo(f"queued {len(specs)} clip(s) and {len(public_pages)} page(s) for the workers")
    else:
        with click.progressbar(specs, label=f"making {len(specs)} clip(s)", file=sys.stderr) as bar:
            for spec in bar:
                (making.remake if everything else making.make_clip_quietly)(spec)
        making.prepare_pages(public_pages)
    _report()


@audio_command.command("cleanup")
@click.option("--days", type=int, default=None, help="Keep clips used in this many days (default AUDIO_KEEP_DAYS).")
@with_appcontext
def cleanup(days: int | None):
    """Remove clips no page has used for a while, and files no clip knows."""
    from coprod.audio import making

    removed = making.cleanup(days)
    click.echo(f"removed {removed['clips_removed']} clip(s) and {removed['files_removed']} file(s)")
    _report()


def site_pages() -> list[str]:
    """Pages anyone can see whose URL needs no arguments, plus every board's page."""
    from sqlalchemy import select

    from coprod.extensions import db
    from coprod.models import Board
    from coprod.permissions import PUBLIC, access_for_endpoint

    paths = []
    for rule in current_app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and access_for_endpoint(rule.endpoint) is PUBLIC:
            paths.append(rule.rule)
    paths += [f"/boards/{slug}" for slug in db.session.scalars(select(Board.slug))]
    return sorted(set(paths) - {"/sign-out"})
