"""Every outgoing mail: queued as a row that names it, rendered only when the worker sends it.

A queued row holds a kind and a signature, no address and no body. The worker renders the mail
from the signature at send time (templates/mail/<kind>.{txt,html}) in the signer's language, so
the outbox never stores the personal confirm and withdraw links, and a sign request pays
nothing for templates. The row joins the caller's transaction: a rolled-back signature never
mails anybody.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Connection, insert

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.links import absolute_url
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.signing.models import Signature
from petitions.signing.tokens import confirm_token, withdraw_token


class MailKind(enum.Enum):
    """What a queued mail is; the value names its templates."""

    CONFIRMATION = "confirmation_for_signer"
    ALREADY_SIGNED = "already_signed_for_signer"


class NotSendable(Exception):
    """The mail can no longer be built: its signature was erased, or its kind is unknown."""


@dataclass(frozen=True)
class Mail:
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str


_INSERT = insert(OutboxMessage.__table__)


def queue(kind: MailKind, signature_id: int, connection: Connection | None = None) -> None:
    """Add a mail to the outbox in the current transaction; the caller commits.

    :param connection: the transaction to join; the session's when not given.
    """
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >") or "localhost"
    now = utcnow()
    # Core: a sign request queues one row and tracks no object.
    (connection or db.session.connection()).execute(
        _INSERT,
        {
            "kind": kind.value,
            "signature_id": signature_id,
            "message_id": f"<{uuid.uuid4().hex}@{domain}>",
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def render(kind: str, signature: Signature | None) -> Mail:
    """Build a queued mail for its signature, in the signer's language.

    :raises NotSendable: if the signature is gone or erased, or the kind is unknown.
    """
    if signature is None or signature.email is None:
        raise NotSendable("the signature was erased")
    try:
        build = _BUILDERS[MailKind(kind)]
    except ValueError:
        raise NotSendable(f"unknown kind of mail: {kind}") from None
    if has_request_context():
        with force_locale(signature.locale):
            return build(signature, signature.email)
    # The worker runs outside any request; links need one to be built (BASE_URL gives the host).
    with current_app.test_request_context(), force_locale(signature.locale):
        return build(signature, signature.email)


def _render(kind: MailKind, recipient: str, subject: str, **context: object) -> Mail:
    return Mail(
        kind=kind.value,
        recipient=recipient,
        # One line whatever a title holds (old data, a form that missed it): a line break would
        # end the header, and the mail could not be built at all.
        subject=" ".join(subject.split()),
        body_text=render_template(f"mail/{kind.value}.txt", **context),
        body_html=render_template(f"mail/{kind.value}.html", **context),
    )


def _confirmation(signature: Signature, recipient: str) -> Mail:
    """The mail whose link confirms a signature (and whose other link withdraws it)."""
    petition = signature.petition
    return _render(
        MailKind.CONFIRMATION,
        recipient,
        _("Please confirm your signature: %(title)s", title=petition.title),
        signature=signature,
        petition=petition,
        confirm_url=absolute_url("signing.confirm", token=confirm_token(signature.id)),
        withdraw_url=absolute_url("signing.withdraw", token=withdraw_token(signature.id)),
        max_age_days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def _already_signed(signature: Signature, recipient: str) -> Mail:
    """The short note to somebody whose address has already confirmed this petition."""
    petition = signature.petition
    return _render(
        MailKind.ALREADY_SIGNED,
        recipient,
        _("You have already signed: %(title)s", title=petition.title),
        signature=signature,
        petition=petition,
        petition_url=absolute_url("cases.petition", slug=petition.slug),
        withdraw_url=absolute_url("signing.withdraw", token=withdraw_token(signature.id)),
    )


_BUILDERS: dict[MailKind, Callable[[Signature, str], Mail]] = {
    MailKind.CONFIRMATION: _confirmation,
    MailKind.ALREADY_SIGNED: _already_signed,
}
