"""Consent to a petition's updates: asked apart on the sign form, counted once confirmed.

The sign form's box is separate, optional and unticked (the EU citizens' initiative rules ask
as much). A ticked box is recorded with the signature, pending, with the exact wording the
signer was shown, its version and language; it takes effect only when the signature is
confirmed by mail (double opt-in), and a receipt then tells the signer what they agreed to,
with the link to change it (petitions/updates/ serves that page and sends the updates).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Connection,
    ForeignKey,
    Insert,
    String,
    and_,
    bindparam,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from petitions.cases import translations
from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.links import absolute_url
from petitions.mail import messages
from petitions.signing.mailing import _for_signature
from petitions.signing.models import Signature, SignatureState
from petitions.tokens import holdings_token, updates_token

#: The box's words. A change of meaning needs a new UPDATES_WORDING_VERSION: each record keeps
#: the words its signer was shown, in their language, and the version they belong to.
UPDATES_WORDING = _l(
    "The organizers may email me news of this petition (delivery, court dates, release). "
    "Nothing else."
)
UPDATES_WORDING_VERSION = "2026-12-1"

#: The receipt mailed once the consent takes effect.
RECEIPT_KIND = "updates_consent_receipt"


class UpdateConsent(db.Model):  # type: ignore[name-defined,misc]
    """A signer's consent to the updates of their petition (and its case): one per signature."""

    __tablename__ = "update_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The signature it came with; erased with it (updates/erasure.py deletes it on withdrawal).
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), unique=True
    )
    #: The words the signer was shown, exactly, in the language they were shown in.
    wording: Mapped[str] = mapped_column(String(500))
    #: The version of those words (UPDATES_WORDING_VERSION when given).
    version: Mapped[str] = mapped_column(String(20))
    #: The language of the wording.
    locale: Mapped[str] = mapped_column(String(10))
    #: When the box was ticked (the sign form sent, or the preferences page's button pressed).
    ticked_at: Mapped[dt.datetime]
    #: When the consent took effect: the signature's confirmation by mail, or the preferences
    #: page's button. NULL while the signature waits for confirmation: no update goes out then.
    given_at: Mapped[dt.datetime | None]
    #: When the signer took it back; NULL while it stands.
    withdrawn_at: Mapped[dt.datetime | None]
    #: How: "preferences" (the page's button) or "unsubscribe" (a mail's unsubscribe link).
    withdrawn_by: Mapped[str | None] = mapped_column(String(20))


def wording_now() -> str:
    """Return the box's words in the current language, as the record keeps them."""
    return str(UPDATES_WORDING)


@functools.cache
def _insert_pending(dialect: str) -> Insert:
    """INSERT a pending consent for the signature this very sign request created, if any.

    Only a signature created at :now by this address: a second sign attempt with somebody's
    address must not add a consent to their signature.
    """
    consents, signatures, petitions = (
        UpdateConsent.__table__.c,
        Signature.__table__.c,
        Petition.__table__.c,
    )
    found = (
        select(
            signatures.id,
            bindparam("wording", type_=consents.wording.type),
            bindparam("version", type_=consents.version.type),
            bindparam("locale", type_=consents.locale.type),
            bindparam("now", type_=consents.ticked_at.type),
        )
        .select_from(
            Signature.__table__.join(Petition.__table__, petitions.id == signatures.petition_id)
        )
        .where(
            petitions.slug == bindparam("slug"),
            signatures.email_normalized == bindparam("email_normalized"),
            signatures.created_at == bindparam("now"),
            signatures.state == SignatureState.PENDING,
        )
    )
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(UpdateConsent.__table__)
        .from_select(["signature_id", "wording", "version", "locale", "ticked_at"], found)
        .on_conflict_do_nothing(index_elements=["signature_id"])
    )


def record_pending(
    connection: Connection, slug: str, email_normalized: str, locale: str, now: dt.datetime
) -> None:
    """Record a ticked box with the signature sign() just inserted; the caller commits."""
    connection.execute(
        _insert_pending(connection.dialect.name),
        {
            "slug": slug,
            "email_normalized": email_normalized,
            "now": now,
            "wording": wording_now(),
            "version": UPDATES_WORDING_VERSION,
            "locale": locale,
        },
    )


def take_effect(connection: Connection, signature_id: int, now: dt.datetime) -> None:
    """Let a confirmed signature's pending consent count, and queue its receipt; caller commits."""
    consents = UpdateConsent.__table__.c
    given = connection.execute(
        update(UpdateConsent.__table__)
        .where(
            consents.signature_id == signature_id,
            consents.given_at.is_(None),
            consents.withdrawn_at.is_(None),
        )
        .values(given_at=now)
        .returning(consents.id)
    ).first()
    if given is not None:
        messages.queue(RECEIPT_KIND, signature_id, connection)


def consent_of(signature_id: int) -> UpdateConsent | None:
    """Return a signature's consent record, or None if it never gave one."""
    return db.session.execute(
        select(UpdateConsent).where(UpdateConsent.signature_id == signature_id)
    ).scalar_one_or_none()


def standing() -> ColumnElement[bool]:
    """The SQL condition of a consent that counts: given and not taken back."""
    return and_(UpdateConsent.given_at.is_not(None), UpdateConsent.withdrawn_at.is_(None))


def give(signature_ids: Sequence[int], locale: str, now: dt.datetime) -> None:
    """Record consent given (again) from the preferences page, in the current wording.

    Only for confirmed signatures; the caller commits.
    """
    for signature_id in signature_ids:
        consent = consent_of(signature_id)
        if consent is None:
            consent = UpdateConsent(signature_id=signature_id)
            db.session.add(consent)
        consent.wording = wording_now()
        consent.version = UPDATES_WORDING_VERSION
        consent.locale = locale
        consent.ticked_at = now
        consent.given_at = now
        consent.withdrawn_at = None
        consent.withdrawn_by = None


def withdraw(signature_ids: Sequence[int], by: str, now: dt.datetime) -> int:
    """Take consent back for these signatures (no more updates); the caller commits.

    :param by: "preferences" or "unsubscribe", kept with the record.
    :returns: how many standing consents were taken back.
    """
    if not signature_ids:
        return 0
    result = db.session.execute(
        update(UpdateConsent)
        .where(
            UpdateConsent.signature_id.in_(signature_ids),
            UpdateConsent.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now, withdrawn_by=by)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _receipt(signature: Signature) -> messages.Mail:
    """The receipt of a consent that took effect: the words agreed to, and how to change them."""
    consent = consent_of(signature.id)
    if consent is None or consent.given_at is None:
        raise messages.NotSendable("the consent was withdrawn or erased")
    petition = signature.petition
    preferences_url = absolute_url(
        "updates.preferences", lang=signature.locale, token=updates_token(signature.id)
    )
    assert signature.email is not None
    return messages.render(
        RECEIPT_KIND,
        signature.email,
        _("You will hear about: %(title)s", title=translations.text(petition, "title")),
        None,
        signature.email_normalized,
        signature=signature,
        petition=petition,
        consent=consent,
        preferences_url=preferences_url,
        holdings_url=absolute_url(
            "retention.holdings", lang=signature.locale, token=holdings_token(signature.id)
        ),
    )


def register_mails(state: BlueprintSetupState) -> None:
    """Register the consent receipt with the outbox of the app the signing blueprint joins."""
    messages.register(state.app, RECEIPT_KIND, _for_signature(_receipt))
