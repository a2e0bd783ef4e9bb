"""The petition page, and signing, confirming and withdrawing through plain HTML forms.

Everything here works without JavaScript. The petition page is signing's, not cases': it shows
the sign form, the latest signers and their comments, and is shown again by a refused POST.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from markupsafe import escape
from werkzeug.wrappers import Response

from petitions import errors, public_pages, senders, tokens
from petitions.cases import services as cases
from petitions.cases import translations
from petitions.cases.models import Petition
from petitions.extensions import csrf
from petitions.limits import links_per_ip, sign_per_ip
from petitions.links import absolute_url, share_links, site_origin
from petitions.signing import consent, mailing, moderation, services, signals
from petitions.signing.busy import RETRY_AFTER_SECONDS, DatabaseBusy, try_again
from petitions.signing.counts import paper_count_of
from petitions.signing.forms import ButtonForm, SignForm, shown_source
from petitions.signing.models import Signature, SignatureState
from petitions.signing.set_aside import set_aside_of

bp = Blueprint("signing", __name__)
# The outbox worker builds the signers' mails with what signing registers here.
bp.record_once(mailing.register_mails)
bp.record_once(consent.register_mails)


@signals.count_changed.connect
def _drop_public_pages(sender: object, **extra: object) -> None:
    # The home, case and petition pages show the count: kept copies go once it moves (at most
    # once a PUBLIC_PAGE_COUNT_SECONDS under a crowd, see public_pages.forget_for_count).
    public_pages.forget_for_count()


def _petition_page(
    petition: Petition,
    form: SignForm,
    status: int = 200,
    notice: str | None = None,
    ticket: str | None = None,
) -> tuple[str, int]:
    """Render a petition with its sign form (fresh, or with the signer's input and errors).

    The form carries a fresh ticket (petitions/tokens.py), the same for every visitor the
    page is kept for: it proves a sign POST comes with a form we rendered recently.

    :param notice: a sentence above the form saying why it is shown again.
    :param ticket: what the ticket's field holds instead (the kept page's slot).
    """
    form.csrf_token.data = ticket or tokens.issue_ticket(petition.slug, None)
    return (
        render_template(
            "signing/petition.html",
            petition=petition,
            form=form,
            notice=notice,
            signers=moderation.latest_public_signers(petition.id),
            comments=moderation.public_comments(petition.id),
            set_aside=set_aside_of(petition.id),
            paper_count=paper_count_of(petition.id),
        ),
        status,
    )


@bp.get("/p/<slug>")
def petition(slug: str) -> Response:
    """Show a petition, its count and the sign form (kept for everybody, see public_pages)."""

    def render() -> str:
        page = public_pages.kept_part("petition", lambda: _page_with_slots(slug))
        return _filled(page, slug, request.args.get("ref", ""))

    return public_pages.cached_page(render)


#: The two values of the petition page that differ per URL, as slots in the page kept for
#: every URL (public_pages.kept_part): the sign form's ticket, and its source (the ?ref=).
#: A fresh ?ref= then costs a ticket and two replacements, not a rendering and its queries.
#: Escaping leaves them as they are, and nothing but a field's value="…" holds a bare quote.
_TICKET_SLOT = "petition-page-slot-ticket"
_SOURCE_SLOT = "petition-page-slot-source"


def _page_with_slots(slug: str) -> str:
    found = cases.public_petition(slug) or abort(404)
    form = SignForm(formdata=None, source=_SOURCE_SLOT)
    return _petition_page(found, form, ticket=_TICKET_SLOT)[0]


def _filled(page: str, slug: str, ref: str) -> str:
    """Fill the slots of the kept page, escaped as the form's fields escape their values."""
    ticket = _value(tokens.issue_ticket(slug, None))
    return page.replace(_TICKET_VALUE, ticket, 1).replace(
        _SOURCE_VALUE, _value(shown_source(ref)), 1
    )


def _value(text: str) -> str:
    # As WTForms writes a field's value (wtforms.widgets.html_params): escaped, quotes too.
    return f'value="{escape(text)}"'


_TICKET_VALUE = _value(_TICKET_SLOT)
_SOURCE_VALUE = _value(_SOURCE_SLOT)


# The views below check CSRF themselves instead of CSRFProtect's before-request hook, so a
# stale token re-shows the form with the signer's input kept rather than a bare error page:
# the sign form by its ticket and the Origin check, the mailed links' buttons through their
# forms' validate() (Flask-WTF's session token).

_View = TypeVar("_View", bound=Callable[..., Any])


