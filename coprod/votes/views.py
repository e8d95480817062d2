"""Voting pages for board members, and the secretary's pages for proposals. Thin: rules in services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from coprod import times
from coprod.accounts import sessions
from coprod.content import services as content
from coprod.easyread import review as easyread
from coprod.forms import choices
from coprod.models import ProposalState, Role, utcnow
from coprod.check_step import Check, check_page, isolated
from coprod.permissions import PUBLIC, access, board_roles, public_board_or_404
from coprod.pictures.forms import finding_pictures
from coprod.transactions import back_to, refused_into, rollback
from coprod.votes import services
from coprod.votes.forms import CUSTOM_CHOICES, CastForm, ProposalForm, VoteForm, room_count_form

blueprint = Blueprint("votes", __name__, url_prefix="/boards/<slug>")

SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)


def _proposal_or_404(proposal_id: int):
    proposal = services.proposal_on(g.board, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _public_proposal_or_404(slug: str, proposal_id: int):
    public_board_or_404(slug)
    return _proposal_or_404(proposal_id)


# ---- voting -------------------------------------------------------------------------------------

@blueprint.get("/votes")
@access(ON_THE_BOARD)
def index(slug: str):
    """Votes for you: open now, coming, and finished with results."""
    now = utcnow()
    page = services.proposals_page(g.board, now=now, by_state=True)
    content.load(*page.items)
    grouped = {state: [p for p in page.items if p.state(now) == state] for state in ProposalState}
    return render_template("votes/index.html", grouped=grouped, states=ProposalState, page=page)


def _vote_form(proposal) -> VoteForm:
    """The answers in the reader's language when the proposal has a version in it."""
    form = VoteForm()
    shown = content.shown(proposal)
    form.choice.choices = choices((str(c.id), Markup("<span{}>{}</span>").format(shown.attrs, shown.choice(c))
                                   if shown.is_other_language else shown.choice(c)) for c in proposal.choices)
    return form


def _proposal_page(proposal, form, status=200, refusal=None):
    return render_template(
        "votes/proposal.html", proposal=proposal, form=form, state=proposal.state(),
        may_vote=services.may_vote(proposal, current_user), my_choice=services.my_choice(proposal, current_user),
        refusal=refusal, pictures={str(c.id): c.picture for c in proposal.choices},
    ), status


@blueprint.get("/votes/<int:proposal_id>")
@access(ON_THE_BOARD)
def proposal(slug: str, proposal_id: int):
    """One proposal: what it is about, and the answers as big picture cards."""
    found = _proposal_or_404(proposal_id)
    form = _vote_form(found)
    mine = services.my_choice(found, current_user)
    if mine is not None:
        form.choice.data = str(mine.id)
    return _proposal_page(found, form)


@blueprint.post("/votes/<int:proposal_id>/check")
@access(ON_THE_BOARD)
def check(slug: str, proposal_id: int):
    """"You chose Yes. Is that right?" Nothing is counted until the person says yes."""
    found = _proposal_or_404(proposal_id)
    form = _vote_form(found)
    if not form.validate_on_submit():
        return _proposal_page(found, form)
    with refused_into() as refused:
        choice = services.check_vote(found, current_user, int(form.choice.data))
        return render_template("votes/check.html", proposal=found, choice=choice, form=FlaskForm())
    return _proposal_page(found, form, 400, refusal=refused.message)


@blueprint.post("/votes/<int:proposal_id>/cast")
@access(ON_THE_BOARD)
def cast(slug: str, proposal_id: int):
    """Count the vote (or change it, until voting closes).

    A meeting's burst of votes lands here, so the usual case loads nothing: the database checks the
    vote and counts it in one statement. Only a vote it did not count is looked at again, to show
    the person why."""
    quick = CastForm()
    choice_id = quick.choice_id() if quick.validate_on_submit() else None
    if choice_id is not None and services.count_vote(g.board, proposal_id, current_user, choice_id,
                                                     sessions.current()):
        return redirect(url_for("votes.counted", slug=slug, proposal_id=proposal_id))
    rollback()  # not counted: start afresh to find out why
    found = _proposal_or_404(proposal_id)
    form = _vote_form(found)
    if not form.validate_on_submit():
        return _proposal_page(found, form, 400)
    with refused_into() as refused:
        services.cast_vote(found, current_user, int(form.choice.data), sessions.current())
        return redirect(url_for("votes.counted", slug=slug, proposal_id=proposal_id))
    return _proposal_page(found, form, 400, refusal=refused.message)


