"""Involvement payments and expenses: the person's claim for a meeting, and the secretary's pages.
Thin: the rules are in coprod/payments/services.py, the receipt photos in receipts.py.

Who sees what: a claim (amounts, masked bank details, receipt, question and answer) only the person
and the board's secretary (or an admin); the finance spreadsheet (bank details in full) only the
secretary or an admin. Other members never see anyone's claim: a claim id that is not theirs is 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from coprod import outbox, paging
from coprod.accounts import sessions
from coprod.meetings import services as meetings
from coprod.models import Role
from coprod.models.payment import ClaimStatus, PayBy, PaymentClaim
from coprod.payments import receipts, services
from coprod.payments.forms import PAY_BY_PICTURES, AmountsForm, AnswerForm, ClaimForm, QuestionForm
from coprod.permissions import access, board_roles
from coprod.transactions import refused_into

blueprint = Blueprint("payments", __name__, url_prefix="/boards/<slug>")

SECRETARY = board_roles(Role.SECRETARY)
ON_THE_BOARD = board_roles(*Role)


def _meeting_or_404(meeting_id: int):
    meeting = meetings.meeting_on(g.board, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _claim_or_404(claim_id: int) -> PaymentClaim:
    claim = services.claim_on(g.board, claim_id)
    if claim is None:
        abort(404)
    return claim


def _held_key(meeting_id: int) -> str:
    return f"held_receipt:{meeting_id}"


def _receipt(form, meeting_id: int) -> tuple[bytes | None, bool]:
    """The receipt photo sent with the form, checked and made again; else the one kept from this
    person's last try of the form (so they need not choose it again); (None, False) if neither.
    The flag: whether it is a new photo."""
    upload = request.files.get(form.receipt.name)
    if upload is not None and upload.filename:
        return receipts.make(upload.stream), True
    return receipts.read(session.get(_held_key(meeting_id))), False


def _keep_for_next_try(meeting_id: int, photo: bytes | None, new: bool) -> None:
    """The form was not sent: keep a good new photo, so the person need not choose it again (nothing
    typed is lost). Its name is kept in this browser's signed session only, so only they can use it;
    a kept photo no claim uses is deleted by the daily job once a day old (privacy/retention.py)."""
    if photo is None or not new:
        return
    old = session.get(_held_key(meeting_id))
    session[_held_key(meeting_id)] = receipts.keep(photo)
    receipts.delete(old)


def _forget_kept(meeting_id: int) -> None:
    """The claim or answer was saved with its own copy of the photo: the kept one goes after the commit."""
    name = session.pop(_held_key(meeting_id), None)
    if name:
        outbox.after_commit(receipts.delete, name)


def _claim_page(meeting, *, form=None, answer_form=None, status: int = 200):
    mine = services.claim_of(meeting, current_user)
    reason = None if mine is not None else services.eligibility(meeting, current_user)
    if mine is None and reason is None and form is None:
        form = ClaimForm(pay_by="bank")
    if mine is not None and mine.status == ClaimStatus.QUESTION and answer_form is None:
        answer_form = AnswerForm()
    return render_template("payments/claim.html", meeting=meeting, board=g.board, mine=mine, reason=reason,
                           form=form, answer_form=answer_form, pay_by_pictures=PAY_BY_PICTURES,
                           photo_kept=receipts.path_of(session.get(_held_key(meeting.id))) is not None,
                           pounds=services.pounds, masked=services.masked(mine) if mine else ""), status


@blueprint.route("/meetings/<int:meeting_id>/payment", methods=["GET", "POST"])
@access(ON_THE_BOARD)
def claim(slug: str, meeting_id: int):
    """Claim the involvement payment and travel for a meeting you came to; then see where it is up to
    (a question from the secretary, approved, paid)."""
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET":
        return _claim_page(meeting)
    form = ClaimForm()
    if services.claim_of(meeting, current_user) is not None or services.eligibility(meeting, current_user):
        return _claim_page(meeting, status=400)
    valid = form.validate_on_submit()
    photo, new = None, False
    with refused_into(form, "receipt"):
        photo, new = _receipt(form, meeting_id)
    if valid and not form.receipt.errors:
        with refused_into(form, "receipt"):
            given = services.ClaimInput(
                travel_pence=services.parse_pence(form.travel.data), receipt=photo,
                pay_by=PayBy(form.pay_by.data),
                account_name=form.account_name.data or "",
                sort_code=services.clean_sort_code(form.sort_code.data) if form.pay_by.data == "bank" else "",
                account_number=(services.clean_account_number(form.account_number.data)
                                if form.pay_by.data == "bank" else ""))
            services.make_claim(meeting, current_user, given, sign_in=sessions.current())
            _forget_kept(meeting_id)
            flash(_("Thank you. We sent your claim to the secretary."), "success")
            return redirect(url_for("payments.claim", slug=slug, meeting_id=meeting_id))
    _keep_for_next_try(meeting_id, photo, new)
    return _claim_page(meeting, form=form, status=400)


@blueprint.post("/meetings/<int:meeting_id>/payment/answer")
@access(ON_THE_BOARD)
def answer(slug: str, meeting_id: int):
    """Answer the secretary's question about your claim."""
    meeting = _meeting_or_404(meeting_id)
    mine = services.claim_of(meeting, current_user)
    if mine is None:
        abort(404)
    form = AnswerForm()
    valid = form.validate_on_submit()
    photo, new = None, False
    with refused_into(form, "receipt"):
        photo, new = _receipt(form, meeting_id)
    if valid and not form.receipt.errors:
        with refused_into(form, "answer"):
            services.answer_question(mine, current_user, answer=form.answer.data, receipt=photo,
                                     sign_in=sessions.current())
            _forget_kept(meeting_id)
            flash(_("Thank you. We sent your answer to the secretary."), "success")
            return redirect(url_for("payments.claim", slug=slug, meeting_id=meeting_id))
    _keep_for_next_try(meeting_id, photo, new)
    return _claim_page(meeting, answer_form=form, status=400)


