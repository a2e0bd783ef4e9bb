"""Every outgoing mail: queued as a row that names it, rendered only when the worker sends it.

A queued row holds a kind and a signature, no address and no body. The worker renders the mail
from the signature at send time (templates/mail/<kind>.{txt,html}) in the signer's language, so
the outbox never stores the personal confirm and withdraw links, and a sign request pays
nothing for templates. The row joins the caller's transaction: a rolled-back signature never
mails anybody.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Connection, Insert, and_, bindparam, insert, or_, select

from petitions.cases.models import Petition, PetitionStatus
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
    #: Somebody signed with an address; the worker turns it into one of the mails above, or
    #: drops it (signing/mailing.py::mail_for_attempt). Never rendered as such.
    SIGN_ATTEMPT = "sign_attempt"


class NotSendable(Exception):
    """The mail can no longer be built: its signature was erased, or its kind is unknown."""


@dataclass(frozen=True)
class Mail:
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    #: The withdraw link, for List-Unsubscribe (RFC 2369) and its one-click POST (RFC 8058).
    unsubscribe_url: str | None = None


#: Runs of text a mail client could take for a link: a scheme, "www.", or a dotted name.
_LINK_LIKE = re.compile(r"\S*(?:://|www\.|\w\.\w)\S*", re.IGNORECASE)
#: Look-alikes that no client links: ONE DOT LEADER, DIVISION SLASH, FULLWIDTH COMMERCIAL AT.
_UNLINKED = str.maketrans({".": "\u2024", "/": "\u2215", "@": "\uff20"})


def unlinkable(typed: str) -> str:
    """Return what a signer typed with anything link-like defused, for quoting it in a mail.

    Clients turn "example.org" or "https://…" in plain text into links, so a name would become
    a link in a mail from the service's own address. The dots and slashes of such runs are
    replaced by characters that look alike but are no part of any address; other text stays.
    """
    return _LINK_LIKE.sub(lambda match: match.group(0).translate(_UNLINKED), typed)


_INSERT = insert(OutboxMessage.__table__)


def _message_id() -> str:
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue(kind: MailKind, signature_id: int, connection: Connection | None = None) -> None:
    """Add a mail to the outbox in the current transaction; the caller commits.

    :param connection: the transaction to join; the session's when not given.
    """
    now = utcnow()
    (connection or db.session.connection()).execute(
        _INSERT,
        {
            "kind": kind.value,
            "signature_id": signature_id,
            "message_id": _message_id(),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        },
    )


def queue_sign_attempt(
    connection: Connection, slug: str, email_normalized: str, now: dt.datetime
) -> bool:
    """Queue a sign attempt for the signature of this address on this petition, if it is open.

    One statement, the same whether the address signed a moment ago or long before: it finds
    the signature by petition and address, so the caller need not know which it was.

    :returns: False if no open petition has this slug (nothing was queued).
    """
    result = connection.execute(
        _insert_attempt(),
        {
            "slug": slug,
            "email_normalized": email_normalized,
            "now": now,
            "kind": MailKind.SIGN_ATTEMPT.value,
            "message_id": _message_id(),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
        },
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … SELECT.
    return result.first() is not None


@functools.cache
def _insert_attempt() -> Insert:
    """INSERT an outbox row naming the signature of :email_normalized on open petition :slug."""
    outbox, signatures = OutboxMessage.__table__.c, Signature.__table__.c
    petitions = Petition.__table__.c
    attempt = (
        select(
            bindparam("kind", type_=outbox.kind.type),
            signatures.id,
            bindparam("message_id", type_=outbox.message_id.type),
            bindparam("status", type_=outbox.status.type),
            bindparam("attempts", type_=outbox.attempts.type),
            bindparam("now", type_=outbox.next_attempt_at.type),
            bindparam("now", type_=outbox.created_at.type),
        )
        .select_from(
            # An outer join: a signature withdrawn in between still leaves one row (naming no
            # signature, so the worker drops it) and the answer stays the same.
            Petition.__table__.outerjoin(
                Signature.__table__,
                and_(
                    signatures.petition_id == petitions.id,
                    signatures.email_normalized == bindparam("email_normalized"),
                ),
            )
        )
        .where(
            petitions.slug == bindparam("slug"),
            petitions.status == PetitionStatus.OPEN,
            or_(petitions.closes_at.is_(None), petitions.closes_at > bindparam("now")),
        )
    )
    columns = ["kind", "signature_id", "message_id", "status", "attempts"]
    return (
        insert(OutboxMessage.__table__)
        .from_select([*columns, "next_attempt_at", "created_at"], attempt)
        .returning(outbox.id)
    )


def render(kind: str, signature: Signature | None) -> Mail:
    """Build a queued mail for its signature, in the signer's language.

    :raises NotSendable: if the signature is gone or erased, or the kind is unknown.
    """
    if signature is None or signature.email is None:
        raise NotSendable("the signature was erased")
    try:
        build = _BUILDERS[MailKind(kind)]
    except (ValueError, KeyError):
        raise NotSendable(f"unknown kind of mail: {kind}") from None
    if has_request_context():
        with force_locale(signature.locale):
            return build(signature, signature.email)
    # The worker runs outside any request; links need one to be built (BASE_URL gives the host).
    with current_app.test_request_context(), force_locale(signature.locale):
        return build(signature, signature.email)


def _signed_as(signature: Signature) -> dict[str, str]:
    """The typed values a mail quotes back, defused (see unlinkable)."""
    return {"name": unlinkable(signature.full_name), "city": unlinkable(signature.city)}


def _link(endpoint: str, signature: Signature, **values: object) -> str:
    """A link for the signer, in the language they signed in, whatever device opens it."""
    return absolute_url(endpoint, lang=signature.locale, **values)


def _render(
    kind: MailKind, recipient: str, subject: str, unsubscribe_url: str, **context: object
) -> Mail:
    return Mail(
        kind=kind.value,
        recipient=recipient,
        # One line whatever a title holds (old data, a form that missed it): a line break would
        # end the header, and the mail could not be built at all.
        subject=" ".join(subject.split()),
        body_text=render_template(f"mail/{kind.value}.txt", **context),
        body_html=render_template(f"mail/{kind.value}.html", **context),
        unsubscribe_url=unsubscribe_url,
    )


def _confirmation(signature: Signature, recipient: str) -> Mail:
    """The mail whose link confirms a signature (and whose other link withdraws it)."""
    petition = signature.petition
    withdraw_url = _link("signing.withdraw", signature, token=withdraw_token(signature.id))
    return _render(
        MailKind.CONFIRMATION,
        recipient,
        _("Please confirm your signature: %(title)s", title=petition.title),
        withdraw_url,
        signature=signature,
        signed_as=_signed_as(signature),
        petition=petition,
        confirm_url=_link("signing.confirm", signature, token=confirm_token(signature.id)),
        withdraw_url=withdraw_url,
        max_age_days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def _already_signed(signature: Signature, recipient: str) -> Mail:
    """The short note to somebody whose address has already confirmed this petition."""
    petition = signature.petition
    withdraw_url = _link("signing.withdraw", signature, token=withdraw_token(signature.id))
    return _render(
        MailKind.ALREADY_SIGNED,
        recipient,
        _("You have already signed: %(title)s", title=petition.title),
        withdraw_url,
        signature=signature,
        signed_as=_signed_as(signature),
        petition=petition,
        petition_url=absolute_url("signing.petition", slug=petition.slug),
        withdraw_url=withdraw_url,
    )


_BUILDERS: dict[MailKind, Callable[[Signature, str], Mail]] = {
    MailKind.CONFIRMATION: _confirmation,
    MailKind.ALREADY_SIGNED: _already_signed,
}
