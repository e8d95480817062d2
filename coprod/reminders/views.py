"""Reminders: a person's own choice (My settings), and a board secretary's. Thin: rules in services."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod import audit, paging
from coprod.easyread import review as easyread
from coprod.extensions import db
from coprod.models import ReminderHow, ReminderKind, Role, SentStatus, User
from coprod.permissions import ADMIN, SIGNED_IN, access, board_roles
from coprod.reminders import letters, notify, phone, postal, services, words
from coprod.reminders.forms import HOW_PICTURES, BoardRemindersForm, ReminderChoiceForm

blueprint = Blueprint("reminders", __name__)

SECRETARY = board_roles(Role.SECRETARY)


@blueprint.route("/settings/reminders", methods=["GET", "POST"])
@access(SIGNED_IN)
def mine():
    """How I get reminders: email, text message, both or none; and a copy to my supporter or carer.
    Only the person (and whoever is helping them, recorded in the audit log) and site admins see it."""
    choice = services.choice_for(current_user.id)
    form = ReminderChoiceForm()
    form.has_email = bool(current_user.email)
    if request.method == "GET":
        # Not chosen yet: email if they have an address (what they get now), else none.
        form.how.data = choice.how.value if choice else (services.DEFAULT_HOW.value if current_user.email
                                                         else ReminderHow.NONE.value)
        if choice is not None:
            form.mobile.data = phone.shown(choice.mobile)
            form.supporter_on.data = choice.supporter_on
            form.supporter_name.data = choice.supporter_name or ""
            form.supporter_email.data = choice.supporter_email or ""
            form.supporter_mobile.data = phone.shown(choice.supporter_mobile)
            form.pack_by_post.data = choice.pack_by_post
            form.pack_large_print.data = choice.pack_large_print
            form.postal_address.data = choice.postal_address or ""
    if form.validate_on_submit():
        services.save_choice(current_user, how=ReminderHow(form.how.data), mobile=phone.normalise(form.mobile.data),
                             supporter_on=bool(form.supporter_on.data), supporter_name=form.supporter_name.data,
                             supporter_email=form.supporter_email.data,
                             supporter_mobile=phone.normalise(form.supporter_mobile.data),
                             pack_by_post=bool(form.pack_by_post.data), pack_large_print=bool(form.pack_large_print.data),
                             postal_address=postal.normalise(form.postal_address.data))
        flash(_("Your reminders are saved."), "success")
        return redirect(url_for("reminders.mine"))
    return render_template("reminders/mine.html", form=form, pictures=HOW_PICTURES)


@blueprint.route("/boards/<slug>/reminders", methods=["GET", "POST"])
@access(SECRETARY)
def board(slug: str):
    """Which reminders this board sends, and their words (checked for easy read)."""
    settings = services.board_settings(g.board.id)
    form = BoardRemindersForm()
    if request.method == "GET":
        for kind, setting in settings.items():
            getattr(form, f"on_{kind.value}").data = setting.is_on
            getattr(form, f"words_{kind.value}").data = setting.words
    findings = []
    if form.validate_on_submit():
        chosen = {kind: (bool(getattr(form, f"on_{kind.value}").data), getattr(form, f"words_{kind.value}").data or "")
                  for kind in ReminderKind}
        findings = easyread.review(*(text for _on, text in chosen.values()))
        if not easyread.hold_back(form, findings):
            services.save_board_settings(g.board, chosen, by=current_user)
            easyread.record_if_saved_anyway(findings, target=g.board, board=g.board, by=current_user)
            flash(_("The board's reminders are saved."), "success")
            return redirect(url_for("reminders.board", slug=slug))
    rows = [(kind, getattr(form, f"on_{kind.value}"), getattr(form, f"words_{kind.value}"),
             words.KIND_LABELS[kind], words.DEFAULT_WORDS[kind], words.KIND_PICTURES[kind]) for kind in ReminderKind]
    return render_template("reminders/board.html", form=form, rows=rows, findings=findings)


# ---- the meeting pack by post: the secretary's list --------------------------------------------------

def _meeting_or_404(meeting_id: int):
    from coprod.meetings.services import meeting_on

    found = meeting_on(g.board, meeting_id)
    if found is None:
        abort(404)
    return found


@blueprint.get("/boards/<slug>/meetings/<int:meeting_id>/post")
@access(SECRETARY)
def pack_post(slug: str, meeting_id: int):
    """Who asked for the pack on paper, their address, and whether it was posted; each person's letter
    to print and post by hand (when GOV.UK Notify is not set up, or to post one again)."""
    meeting = _meeting_or_404(meeting_id)
    page = services.paper_people_page(g.board, meeting, number=paging.page_number())
    return render_template("reminders/pack_post.html", meeting=meeting, page=page,
                           notify_ready=notify.letters_set_up(),
                           turned_on=services.board_settings(g.board.id)[ReminderKind.PACK_BY_POST].is_on,
                           posted_from=services.PACK_POSTED_FROM.days, posted_before=services.PACK_POSTED_BEFORE.days)


@blueprint.get("/boards/<slug>/meetings/<int:meeting_id>/post/<int:user_id>.pdf")
@access(SECRETARY)
def pack_letter(slug: str, meeting_id: int, user_id: int):
    """One person's letter (all its parts, one after another), to print and post. Recorded in the
    audit log: it holds their address."""
    meeting = _meeting_or_404(meeting_id)
    if not meeting.agenda_is_public:
        abort(404)
    person = services.paper_person(g.board, meeting, user_id)
    if person is None:
        abort(404)
    pdf = letters.printable(services.letter_for(g.board, meeting, person))
    audit.record("pack_by_post.print", board=g.board, target=db.session.get(User, person.user_id),
                 detail=f"meeting={meeting.id}")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="meeting-pack-{meeting.id}-letter-{person.user_id}.pdf"',
                             "Cache-Control": "private, no-store"})


# ---- the site admin: what was not sent ---------------------------------------------------------------

@blueprint.get("/admin/messages")
@access(ADMIN)
def not_sent():
    """Reminders, text messages and letters that were not sent, and why: no failure is silent. Names
    only; never a number, an address or the words."""
    from coprod import mail

    return render_template("reminders/not_sent.html", counts=services.status_counts(),
                           page=services.not_sent_page(number=paging.page_number()),
                           notify_ready=notify.letters_set_up(), texts_ready=notify.is_set_up(),
                           mail_ready=mail.is_set_up(), kind_labels=words.SENT_KIND_LABELS,
                           channel_labels=words.CHANNEL_LABELS, statuses=SentStatus)
