"""The organizer's invalidations: a rule previewed, run by the worker, watched, cancelled, undone.

The services are signing/invalidations.py; the command line is manage/invalidate_commands.py.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.defence.evidence import group_label
from petitions.forms import Form
from petitions.manage.forms import InvalidationForm
from petitions.signing import invalidations
from petitions.signing.rules import Preview, RuleRefused

bp = organizers_only(
    Blueprint("invalidations", __name__, url_prefix="/organizer/petitions/<slug>/invalidations")
)


def _page(petition: Petition, form: InvalidationForm, found: Preview | None = None) -> str:
    return render_template(
        "manage/invalidations.html",
        petition=petition,
        form=form,
        preview=found,
        rule=form.rule() if found is not None else None,
        invalidations=invalidations.of_petition(petition.id),
        group_label=group_label,
        button=Form(formdata=None),
        retention_days=current_app.config["EVIDENCE_RETENTION_DAYS"],
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """The rule form and the petition's invalidations with their progress.

    With ``?preview``, the rule in the query is checked and counted, by state, and the page
    offers to remove what it matches. A GET: counting changes nothing (and the review page and
    trending link here with a rule filled in).
    """
    petition = petition_or_404(slug)
    form = InvalidationForm(formdata=request.args or None, meta={"csrf": False})
    if "preview" not in request.args:
        return _page(petition, form)
    found = _previewed(petition, form)
    if found is None:
        return _page(petition, form), 422
    return _page(petition, form, found)


def _previewed(petition: Petition, form: InvalidationForm) -> Preview | None:
    """The rule's preview; None (with the form's errors) if it cannot run."""
    if not form.validate():
        return None
    try:
        return invalidations.preview(petition.id, form.rule())
    except RuleRefused as refused:
        form.form_errors.append(str(refused))
        return None


@bp.post("/")
def start(slug: str) -> ResponseReturnValue:
    """Record the invalidation for the worker; its progress shows on the page."""
    petition = petition_or_404(slug)
    form = InvalidationForm()
    if _previewed(petition, form) is None:
        return _page(petition, form), 422
    organizer = current_organizer()
    try:
        made = invalidations.start(
            petition, form.rule(), by=organizer.email, organizer_id=organizer.id
        )
    except RuleRefused as refused:
        form.form_errors.append(str(refused))
        return _page(petition, form), 422
    flash(
        ngettext(
            "Removing %(num)s signature; the progress shows below.",
            "Removing %(num)s signatures; the progress shows below.",
            made.matched,
        )
    )
    anchor = f"invalidation-{made.id}"
    return redirect(url_for("invalidations.index", slug=slug, _anchor=anchor), 303)


@bp.get("/<int:invalidation_id>/progress")
def progress(slug: str, invalidation_id: int) -> ResponseReturnValue:
    """The progress bar's figures, for the page's script."""
    petition = petition_or_404(slug)
    found = invalidations.find(petition.id, invalidation_id)
    if found is None:
        abort(404)
    words = get_template_attribute("manage/_invalidation.html", "progress_text")
    response = jsonify(
        status=found.status.value,
        taken=found.taken,
        matched=found.matched,
        uncounted=found.uncounted,
        text=str(words(found)).strip(),
    )
    return response


@bp.post("/<int:invalidation_id>/<any(cancel, undo):action>")
def act(slug: str, invalidation_id: int, action: str) -> ResponseReturnValue:
    """Cancel an invalidation under way, or undo a finished or cancelled one."""
    petition = petition_or_404(slug)
    if not Form().validate():
        abort(400)
    if action == "cancel":
        if not invalidations.cancel(petition.id, invalidation_id):
            abort(404)
        flash(_("The invalidation was cancelled; what it took stays removed until you undo it."))
    else:
        undone = invalidations.undo(petition.id, invalidation_id, current_organizer().email)
        if undone is None:
            abort(404)
        flash(
            ngettext(
                "%(num)s signature was given back its state.",
                "%(num)s signatures were given back their states.",
                undone.restored,
            )
        )
    return redirect(url_for("invalidations.index", slug=slug), 303)
