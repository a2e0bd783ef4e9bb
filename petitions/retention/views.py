"""The "what do you hold about me" page: a button that mails the address what is kept under it.

The page shows no personal data (a forwarded mail must not leak it); only the mail does. Its
link's token names the signature or letter the mail was about (tokens.HOLDINGS).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from petitions import tokens
from petitions.extensions import csrf
from petitions.limits import holdings_per_ip
from petitions.retention import holdings
from petitions.signing.forms import ButtonForm

bp = Blueprint("retention", __name__)
bp.record_once(holdings.register_mails)


def _bad_link(expired: bool) -> tuple[str, int]:
    return render_template("retention/holdings_link.html", expired=expired), 410 if expired else 404


@bp.route("/holdings/<token>", methods=["GET", "POST"], endpoint="holdings")
@csrf.exempt  # the button's form checks its own token (ButtonForm), after the link's
@holdings_per_ip
def holdings_page(token: str) -> ResponseReturnValue:
    """GET shows the button; the POST queues the mail of what is held about the address."""
    try:
        kind, source_id = tokens.read_holdings_token(token)
    except tokens.ExpiredLink:
        return _bad_link(expired=True)
    except tokens.InvalidLink:
        return _bad_link(expired=False)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("retention/holdings.html", form=form), 400
        if not holdings.request_mail(kind, source_id):
            return render_template("retention/holdings_sent.html", nothing=True)
        return render_template("retention/holdings_sent.html", nothing=False)
    if not holdings.holds_anything(kind, source_id):
        return render_template("retention/holdings_sent.html", nothing=True)
    return render_template("retention/holdings.html", form=form)