def _mailed_link(rule: str, methods: tuple[str, ...] = ("GET", "POST")) -> Callable[[_View], _View]:
    """Register the view of a link we mail (confirm, resend, withdraw), limited per client IP."""

    def register(view: _View) -> _View:
        limited = cast(_View, links_per_ip(view))
        csrf.exempt(limited)
        bp.add_url_rule(rule, view_func=limited, methods=list(methods))
        return limited

    return register


def _sent_from_our_page() -> bool:
    own = {senders.origin_of(site_origin()), senders.origin_of(request.host_url)}
    return senders.sent_from_allowed_site(
        own,
        (),
        origin=request.headers.get("Origin"),
        referer=request.headers.get("Referer"),
        fetch_site=request.headers.get("Sec-Fetch-Site"),
    )


def _ticket_is_good(slug: str, form: SignForm) -> bool:
    """Check the form's ticket; a bad or stale one marks the form (the input is kept)."""
    try:
        tokens.read_ticket(str(form.csrf_token.data or ""), slug, None)
    except tokens.TicketInvalid:
        form.csrf_token.errors = [
            _l("The form had expired. Your input is kept: please send it again.")
        ]
        return False
    return True


@bp.post("/p/<slug>/sign")
@csrf.exempt
@sign_per_ip
def sign(slug: str) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Take a signature; on success send the signer to "check your inbox".

    Defended like the embedded form (petitions/tokens.py, petitions/senders.py): another site
    posting into the form is refused, a forged or stale ticket re-shows the form with the input
    kept, and the per-IP limit above counts every POST.
    """
    form = SignForm()
    if not _sent_from_our_page():
        petition = cases.petition_to_sign(slug) or abort(404)
        notice = str(_l("This form can only be sent from the page it was shown on."))
        return _petition_page(petition, form, status=403, notice=notice)
    # Both run, so a stale form shows its field errors too.
    fields_valid = form.validate()
    # A valid form goes straight to the INSERT, which finds the open petition itself; the
    # petition is loaded only to explain a refusal.
    if not (_ticket_is_good(slug, form) and fields_valid):
        petition = cases.petition_to_sign(slug) or abort(404)
        if not petition.is_open:
            return _closed(petition)
        return _petition_page(petition, form, status=422)
    try:
        services.sign(slug, form.details(locale=str(get_locale()), source=form.clean_source))
    except services.PetitionNotOpen:
        return _closed(cases.petition_to_sign(slug) or abort(404))
    except DatabaseBusy:
        petition = cases.petition_to_sign(slug) or abort(404)
        page, status = _petition_page(petition, form, status=503, notice=try_again())
        return page, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return redirect(url_for("signing.check_inbox", slug=slug), code=303)


@bp.errorhandler(RateLimitExceeded)
def _refused(error: RateLimitExceeded) -> Any:
    """A sign POST over the hard ceiling shows the form again with what was typed, and why
    (nothing was recorded); any other refusal gets the site's error page."""
    slug = str((request.view_args or {}).get("slug", ""))
    petition = cases.petition_to_sign(slug) if request.endpoint == "signing.sign" else None
    if petition is None or request.method != "POST":
        return errors.handle_http_error(error)
    notice, headers = errors.too_many_requests()
    page, _status = _petition_page(petition, SignForm(), status=429, notice=notice)
    return page, 429, headers


def _closed(petition: Petition) -> tuple[str, int]:
    return render_template("signing/closed.html", petition=petition), 409


@bp.get("/p/<slug>/check-your-inbox")
def check_inbox(slug: str) -> str:
    """Tell the signer a confirmation link is on its way."""
    petition = cases.public_petition(slug) or abort(404)
    return render_template("signing/check_inbox.html", petition=petition)


def _invalid_link() -> tuple[str, int]:
    return render_template("signing/invalid_link.html"), 400


def _expired_link(signature_id: int, token: str) -> tuple[str, int]:
    signature = services.find(signature_id)
    petition = signature.petition if signature is not None else None
    return (
        render_template(
            "signing/expired_link.html",
            form=ButtonForm(),
            token=token,
            petition=petition,
            can_resend=signature is not None and signature.state is SignatureState.PENDING,
        ),
        410,
    )


def _confirmed(signature: Signature, just_now: bool) -> str:
    # The way back to the partner page the signer came from (an embed), named by embeds.
    came_from = (
        signals.name_of_origin(signature.petition_id, signature.source)
        if signature.return_url
        else None
    )
    petition = signature.petition
    # The petition's own address in the page's language, to pass on (no ?ref=, no token).
    share_url = absolute_url("signing.petition", slug=petition.slug, lang=str(get_locale()))
    share_text = _("Sign the petition: %(title)s", title=translations.text(petition, "title"))
    others = [
        other
        for other in cases.public_petitions_of(petition.case)
        if other.id != petition.id and other.is_open
    ]
    return render_template(
        "signing/confirmed.html",
        petition=petition,
        just_now=just_now,
        came_from=came_from,
        return_url=signature.return_url,
        share_url=share_url,
        share_text=share_text,
        share_links=share_links(share_url, share_text),
        others=others,
    )


