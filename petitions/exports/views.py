"""Streamed CSV downloads for organizers."""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from petitions.accounts.access import keep_out_of_caches
from petitions.cases.access import petition_or_404
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.exports import services
from petitions.exports.forms import ExportFilterForm
from petitions.exports.rows import csv_lines
from petitions.exports.spreadsheet import xlsx_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("exports", __name__, url_prefix="/organizer/petitions/<slug>")
bp.after_request(keep_out_of_caches)


def _filename(petition: Petition, what: str, extension: str) -> str:
    """The download's name: the petition, what it holds, and today's date."""
    return f"{petition.slug}-{what}-{utcnow():%Y%m%d}.{extension}"


def _download(lines: Iterator[str], filename: str) -> Response:
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _xlsx(title: str, header: list[str], rows: Iterator[list[object]], filename: str) -> Response:
    return send_file(
        xlsx_file(title, header, rows),
        mimetype=XLSX,
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )


def _signature_filter() -> services.SignatureFilter:
    """The signer countries and the period of confirmation the query string asks for.

    An invalid filter ends the request here, with a page that says what is wrong (400).
    """
    form = ExportFilterForm(request.args)
    if not form.validate():
        page = render_template(
            "errors/error.html",
            heading=_("The export filter is not valid"),
            message=" ".join(str(error) for errors in form.errors.values() for error in errors),
        )
        abort(make_response(page, 400))
    return services.SignatureFilter(
        countries=tuple(form.country.data or ()), since=form.since.data, until=form.until.data
    )


@bp.get("/signatures.csv")
@login_required
def signatures(slug: str) -> ResponseReturnValue:
    """Download confirmed signatures (no email addresses), filtered by country and dates."""
    petition = petition_or_404(slug)
    rows = services.signature_rows(petition.id, _signature_filter())
    name = _filename(petition, "signatures", "csv")
    return _download(csv_lines(services.SIGNATURE_HEADER, rows), name)


@bp.get("/signatures.xlsx")
@login_required
def signatures_xlsx(slug: str) -> ResponseReturnValue:
    """The same export as signatures.csv, as a spreadsheet whose text cells stay text."""
    petition = petition_or_404(slug)
    rows = services.signature_records(petition.id, _signature_filter())
    name = _filename(petition, "signatures", "xlsx")
    return _xlsx("Signatures", services.SIGNATURE_HEADER, rows, name)


@bp.get("/contacts.csv")
@login_required
def contacts(slug: str) -> ResponseReturnValue:
    """Download name and email of the signers who agreed to be contacted, and nobody else."""
    petition = petition_or_404(slug)
    name = _filename(petition, "contacts", "csv")
    return _download(csv_lines(services.CONTACT_HEADER, services.contact_rows(petition.id)), name)


@bp.get("/contacts.xlsx")
@login_required
def contacts_xlsx(slug: str) -> ResponseReturnValue:
    """The same export as contacts.csv, as a spreadsheet."""
    petition = petition_or_404(slug)
    name = _filename(petition, "contacts", "xlsx")
    rows = services.contact_records(petition.id)
    return _xlsx("Contacts", services.CONTACT_HEADER, rows, name)
