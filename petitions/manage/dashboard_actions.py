"""What the petition dashboard's forms do: open, close and reopen the petition, hide and show a
comment, print a bundle and record its delivery. A refused form is shown again in its section
(manage/dashboard.py) with its errors.

The routes are in views.py's table; every petition is looked up through cases.access, which
answers 404 for other organizers' cases.
"""

from __future__ import annotations

import tempfile

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from petitions.accounts.access import current_organizer
from petitions.bundles import services as bundles
from petitions.bundles.forms import BundleForm, DeliveryForm
from petitions.bundles.pdf import FontsMissing
from petitions.cases import services as cases
from petitions.cases.access import petition_or_404
from petitions.cases.models import IllegalTransition
from petitions.clock import utcnow
from petitions.manage.dashboard import render_bundles
from petitions.signing import moderation


def change_status(slug: str, action: str) -> ResponseReturnValue:
    """Open a draft, close an open petition (after a confirmation), or undo a close."""
    found = petition_or_404(slug)
    try:
        if action == "open":
            cases.open_petition(found)
            flash(_("The petition is open for signatures."))
        elif action == "reopen":
            cases.reopen_petition(found)
            flash(_("The petition is open again."))
        elif request.form.get("confirmed") != "yes":
            return render_template("manage/confirm_close.html", petition=found)
        else:
            cases.close_petition(found)
            flash(
                _("The petition is closed. Its page and count stay. You can undo this for a day.")
            )
    except IllegalTransition:
        flash(_("That change is not possible from the petition's current state."), "error")
    return redirect(url_for("manage.petition", slug=slug), code=303)


def moderate_comment(slug: str, signature_id: int, action: str) -> ResponseReturnValue:
    """Hide a comment from public pages and bundles, or show it again."""
    found = petition_or_404(slug)
    if not moderation.set_comment_hidden(
        found.id, signature_id, action == "hide", current_organizer().id
    ):
        abort(404)
    flash(_("The comment is hidden.") if action == "hide" else _("The comment is shown again."))
    return redirect(url_for("manage.comments", slug=slug), code=303)


def record_delivery(slug: str) -> ResponseReturnValue:
    """Record a handover of a bundle; it appears on the case's timeline and verify page."""
    found = petition_or_404(slug)
    form = DeliveryForm()
    form.bundle_id.choices = [(bundle.id, "") for bundle in bundles.bundles_of(found.id)]
    if not form.validate():
        return render_bundles(found, delivery_form=form), 422
    bundle = bundles.bundle_of(found.id, int(form.bundle_id.data))
    if bundle is None:
        abort(404)
    bundles.record_delivery(
        found,
        bundle,
        str(form.recipient.data),
        form.delivered_on.data or utcnow().date(),
        str(form.note.data or ""),
        current_organizer().id,
    )
    flash(_("The delivery is recorded and shown on the case's timeline."))
    return redirect(url_for("manage.bundles_section", slug=slug), code=303)


def download_bundle(slug: str) -> ResponseReturnValue:
    """Print the petition's confirmed signatures as a PDF bundle and send it."""
    petition = petition_or_404(slug)
    form = BundleForm()
    if not form.validate():
        return render_bundles(petition, bundle_form=form), 422
    bundle_request = bundles.BundleRequest(
        petition=petition,
        recipient_name=str(form.recipient_name.data),
        recipient_address=str(form.recipient_address.data or ""),
        countries=tuple(sorted(form.countries.data or ())),
        language=str(form.language.data),
    )
    # Spooled: small bundles stay in memory, large ones go to a temporary file, never both.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    try:
        bundles.build_bundle(bundle_request, out, current_organizer().id)  # type: ignore[arg-type]
    except FontsMissing as missing:
        out.close()
        heading = _("The PDF cannot be printed on this server")
        return render_template("errors/error.html", heading=heading, message=str(missing)), 503
    out.seek(0)
    return send_file(
        out,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{petition.slug}-bundle-{utcnow():%Y%m%d}.pdf",
        max_age=0,
    )
