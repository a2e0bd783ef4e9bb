"""How often a signature may cause mail, and which mail a sign attempt causes.

A sign request only records the attempt (see signing/services.py::sign); the outbox worker
decides here, when it takes the attempt up, whether a mail goes out and which one. So a request
for an address that signed before does exactly the work of one for a new address, and its
answer time tells nobody whether that address had signed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, update

from petitions.extensions import db
from petitions.mail.messages import MailKind
from petitions.signing.models import MAX_MAILS_PER_SIGNATURE, Signature, SignatureState

#: A signature gets at most one mail in this interval (counted from the attempts' times).
RESEND_INTERVAL = dt.timedelta(minutes=10)


def _reserve(signature_id: int, at: dt.datetime) -> SignatureState | None:
    """Count one more mail for a signature if it is within its limits; return its state then."""
    return db.session.execute(
        update(Signature)
        .where(
            Signature.id == signature_id,
            Signature.state != SignatureState.WITHDRAWN,
            Signature.mails_sent < MAX_MAILS_PER_SIGNATURE,
            or_(Signature.last_mail_at.is_(None), Signature.last_mail_at <= at - RESEND_INTERVAL),
        )
        .values(mails_sent=Signature.mails_sent + 1, last_mail_at=at)
        .returning(Signature.state)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def reserve_mail(signature_id: int, at: dt.datetime) -> bool:
    """Count one more mail for a signature if it is within its limits; the caller commits.

    :param at: when the mail was asked for (the sign attempt or the resend button).
    :returns: whether the mail may go out: under MAX_MAILS_PER_SIGNATURE, and no mail asked
        for less than RESEND_INTERVAL before ``at``.
    """
    return _reserve(signature_id, at) is not None


def mail_for_attempt(signature_id: int | None, attempted_at: dt.datetime) -> MailKind | None:
    """Decide which mail a sign attempt causes, counting it; the caller commits.

    A pending signature gets its confirmation link, a confirmed one a short "already signed"
    note, each within the signature's limits; a withdrawn or erased one, or one over its
    limits, gets nothing.
    """
    state = _reserve(signature_id, attempted_at) if signature_id is not None else None
    if state is None:
        return None
    if state is SignatureState.PENDING:
        return MailKind.CONFIRMATION
    return MailKind.ALREADY_SIGNED
