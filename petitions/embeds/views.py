"""Partner embeds: embed.js, the framed sign form and counter, and the counter badge."""

from __future__ import annotations

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
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from petitions import public_pages, tokens
from petitions.cases import services as cases
from petitions.cases.models import Petition
from petitions.counting import public as public_counts
from petitions.counting.public import Progress
from petitions.embeds import services
from petitions.embeds.forms import EmbedSignForm
from petitions.embeds.framing import (
    allow_framing_by,
    allow_framing_by_anyone,
    refuse_framing,
    unregistered_parent,
)
from petitions.embeds.models import Partner
from petitions.extensions import csrf, talisman
from petitions.limits import sign_per_ip
from petitions.links import site_host, site_origin
from petitions.signing import services as signing
from petitions.signing.busy import RETRY_AFTER_SECONDS, try_again

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


def _chosen_language() -> str | None:
    """Return the language the partner chose with ?lang=, for our links out of the frame (the
    petition page then opens in it; without it, the browser's languages choose there too)."""
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


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
    form.ticket.data = tokens.issue_ticket(petition.id, partner.code, parent_origin, return_url)
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


def _outsider(origins: tuple[str, ...]) -> str | None:
    """Return the site framing this request if it is known not to be one of these origins."""
    return unregistered_parent(
        origins,
        {services.origin_of(site_origin()), services.origin_of(request.host_url)},
        claimed=request.args.get("origin"),
        fetch_dest=request.headers.get("Sec-Fetch-Dest"),
        referer=request.headers.get("Referer"),
    )


def _not_registered(petition: Petition | Progress, parent_origin: str) -> Response:
    """Tell a site that is not registered, in its frame, where the petition can be signed.

    Any site may frame this answer (it holds no form, no count-changing action and no signer
    data), and nobody may keep it: the same URL framed by the partner gets the form, and a
    shared cache must never hand the partner this notice instead (framing.py).
    """
    page = render_template(
        "embeds/not_registered.html",
        petition=petition,
        parent_origin=parent_origin,
        site=site_host(),
        lang=_chosen_language(),
        accent=_accent(),
    )
    response = allow_framing_by_anyone(make_response(page, 403))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/embed/<slug>")
@_own_framing
def form(slug: str) -> ResponseReturnValue:
    """Show the sign form inside a partner's page (kept for everybody, see public_pages); a site
    that is not the partner's gets a notice instead."""
    petition = cases.public_petition(slug) or abort(404)
    partner = services.partner_for(petition.id, request.args.get("partner"))
    outsider = _outsider(partner.origins if partner else ())
    if outsider is not None:
        return _not_registered(petition, outsider)
    if partner is None:
        abort(404)
    parent = services.origin_of(request.args.get("origin"))
    parent_origin = parent if parent in partner.origins else None
    page_url = request.args.get("page", "")[:500]
    return_url = page_url if services.origin_of(page_url) in partner.origins else None

    def render() -> str:
        form = EmbedSignForm(formdata=None)
        return _render_form(petition, partner, form, parent_origin, return_url).get_data(True)

    return allow_framing_by(public_pages.cached_page(render), partner.origins)


def _closed(petition: Petition, partner: Partner) -> Response:
    return allow_framing_by(
        make_response(render_template("embeds/closed.html", petition=petition), 409),
        partner.origins,
    )


#: What a signer reads above the form shown again, and the answer's status, for each refusal.
_REFUSALS: dict[services.Refusal, tuple[int, LazyString | None]] = {
    services.Refusal.EXPIRED: (
        400,
        _l("This form was open too long. Your details are kept: please send it again."),
    ),
    services.Refusal.UNREADABLE: (400, _l("This form could not be checked. Please send it again.")),
    services.Refusal.ELSEWHERE: (
        403,
        _l("This form can only be sent from the page it was shown on."),
    ),
    services.Refusal.HONEYPOT: (
        422,
        _l("This form could not be sent. Please leave the last field empty."),
    ),
    services.Refusal.TOO_FAST: (
        422,
        _l(
            "That was quicker than a person can type. "
            "Please check your details and send the form again."
        ),
    ),
    # The form's own field errors say what is wrong.
    services.Refusal.INVALID: (422, None),
    # try_again() below, with Retry-After.
    services.Refusal.BUSY: (503, None),
}


def _refused(
    petition: Petition, partner: Partner, form: EmbedSignForm, refused: services.Refused
) -> Response:
    # The form shown again in the partner's frame, with the input kept and a fresh ticket.
    status, notice = _REFUSALS[refused.reason]
    busy = refused.reason is services.Refusal.BUSY
    page = _render_form(
        petition,
        partner,
        form,
        refused.parent_origin,
        refused.return_url,
        status,
        try_again() if busy else None if notice is None else str(notice),
    )
    if busy:
        page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page


@bp.post("/embed/<slug>/sign")
@csrf.exempt
@sign_per_ip
@_own_framing
def sign(slug: str) -> ResponseReturnValue:
    """Take a signature from a partner's embed; refuse bots and forged or stale forms."""
    petition, partner = _petition_and_partner(slug)
    form = EmbedSignForm()
    try:
        verdict = services.admit(
            form,
            petition,
            partner,
            origin=request.headers.get("Origin"),
            referer=request.headers.get("Referer"),
            fetch_site=request.headers.get("Sec-Fetch-Site"),
            host_url=request.host_url,
            locale=str(get_locale()),
        )
        if isinstance(verdict, services.Admitted):
            refused = services.sign_once(verdict, petition.slug)
            if refused is None:
                return _signed(petition, partner, verdict.ticket)
            verdict = refused
    except signing.PetitionNotOpen:
        return _closed(petition, partner)
    return _refused(petition, partner, form, verdict)


def _signed(petition: Petition, partner: Partner, ticket: tokens.Ticket) -> Response:
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
    """Show the live count in a partner's page, from the cached public numbers (no query); a
    site that is not the partner's gets a notice instead."""
    found = public_counts.petition_count(slug) or abort(404)
    assert found.petition_id is not None
    progress = found.progress_in(str(get_locale()))
    origins = services.partner_origins(found.petition_id, request.args.get("partner"))
    outsider = _outsider(origins or ())
    if outsider is not None:
        return _not_registered(progress, outsider)
    if origins is None:
        abort(404)
    parent = services.origin_of(request.args.get("origin"))

    def render() -> str:
        return render_template(
            "embeds/counter.html",
            petition=progress,
            parent_origin=parent if parent in origins else None,
            lang=_chosen_language(),
            accent=_accent(),
        )

    return allow_framing_by(public_pages.cached_page(render), origins)


@bp.get("/embed/theme.css")
def theme() -> Response:
    """Serve the accent colour a partner chose, as a stylesheet (the CSP allows no inline style)."""
    accent = _accent() or "8a1538"
    css = f":root {{ --accent: #{accent}; }}\n"
    response = make_response(css)
    response.mimetype = "text/css"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
