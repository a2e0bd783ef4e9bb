"""The organizer's review queue: quarantined signatures grouped, released or set aside."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.defence import services as defence
from petitions.defence.evidence import group_label, parse_group
from petitions.defence.forms import AllowForm, ReviewForm
from petitions.defence.reasons import public_label
from petitions.forms import Form
from petitions.signing import review
from petitions.signing.models import ReviewAction

bp = organizers_only(Blueprint("review", __name__, url_prefix="/organizer/petitions/<slug>/review"))


def _focus() -> review.Filter | None:
    """The group a link asks to look at (trending links with ?group= or ?domain=), if any."""
    group = request.args.get("group", "").strip()[:40] or None
    domain = request.args.get("domain", "").strip().lower()[:255] or None
    if group is not None and parse_group(group) is None:
        group = None
    if group is not None:
        return review.Filter(client_group=group)
    return review.Filter(domain=domain) if domain is not None else None


def _page(petition: Petition, allow_form: AllowForm) -> str:
    focus = _focus()
    return render_template(
        "manage/review.html",
        petition=petition,
        waiting=review.waiting(petition.id),
        focus=focus,
        focused=review.matching(petition.id, focus) if focus is not None else 0,
        decisions=review.decisions(petition.id),
        allowances=defence.allowed_clients_of(petition.id),
        label=lambda code: str(public_label(code)),
        group_label=group_label,
        same=lambda name: name,
        hour_label=lambda hour: f"{hour:%Y-%m-%d %H}:00–{hour:%H}:59 UTC",
        form=ReviewForm(formdata=None),
        allow_form=allow_form,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """Show what waits for review, grouped by reason, domain and country, and past decisions."""
    return _page(petition_or_404(slug), AllowForm(formdata=None))


@bp.post("/allow")
def allow(slug: str) -> ResponseReturnValue:
    """Let a street stall's connection sign past the per-client limits for some hours."""
    petition = petition_or_404(slug)
    form = AllowForm()
    if form.validate():
        try:
            allowed = defence.allow_client(
                petition,
                str(form.network.data),
                int(form.hours.data or 0),
                str(form.note.data or ""),
                by=current_organizer().email,
            )
        except defence.AllowRefused as refused:
            form.network.errors = [*form.network.errors, str(refused)]
        else:
            flash(_("%(network)s may sign past the per-client limits.", network=allowed.network))
            return redirect(url_for("review.index", slug=slug), code=303)
    return _page(petition, form), 422


@bp.post("/allow/<int:allowance_id>/end")
def end_allowance(slug: str, allowance_id: int) -> ResponseReturnValue:
    """End an allowance now."""
    petition = petition_or_404(slug)
    if not Form().validate() or not defence.end_allowance(petition, allowance_id):
        abort(404)
    flash(_("The allowance has ended."))
    return redirect(url_for("review.index", slug=slug), code=303)


@bp.post("/<any(release, invalidate):action>")
def decide(slug: str, action: str) -> ResponseReturnValue:
    """Release or set aside one group of the queue, or all of it."""
    petition = petition_or_404(slug)
    form = ReviewForm()
    if not form.validate():
        abort(400)
    hour = form.starting_hour()
    where = review.Filter(
        reason=form.reason.data or None,
        domain=form.domain.data or None,
        country=form.country.data or None,
        client_group=form.group.data or None,
        signed_from=hour,
        signed_until=hour + dt.timedelta(hours=1) if hour else None,
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