@_mailed_link("/confirm/<token>")
def confirm(token: str) -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """GET shows the signature and a button; only the POST confirms, so scanners confirm nothing."""
    try:
        signature_id = tokens.read_confirm_token(token)
    except tokens.ExpiredLink as expired:
        return _expired_link(expired.signature_id, token)
    except tokens.InvalidLink:
        return _invalid_link()
    form = ButtonForm()
    outcome = None
    if request.method == "POST" and form.validate():
        try:
            outcome = services.confirm(signature_id)
        except DatabaseBusy:
            return _busy("signing/confirm.html", signature_id, form)
    signature = services.find(signature_id)
    if signature is None:
        return _invalid_link()
    return _confirm_answer(signature, outcome, form)


def _busy(
    template: str, signature_id: int, form: ButtonForm
) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    """The button's page again, 503 with Retry-After: the database could not take the press.

    Under a crowd a confirmation or a withdrawal may meet a lock it cannot wait out (a deadlock
    broken by PostgreSQL, a lock_timeout, SQLite's busy timeout): nothing was recorded, and the
    signer presses again in a moment, instead of meeting a 500.
    """
    signature = services.find(signature_id)
    if signature is None:
        return _invalid_link()
    page = render_template(
        template,
        signature=signature,
        petition=signature.petition,
        form=form,
        busy=_l(
            "The service is busy and nothing was recorded. "
            "Please wait a few seconds and press the button again."
        ),
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _confirm_answer(
    signature: Signature, outcome: services.ConfirmOutcome | None, form: ButtonForm
) -> str | tuple[str, int]:
    """Answer a confirm link by the signature's state, after the POST's outcome if one came."""
    if signature.state is SignatureState.WITHDRAWN:
        return render_template("signing/withdrawn.html", petition=signature.petition), 410
    # An invalidated signature answers as it would have: pending until its owner confirms it,
    # then thanked (an invalidation is as silent as a quarantine; see services.confirm).
    awaits_owner = signature.confirmed_at is None and signature.state in (
        SignatureState.PENDING,
        SignatureState.INVALIDATED,
    )
    if awaits_owner and (
        outcome is services.ConfirmOutcome.PETITION_CLOSED
        or not services.takes_confirmations(signature.petition)
    ):
        return render_template("signing/confirm_closed.html", petition=signature.petition), 410
    if not awaits_owner:  # a quarantined or invalidated one is thanked alike
        return _confirmed(signature, just_now=outcome is services.ConfirmOutcome.CONFIRMED)
    status = 400 if request.method == "POST" else 200
    return render_template("signing/confirm.html", signature=signature, form=form), status


@_mailed_link("/confirm/<token>/resend", methods=("POST",))
def resend(token: str) -> str | tuple[str, int]:
    """Send a fresh link to the owner of an expired one."""
    try:
        signature_id = tokens.read_confirm_token(token)
    except tokens.ExpiredLink as expired:
        signature_id = expired.signature_id
    except tokens.InvalidLink:
        return _invalid_link()
    if not ButtonForm().validate():
        return _expired_link(signature_id, token)
    services.resend_confirmation(signature_id)
    signature = services.find(signature_id)
    petition = signature.petition if signature is not None else None
    # The same answer whether or not a mail went out: limits are not for strangers to probe.
    return render_template("signing/check_inbox.html", petition=petition)


@_mailed_link("/withdraw/<token>")
def withdraw(token: str) -> str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """GET shows a button; the POST withdraws and erases the signature."""
    try:
        signature_id = tokens.read_withdraw_token(token)
    except tokens.InvalidLink:
        return _invalid_link()
    signature = services.find(signature_id)
    if signature is None:
        return _invalid_link()
    petition = signature.petition
    if signature.state is SignatureState.WITHDRAWN:
        return render_template("signing/withdrawn.html", petition=petition)
    form = ButtonForm()
    if request.method == "POST":
        # RFC 8058: the mail client's "unsubscribe" button POSTs this body to the link in the
        # List-Unsubscribe header, with no page and no CSRF token. The signed token in the URL
        # authorises it, as it authorises the button on the page; a scanner only ever GETs.
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        if one_click or form.validate():
            try:
                services.withdraw(signature_id)
            except DatabaseBusy:
                return _busy("signing/withdraw.html", signature_id, form)
            return render_template("signing/withdrawn.html", petition=petition)
        return render_template("signing/withdraw.html", petition=petition, form=form), 400
    return render_template("signing/withdraw.html", petition=petition, form=form)
