"""Every outgoing mail, one function each, rendered from templates/mail/<function name>.{txt,html}.

The functions only build and queue: the row joins the caller's transaction and the worker
sends it after the commit, so a rolled-back signature never mails anybody.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.links import absolute_url
from petitions.mail.models import OutboxMessage
from petitions.signing.models import Signature
from petitions.signing.tokens import confirm_token, withdraw_token


@dataclass(frozen=True)
class Mail:
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str


def _render(kind: str, recipient: str, subject: str, **context: object) -> Mail:
    return Mail(
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=render_template(f"mail/{kind}.txt", **context),
        body_html=render_template(f"mail/{kind}.html", **context),
    )


def queue(mail: Mail, signature: Signature | None = None) -> OutboxMessage:
    """Add a mail to the outbox in the current transaction; the caller commits."""
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >") or "localhost"
    now = utcnow()
    message = OutboxMessage(
        kind=mail.kind,
        signature_id=signature.id if signature is not None else None,
        recipient=mail.recipient,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message


def confirmation_for_signer(signature: Signature) -> Mail:
    """Build the mail whose link confirms a signature (and whose other link withdraws it)."""
    assert signature.email is not None, "an erased signature gets no mail"
    petition = signature.petition
    with force_locale(signature.locale):
        return _render(
            "confirmation_for_signer",
            signature.email,
            _("Please confirm your signature: %(title)s", title=petition.title),
            signature=signature,
            petition=petition,
            confirm_url=absolute_url("signing.confirm", token=confirm_token(signature.id)),
            withdraw_url=absolute_url("signing.withdraw", token=withdraw_token(signature.id)),
            max_age_days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
        )


def already_signed_for_signer(signature: Signature) -> Mail:
    """Build the short note to somebody whose address has already confirmed this petition."""
    assert signature.email is not None, "an erased signature gets no mail"
    petition = signature.petition
    with force_locale(signature.locale):
        return _render(
            "already_signed_for_signer",
            signature.email,
            _("You have already signed: %(title)s", title=petition.title),
            signature=signature,
            petition=petition,
            petition_url=absolute_url("cases.petition", slug=petition.slug),
            withdraw_url=absolute_url("signing.withdraw", token=withdraw_token(signature.id)),
        )
