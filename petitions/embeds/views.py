"""Partner embeds: embed.js, the framed sign form and counter, and the counter badge."""

from __future__ import annotations

import datetime as dt
import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from petitions.cases import services as cases
from petitions.cases.models import Petition
from petitions.embeds import services, tokens
from petitions.embeds.forms import EmbedSignForm
from petitions.embeds.framing import allow_framing_by, refuse_framing
from petitions.embeds.models import Partner
from petitions.extensions import csrf, talisman
from petitions.signing import services as signing
from petitions.signing.busy import RETRY_AFTER_SECONDS, DatabaseBusy, try_again
from petitions.signing.limits import sign_per_ip

bp = Blueprint("embeds", __name__)

_ACCENT = re.compile(r"^[0-9a-fA-F]{6}$")

# Embed responses set their own CSP (frame-ancestors per partner); Talisman's site-wide policy,
# which forbids framing, must stay off them.
_own_framing = talisman(frame_options=None, content_security_policy=None)


#: Views that set their framing headers themselves (decorated with _own_framing).
_OWN_FRAMING = frozenset({"embeds.form", "embeds.sign", "embeds.counter"})


@bp.after_request
def _frame_every_answer(response: Response) -> Response:
    """Give the answers these views did not write themselves (404, 429, 500) framing headers.

    Talisman stays off these views, so an error page would otherwise go out with no
    frame-ancestors and no X-Frame-Options at all: any site could frame it.
    """
    if response.mimetype == "text/html":
        # Pages here are in the language of ?lang= or, without it, of Accept-Language.
        response.vary.add("Accept-Language")
    if request.endpoint not in _OWN_FRAMING or "Content-Security-Policy" in response.headers:
        return response
    origins = _partner_origins() if response.status_code == 429 else None
    return refuse_framing(response) if origins is None else allow_framing_by(response, origins)


def _partner_origins() -> list[str] | None:
    # A signer who sent the embedded form too often should read why inside the partner's
    # page, so the refusal may be framed where the form was. Asked only for a 429: the
    # database is fine then, while a 500 may come from the database itself.
    petition = cases.public_petition(str((request.view_args or {}).get("slug", "")))
    if petition is None:
        return None
    partner = services.partner_for(petition.id, request.args.get("partner"))
    return None if partner is None else list(partner.origins)


def _petition_and_partner(slug: str) -> tuple[Petition, Partner]:
    petition = cases.public_petition(slug) or abort(404)
    partner = services.partner_for(petition.id, request.args.get("partner")) or abort(404)
    return petition, partner


def _accent() -> str | None:
    value = request.args.get("accent", "").lstrip("#")
    return value if _ACCENT.fullmatch(value) else None