@blueprint.get("/votes/<int:proposal_id>/counted")
@access(ON_THE_BOARD)
def counted(slug: str, proposal_id: int):
    """Your vote is counted."""
    found = _proposal_or_404(proposal_id)
    vote = services.my_vote(found, current_user)
    if vote is None:
        return redirect(url_for("votes.proposal", slug=slug, proposal_id=proposal_id))
    return render_template("votes/counted.html", proposal=found, choice=services.my_choice(found, current_user),
                           vote=vote)


@blueprint.get("/votes/<int:proposal_id>/live")
@access(ON_THE_BOARD)
def live(slug: str, proposal_id: int):
    """For the meeting room: shows when voting opens and closes without reloading (with JavaScript)."""
    found = _proposal_or_404(proposal_id)
    return render_template("votes/live.html", proposal=found, state=found.state(),
                           voted=services.my_vote(found, current_user) is not None)


@blueprint.get("/votes/<int:proposal_id>/status.json")
@access(ON_THE_BOARD)
def status(slug: str, proposal_id: int):
    """The proposal's state, for the live page to poll."""
    found = _proposal_or_404(proposal_id)
    response = jsonify(state=found.state().value)
    response.headers["Cache-Control"] = "no-store"
    return response


# People on one page of who voted (1,300 for one proposal at national size).
VOTERS_PAGE_SIZE = 50


@blueprint.get("/votes/<int:proposal_id>/results")
@access(PUBLIC)
def results(slug: str, proposal_id: int):
    """Results in words, pictures, a chart and a table - once voting has closed."""
    found = _public_proposal_or_404(slug, proposal_id)
    shown = found.results_visible()
    open_votes = services.voters_page(found, VOTERS_PAGE_SIZE) if shown and not found.is_secret else None
    return render_template("votes/results.html", proposal=found, state=found.state(), shown=shown,
                           results=services.results(found) if shown else None, open_votes=open_votes)


@blueprint.get("/votes/<int:proposal_id>/screen")
@access(PUBLIC)
def screen(slug: str, proposal_id: int):
    """The results for the room's big screen."""
    found = _public_proposal_or_404(slug, proposal_id)
    shown = found.results_visible()
    return render_template("votes/screen.html", proposal=found, state=found.state(), shown=shown,
                           results=services.results(found) if shown else None)


# ---- the secretary ------------------------------------------------------------------------------

def _choices_from(form: ProposalForm) -> list[tuple[str, str]] | None:
    if form.kind.data == "standard":
        return [(_("Yes"), "yes"), (_("No"), "no"), (_("Not sure"), "question")]
    made = []
    for n in range(1, CUSTOM_CHOICES + 1):
        label = getattr(form, f"choice_{n}").data
        if label:
            made.append((label, getattr(form, f"choice_{n}_picture").data or "vote"))
    if len(made) < 2:
        form.choice_1.errors.append(_("Write at least 2 answers."))
        return None
    return made


@blueprint.route("/proposals/new", methods=["GET", "POST"])
@access(SECRETARY)
def new_proposal(slug: str):
    """Make a proposal for the board to vote on."""
    form = ProposalForm()
    findings = []
    if not finding_pictures() and form.validate_on_submit():
        made = _choices_from(form)
        opens, closes = times.to_utc(form.opens.data), times.to_utc(form.closes.data)
        if closes and closes <= utcnow():
            form.closes.errors.append(_("This time has passed. Choose a later time."))
        elif opens and closes and closes <= opens:
            form.closes.errors.append(_("Voting must close after it opens."))
        elif made and not easyread.hold_back(form, findings := easyread.review(form.title.data, form.body.data)):
            found = services.create_proposal(
                g.board, title=form.title.data, body=form.body.data or "", picture=form.picture.data,
                choices=made, opens_dt=opens, closes_dt=closes,
                voter_roles={Role(r) for r in form.voters.data.split(",")},
                is_secret=form.secrecy.data == "secret", results_hidden=form.results.data == "hidden",
                by=current_user)
            easyread.record_if_saved_anyway(findings, target=found, board=g.board, by=current_user)
            flash(_("The proposal is made."), "success")
            return redirect(url_for("votes.manage", slug=slug, proposal_id=found.id))
    return render_template("votes/new.html", form=form, custom_numbers=range(1, CUSTOM_CHOICES + 1),
                           findings=findings)


