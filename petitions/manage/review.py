"""The organizer's review queue: quarantined signatures grouped, released or set aside."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import login_required

from petitions.accounts.access import current_organizer, keep_out_of_caches
from petitions.cases.access import petition_or_404
from petitions.defence.forms import ReviewForm
from petitions.defence.reasons import public_label
from petitions.signing import review
from petitions.signing.models import ReviewAction

bp = Blueprint("review", __name__, url_prefix="/organizer/petitions/<slug>/review")
bp.after_request(keep_out_of_caches)


@bp.before_request
@login_required
def _organizers_only() -> None:
    """Send anonymous visitors to the login page."""


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """Show what waits for review, grouped by reason, domain and country, and past decisions."""
    petition = petition_or_404(slug)
    return render_template(
        "manage/review.html",
        petition=petition,
        waiting=review.waiting(petition.id),
        decisions=review.decisions(petition.id),
        label=lambda code: str(public_label(code)),
        same=lambda name: name,
        form=ReviewForm(formdata=None),
    )


@bp.post("/<any(release, invalidate):action>")
def decide(slug: str, action: str) -> ResponseReturnValue:
    """Release or set aside one group of the queue, or all of it."""
    petition = petition_or_404(slug)
    form = ReviewForm()
    if not form.validate():
        abort(400)
    where = review.Filter(
        reason=form.reason.data or None,
        domain=form.domain.data or None,
        country=form.country.data or None,
    )
    organizer = current_organizer()
    decision = review.decide(
        petition,
        ReviewAction(action),
        where,
        by=organizer.email,
        organizer_id=organizer.id,
    )
    if action == "release":
        message = ngettext(
            "%(num)s signature released and counted.",
            "%(num)s signatures released and counted.",
            decision.changed,
        )
    else:
        message = ngettext(
            "%(num)s signature set aside for good.",
            "%(num)s signatures set aside for good.",
            decision.changed,
        )
    flash(message)
    return redirect(url_for("review.index", slug=slug), code=303)