def _render_form(
    petition: Petition,
    partner: Partner,
    form: EmbedSignForm,
    parent_origin: str | None,
    return_url: str | None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    form.ticket.data = tokens.issue(petition.id, partner.code, parent_origin, return_url)
    form.website.data = ""
    page = render_template(
        "embeds/sign.html",
        petition=petition,
        partner=partner,
        form=form,
        parent_origin=parent_origin,
        accent=_accent(),
        notice=notice,
    )
    return allow_framing_by(make_response(page, status), partner.origins)


@bp.get("/embed.js")
def script() -> Response:
    """Serve the loader partners paste into their pages."""
    response = send_from_directory(
        current_app.static_folder or "static", "js/embed.js", max_age=3600
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/embed/<slug>")
@_own_framing
def form(slug: str) -> ResponseReturnValue:
    """Show the sign form inside a partner's page."""
    petition, partner = _petition_and_partner(slug)
    parent = services.origin_of(request.args.get("origin"))
    parent_origin = parent if parent in partner.origins else None
    page_url = request.args.get("page", "")[:500]
    return_url = page_url if services.origin_of(page_url) in partner.origins else None
    return _render_form(petition, partner, EmbedSignForm(formdata=None), parent_origin, return_url)


def _same_site_request(partner: Partner) -> bool:
    # The form is served from our origin inside the partner's frame, so a genuine POST comes
    # from our own origin; the partner's origins are accepted too. Anything else is another
    # site posting into the form.
    sender = services.origin_of(request.headers.get("Origin")) or services.origin_of(
        request.headers.get("Referer")
    )
    own = {services.origin_of(current_app.config["BASE_URL"]), services.origin_of(request.host_url)}
    return sender is not None and (sender in own or sender in partner.origins)


def _closed(petition: Petition, partner: Partner) -> Response:
    return allow_framing_by(
        make_response(render_template("embeds/closed.html", petition=petition), 409),
        partner.origins,
    )


@bp.post("/embed/<slug>/sign")
@csrf.exempt
@sign_per_ip
@_own_framing
def sign(slug: str) -> ResponseReturnValue:
    """Take a signature from a partner's embed; refuse bots and forged or stale forms."""
    petition, partner = _petition_and_partner(slug)
    form = EmbedSignForm()
    try:
        ticket = tokens.read(str(form.ticket.data or ""), petition.id, partner.code)
    except tokens.TicketInvalid as invalid:
        message = (
            _("This form was open too long. Your details are kept: please send it again.")
            if invalid.expired
            else _("This form could not be checked. Please send it again.")
        )
        return _render_form(
            petition, partner, form, invalid.parent_origin, invalid.return_url, 400, message
        )

    def again(status: int, notice: str | None = None) -> Response:
        # The form shown again in the partner's frame, with the input kept and a fresh ticket.
        return _render_form(
            petition, partner, form, ticket.parent_origin, ticket.return_url, status, notice
        )

    if not _same_site_request(partner):
        return again(403, _("This form can only be sent from the page it was shown on."))
    if form.website.data:
        return again(422, _("This form could not be sent. Please leave the last field empty."))
    if services.too_fast(ticket.issued_at, current_app.config["EMBED_MIN_FILL_SECONDS"]):
        return again(
            422,
            _(
                "That was quicker than a person can type. "
                "Please check your details and send the form again."
            ),
        )
    if not petition.is_open:
        return _closed(petition, partner)
    if not form.validate():
        return again(422)
    expires_at = ticket.issued_at + dt.timedelta(seconds=current_app.config["EMBED_TICKET_MAX_AGE"])
    try:
        # Spent before signing, so two requests racing with one ticket cannot both sign; a
        # refusal below hands out a fresh ticket with the form anyway.
        first_use = services.spend_ticket(ticket.id, expires_at)
        if first_use:
            signing.sign(
                petition.slug,
                form.details(
                    locale=str(get_locale()), source=partner.code, return_url=ticket.return_url
                ),
            )
    except signing.PetitionNotOpen:
        return _closed(petition, partner)
    except DatabaseBusy:
        busy = again(503, try_again())
        busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return busy
    if not first_use:
        return again(
            409,
            _(
                "This form was already sent once. If that was you, look for the confirmation "
                "link in your inbox; to sign for somebody else, send this new form."
            ),
        )
    page = render_template(
        "embeds/check_inbox.html",
        petition=petition,
        parent_origin=ticket.parent_origin,
        accent=_accent(),
    )
    return allow_framing_by(make_response(page), partner.origins)


@bp.get("/embed/<slug>/counter")
@_own_framing
def counter(slug: str) -> ResponseReturnValue:
    """Show the live count in a partner's page."""
    petition, partner = _petition_and_partner(slug)
    parent = services.origin_of(request.args.get("origin"))
    page = render_template(
        "embeds/counter.html",
        petition=petition,
        parent_origin=parent if parent in partner.origins else None,
        accent=_accent(),
    )
    return allow_framing_by(make_response(page), partner.origins)


@bp.get("/embed/theme.css")
def theme() -> Response:
    """Serve the accent colour a partner chose, as a stylesheet (the CSP allows no inline style)."""
    accent = _accent() or "8a1538"
    css = f":root {{ --accent: #{accent}; }}\n"
    response = make_response(css)
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