@blueprint.get("/payments/<int:claim_id>/receipt")
@access(ON_THE_BOARD)
def receipt(slug: str, claim_id: int):
    """The receipt photo: for the person who claimed and the board's secretary only."""
    found = services.claim_on(g.board, claim_id)
    if found is None or not services.may_see(found, current_user, g.board):
        abort(404)
    return receipts.send(found.receipt_name)


# ---- the secretary ---------------------------------------------------------------------------------

@blueprint.get("/meetings/<int:meeting_id>/payments")
@access(SECRETARY)
def meeting_claims(slug: str, meeting_id: int):
    """The claims for a meeting: who, how much, where each is up to; the finance spreadsheet."""
    meeting = _meeting_or_404(meeting_id)
    found = services.claims_page(meeting, number=paging.page_number())
    return render_template("payments/meeting_claims.html", meeting=meeting, board=g.board, page=found.page,
                           pounds=services.pounds, masked=services.masked, total=found.total_pence)


def _review_page(found: PaymentClaim, form: QuestionForm, status: int = 200):
    meeting = _meeting_or_404(found.meeting_id)
    return render_template("payments/review.html", claim=found, meeting=meeting, board=g.board, form=form,
                           name=services.person_name(found), pounds=services.pounds,
                           masked=services.masked(found)), status


@blueprint.route("/payments/<int:claim_id>", methods=["GET", "POST"])
@access(SECRETARY)
def review(slug: str, claim_id: int):
    """One claim: the amounts, the receipt, how to pay; approve it, ask a question, mark it paid."""
    found = _claim_or_404(claim_id)
    form = QuestionForm()
    if form.validate_on_submit():
        with refused_into(form, "question"):
            services.ask_question(found, by=current_user, question=form.question.data)
            flash(_("We sent your question. The person sees it on their claim."), "success")
            return redirect(url_for("payments.review", slug=slug, claim_id=claim_id))
    return _review_page(found, form, 400 if request.method == "POST" else 200)


@blueprint.post("/payments/<int:claim_id>/approve")
@access(SECRETARY)
def approve(slug: str, claim_id: int):
    found = _claim_or_404(claim_id)
    services.approve(found, by=current_user)
    flash(_("The claim is approved."), "success")
    return redirect(url_for("payments.review", slug=slug, claim_id=claim_id))


@blueprint.post("/payments/<int:claim_id>/paid")
@access(SECRETARY)
def paid(slug: str, claim_id: int):
    found = _claim_or_404(claim_id)
    services.mark_paid(found, by=current_user)
    flash(_("The claim is marked paid. The person sees it is paid."), "success")
    return redirect(url_for("payments.review", slug=slug, claim_id=claim_id))


@blueprint.get("/meetings/<int:meeting_id>/payments.csv")
@access(SECRETARY)
def finance_csv(slug: str, meeting_id: int):
    """For the council's finance team: approved and paid claims, with bank details. Never cached."""
    meeting = _meeting_or_404(meeting_id)
    text = services.finance_csv(meeting, by=current_user)
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="payments-meeting-{meeting.id}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/payments/amounts", methods=["GET", "POST"])
@access(SECRETARY)
def amounts(slug: str):
    """What the board pays for coming to a meeting, and the most it pays back for travel."""
    board = g.board
    form = AmountsForm(data={"involvement": services.plain_pounds(board.involvement_pence),
                             "travel_max": services.plain_pounds(board.travel_max_pence)}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        services.set_amounts(board, involvement_pence=services.parse_pence(form.involvement.data),
                             travel_max_pence=services.parse_pence(form.travel_max.data), by=current_user)
        flash(_("The amounts are saved."), "success")
        return redirect(url_for("payments.amounts", slug=slug))
    return render_template("payments/amounts.html", board=board, form=form), 400 if form.errors else 200
