"""The signers' mails: which one a sign attempt causes, how often, and what each one says.

A sign request only records the attempt (see signing/services.py::sign); the outbox worker
decides here, when it takes the attempt up, whether a mail goes out and which one. So a request
for an address that signed before does exactly the work of one for a new address, and its
answer time tells nobody whether that address had signed.

The mails are built here and registered with the outbox (mail/messages.py) when the app is
built (``register_mails``, from the signing blueprint): mail sits below signing and knows
none of this.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Sequence

from flask import current_app
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Connection, Insert, and_, bindparam, case, insert, or_, select, update

from petitions.cases import translations
from petitions.cases.models import Petition, PetitionStatus
from petitions.extensions import db
from petitions.links import absolute_url
from petitions.mail import messages
from petitions.mail.messages import Mail, NotSendable, unlinkable
from petitions.mail.models import OutboxMessage
from petitions.signing.models import MAX_MAILS_PER_SIGNATURE, Signature, SignatureState
from petitions.tokens import confirm_token, holdings_token, withdraw_token


class MailKind(enum.StrEnum):
    """What a queued mail to a signer is; the value names its templates and its outbox rows."""

    CONFIRMATION = "confirmation_for_signer"
    ALREADY_SIGNED = "already_signed_for_signer"
    #: Somebody signed with an address; the worker turns it into one of the mails above, or
    #: drops it (mail_for_attempt). Never rendered as such.
    SIGN_ATTEMPT = "sign_attempt"


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
    return mails_for_attempts([(signature_id, attempted_at)])[0]


def mails_for_attempts(
    attempts: Sequence[tuple[int | None, dt.datetime]],
) -> list[MailKind | None]:
    """Decide which mail each sign attempt causes, as mail_for_attempt would one after the other.

    In one UPDATE for the attempts of distinct signatures rather than one per attempt: a
    signature's second attempt in ``attempts`` is decided in a second UPDATE, after its first
    was counted.

    :param attempts: each attempt's signature and time, in the order they were made.
    """
    kinds: list[MailKind | None] = [None] * len(attempts)
    rounds: list[dict[int, int]] = []  # each: signature -> position of its attempt
    for position, (signature_id, _attempted_at) in enumerate(attempts):
        if signature_id is None:
            continue
        for each in rounds:
            if signature_id not in each:
                each[signature_id] = position
                break
        else:
            rounds.append({signature_id: position})
    for each in rounds:
        states = _reserve_many({signature_id: attempts[p][1] for signature_id, p in each.items()})
        for signature_id, awaits_confirmation in states.items():
            # Not yet confirmed: pending, or invalidated by a rule before its owner confirmed,
            # who gets the link all the same (an invalidation is silent, as a quarantine is).
            kinds[each[signature_id]] = (
                MailKind.CONFIRMATION if awaits_confirmation else MailKind.ALREADY_SIGNED
            )
    return kinds


def _reserve_many(at: dict[int, dt.datetime]) -> dict[int, bool]:
    """_reserve for distinct signatures at once: of those counted, whether each awaits its
    owner's confirmation."""
    counted = db.session.execute(
        update(Signature)
        .where(
            Signature.id.in_(at),
            Signature.state != SignatureState.WITHDRAWN,
            Signature.mails_sent < MAX_MAILS_PER_SIGNATURE,
            or_(
                Signature.last_mail_at.is_(None),
                Signature.last_mail_at
                <= case(
                    {signature_id: when - RESEND_INTERVAL for signature_id, when in at.items()},
                    value=Signature.id,
                ),
            ),
        )
        .values(
            mails_sent=Signature.mails_sent + 1,
            last_mail_at=case(at, value=Signature.id),
        )
        # confirmed_at itself, tested here: SQLite answers "confirmed_at IS NULL" in a RETURNING
        # clause with 0 even where it is NULL.
        .returning(Signature.id, Signature.confirmed_at)
        .execution_options(synchronize_session=False)
    ).all()
    return {signature_id: confirmed_at is None for signature_id, confirmed_at in counted}