@blueprint.get("/proposals")
@access(SECRETARY)
def proposals(slug: str):
    """All proposals on this board, for the secretary."""
    page = services.proposals_page(g.board, now=utcnow(), by_state=False)
    return render_template("votes/proposals.html", proposals=page.items, page=page, now=utcnow())


@blueprint.get("/proposals/<int:proposal_id>")
@access(SECRETARY)
def manage(slug: str, proposal_id: int):
    """Open and close voting, count hands, see who has voted (never how, if secret)."""
    found = _proposal_or_404(proposal_id)
    return render_template("votes/manage.html", proposal=found, state=found.state(),
                           voters=services.voters_page(found, VOTERS_PAGE_SIZE), form=FlaskForm())


def _change_state(slug: str, proposal_id: int, change, message: str):
    found = _proposal_or_404(proposal_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = url_for("votes.manage", slug=slug, proposal_id=proposal_id)
    back_to(back)  # a refusal is said on the proposal's page
    change(found, by=current_user)
    flash(message, "success")
    return redirect(back)


@blueprint.route("/proposals/<int:proposal_id>/open", methods=["GET", "POST"])
@access(SECRETARY)
def open_voting(slug: str, proposal_id: int):
    """Open voting now (in the meeting), after a check page: a vote that is sent cannot be taken back."""
    if request.method == "GET":
        found = _proposal_or_404(proposal_id)
        return check_page(Check(
            title=_("Open voting now?"), confirm=_("Yes, open voting now"), picture="vote", style="primary",
            back=url_for("votes.manage", slug=slug, proposal_id=proposal_id),
            points=[("vote", isolated(_("The vote is: %(title)s"), title=found.title)),
                    ("tablet", _("After this, people can vote on their tablets.")),
                    ("warning", _("A vote that is sent cannot be taken back."))]))
    return _change_state(slug, proposal_id, services.open_voting, _("Voting is open now."))


@blueprint.route("/proposals/<int:proposal_id>/close", methods=["GET", "POST"])
@access(SECRETARY)
def close_voting(slug: str, proposal_id: int):
    """Close voting now (after a check page: it cannot open again). Results can then be seen."""
    if request.method == "GET":
        found = _proposal_or_404(proposal_id)
        return check_page(Check(
            title=_("Close voting now?"), confirm=_("Yes, close voting now"), picture="stop",
            back=url_for("votes.manage", slug=slug, proposal_id=proposal_id),
            points=[("vote", isolated(_("The vote is: %(title)s"), title=found.title)),
                    ("stop", _("After this, nobody can vote.")),
                    ("warning", _("Voting cannot open again."))]))
    return _change_state(slug, proposal_id, services.close_voting, _("Voting is closed now."))


@blueprint.route("/proposals/<int:proposal_id>/hands", methods=["GET", "POST"])
@access(SECRETARY)
def hands(slug: str, proposal_id: int):
    """Add a show of hands from the room, for people voting without a tablet."""
    found = _proposal_or_404(proposal_id)
    form = room_count_form(found)
    if request.method == "GET":
        counts = {r.choice.id: r.room for r in services.results(found).rows}
        for choice in found.choices:
            getattr(form, f"count_{choice.id}").data = str(counts.get(choice.id, 0))
    if form.validate_on_submit():
        services.set_room_counts(found, {c.id: int(getattr(form, f"count_{c.id}").data) for c in found.choices},
                                 by=current_user)
        flash(_("The show of hands is saved."), "success")
        return redirect(url_for("votes.manage", slug=slug, proposal_id=proposal_id))
    return render_template("votes/hands.html", proposal=found, form=form)
