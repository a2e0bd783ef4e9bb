"""Printing bundles (organizers) and checking them (anyone holding one)."""

from __future__ import annotations

import re
import tempfile

from flask import Blueprint, abort, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from petitions.accounts.access import current_organizer, keep_out_of_caches
from petitions.bundles import services
from petitions.bundles.forms import BundleForm
from petitions.bundles.pdf import FontsMissing
from petitions.cases.access import petition_or_404
from petitions.clock import utcnow
from petitions.manage.views import render_dashboard

bp = Blueprint("bundles", __name__)

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


@bp.post("/organizer/petitions/<slug>/bundle")
@login_required
def download(slug: str) -> ResponseReturnValue:
    """Print the petition's confirmed signatures as a PDF bundle and send it."""
    petition = petition_or_404(slug)
    form = BundleForm()
    if not form.validate():
        return render_dashboard(petition, bundle_form=form), 422
    request = services.BundleRequest(
        petition=petition,
        recipient_name=str(form.recipient_name.data),
        recipient_address=str(form.recipient_address.data or ""),
        countries=tuple(sorted(form.countries.data or ())),
    )
    # Spooled: small bundles stay in memory, large ones go to a temporary file, never both.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - send_file closes it
    try:
        services.build_bundle(request, out, current_organizer().id)  # type: ignore[arg-type]
    except FontsMissing as missing:
        out.close()
        heading = _("The PDF cannot be printed on this server")
        return render_template("errors/error.html", heading=heading, message=str(missing)), 503
    out.seek(0)
    download_response = send_file(
        out,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{petition.slug}-bundle-{utcnow():%Y%m%d}.pdf",
        max_age=0,
    )
    return keep_out_of_caches(download_response)


@bp.get("/verify/<fingerprint>")
def verify(fingerprint: str) -> ResponseReturnValue:
    """Say what a bundle with this fingerprint holds, and when it was generated and delivered."""
    if not _FINGERPRINT.fullmatch(fingerprint):
        abort(404)
    found, deliveries = services.verification(fingerprint)
    page = render_template(
        "bundles/verify.html", fingerprint=fingerprint, bundles=found, deliveries=deliveries
    )
    return page if found else (page, 404)