# --- queueing a sign attempt ------------------------------------------------------------------


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
            **messages.pending(MailKind.SIGN_ATTEMPT),
            "slug": slug,
            "email_normalized": email_normalized,
            "now": now,
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


# --- what the mails say -----------------------------------------------------------------------


def _link(endpoint: str, signature: Signature, **values: object) -> str:
    """A link for the signer, in the language they signed in, whatever device opens it."""
    return absolute_url(endpoint, lang=signature.locale, **values)


def _signer_mail(kind: MailKind, signature: Signature, subject: str, **context: object) -> Mail:
    """Render a mail to a signer: the typed values it quotes defused, a withdraw link in each."""
    withdraw_url = _link("signing.withdraw", signature, token=withdraw_token(signature.id))
    assert signature.email is not None
    return messages.render(
        kind,
        signature.email,
        subject,
        withdraw_url,
        signature.email_normalized,
        holdings_url=_link(
            "retention.holdings", signature, token=holdings_token(signature_id=signature.id)
        ),
        signature=signature,
        # The typed values a mail quotes back, defused (see unlinkable).
        signed_as={"name": unlinkable(signature.full_name), "city": unlinkable(signature.city)},
        petition=signature.petition,
        withdraw_url=withdraw_url,
        **context,
    )


def _confirmation(signature: Signature) -> Mail:
    """The mail whose link confirms a signature (and whose other link withdraws it)."""
    return _signer_mail(
        MailKind.CONFIRMATION,
        signature,
        _(
            "Please confirm your signature: %(title)s",
            title=translations.text(signature.petition, "title"),
        ),
        confirm_url=_link("signing.confirm", signature, token=confirm_token(signature.id)),
        max_age_days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def _already_signed(signature: Signature) -> Mail:
    """The short note to somebody whose address has already confirmed this petition."""
    petition = signature.petition
    return _signer_mail(
        MailKind.ALREADY_SIGNED,
        signature,
        _("You have already signed: %(title)s", title=translations.text(petition, "title")),
        petition_url=absolute_url("signing.petition", slug=petition.slug),
    )


def _for_signature(compose: Callable[[Signature], Mail]) -> messages.Builder:
    """Make a builder that reads the rows' signatures as the database holds them now (a
    withdrawal may have erased one since its row was claimed), all in one query, and composes
    each mail in its signer's language.

    A signature's petition is loaded once and then shared by every mail of the worker's batch
    (see mail/worker.py).
    """

    def prepare(signature_ids: Sequence[int | None]) -> list[Callable[[], Mail]]:
        wanted = {signature_id for signature_id in signature_ids if signature_id is not None}
        found = (
            {
                signature.id: signature
                for signature in db.session.execute(
                    select(Signature)
                    .where(Signature.id.in_(wanted))
                    .execution_options(populate_existing=True)
                ).scalars()
            }
            if wanted
            else {}
        )
        return [
            _composer(compose, found.get(signature_id) if signature_id is not None else None)
            for signature_id in signature_ids
        ]

    return prepare


def _composer(
    compose: Callable[[Signature], Mail], signature: Signature | None
) -> Callable[[], Mail]:
    def build() -> Mail:
        if signature is None or signature.email is None:
            raise NotSendable("the signature was erased")
        with force_locale(signature.locale):
            return compose(signature)

    return build


def register_mails(state: BlueprintSetupState) -> None:
    """Register the signers' mails with the outbox of the app the signing blueprint joins."""
    messages.register(state.app, MailKind.CONFIRMATION, _for_signature(_confirmation))
    messages.register(state.app, MailKind.ALREADY_SIGNED, _for_signature(_already_signed))
    messages.register_decision(state.app, MailKind.SIGN_ATTEMPT, mails_for_attempts)
