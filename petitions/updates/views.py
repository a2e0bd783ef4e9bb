"""A signer's side of updates: the preferences page and the one-click unsubscribe.

Both are reached by the signed link in every update mail and in the consent receipt
(tokens.updates_token); the link names the signature, and for a case-wide update the case.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from petitions import tokens
from petitions.extensions import csrf
from petitions.signing import consent
from petitions.signing.forms import ButtonForm
from petitions.signing.models import Signature, SignatureState
from petitions.updates import erasure as erasure
from petitions.updates import mailing, services
from petitions.updates.forms import PreferenceForm

bp = Blueprint("updates", __name__, url_prefix="/updates")
bp.record_once(mailing.register_mails)


def _read(token: str) -> tuple[Signature, int | None] | None:
    try:
        signature_id, case_id = tokens.read_updates_token(token)
    except tokens.InvalidLink:
        return None
    signature = services.signature(signature_id)
    if signature is None:
        return None
    return signature, case_id


def _invalid() -> tuple[str, int]:
    return render_template("updates/invalid_link.html"), 404


def _erased() -> tuple[str, int]:
    return render_template("updates/erased.html"), 410


@bp.route("/<token>", methods=["GET", "POST"])
@csrf.exempt
def preferences(token: str) -> ResponseReturnValue:
    """Show whether the signer gets updates; the POST (CSRF) stops or (re)starts them.

    The form checks its CSRF token itself (PreferenceForm.validate), rather than the global
    hook, so a stale page answers with itself and a request to press again.
    """
    read = _read(token)
    if read is None:
        return _invalid()
    signature, case_id = read
    if signature.state is SignatureState.WITHDRAWN or signature.email is None:
        return _erased()
    form = PreferenceForm()
    changed = None
    status = 200
    if request.method == "POST":
        if form.validate() and signature.state is SignatureState.CONFIRMED:
            if form.choice.data == "stop":
                services.stop_updates(signature.id, case_id, "preferences")
            else:
                services.start_updates(signature.id, case_id, str(get_locale() or "en"))
            changed = form.choice.data
        else:
            status = 400
    return render_template(
        "updates/preferences.html",
        signature=signature,
        petition=signature.petition,
        case=signature.petition.case if case_id is not None else None,
        confirmed=signature.state is SignatureState.CONFIRMED,
        receiving=services.receiving(signature.id, case_id),
        record=consent.consent_of(signature.id),
        wording=consent.wording_now(),
        form=form,
        changed=changed,
        failed=status == 400,
    ), status


@bp.route("/<token>/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """GET shows a button; a POST (RFC 8058 one-click, or the button) stops the updates.

    No CSRF token and no rate limit: the one-click POST comes from the signer's mail provider,
    with nothing but ``List-Unsubscribe=One-Click``; the signed token in the URL authorises it.
    The signature stays.
    """
    read = _read(token)
    if read is None:
        return _invalid()
    signature, case_id = read
    if signature.state is SignatureState.WITHDRAWN or signature.email is None:
        return _erased()
    context = {
        "petition": signature.petition,
        "case": signature.petition.case if case_id is not None else None,
        "token": token,
    }
    form = ButtonForm()
    if request.method == "POST":
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        if one_click or form.validate():
            services.stop_updates(signature.id, case_id, "unsubscribe")
            return render_template("updates/unsubscribed.html", **context)
        return render_template("updates/unsubscribe.html", form=form, failed=True, **context), 400
    return render_template("updates/unsubscribe.html", form=form, failed=False, **context)
