"""The retention run: what is erased or anonymised, per petition (or case) and kind, and when.

Five kinds, each with its setting (petitions/retention_settings.py), each stated on the privacy
page (petitions/privacy/retention.py):

- ``unconfirmed-signatures``: signatures never confirmed, UNCONFIRMED_RETENTION_DAYS after they
  were made, are deleted (never counted, shown or printed, they leave nothing to keep);
- ``evidence``: the evidence of where signatures came from, past EVIDENCE_RETENTION_DAYS, as
  the worker's hourly chore erases it (petitions/signing/evidence.py), counted per petition;
- ``expired-allowances``: a street stall's connection allowed past the per-client limits
  (defence/models.py::AllowedClient, an IP network), EVIDENCE_RETENTION_DAYS after the
  allowance ended, like the evidence it was judged with;
- ``anonymised-signers``: every signature of a petition closed and delivered (the later of the
  two) ANONYMISE_AFTER_DAYS ago, unless an organizer extended it, loses what withdrawal erases
  (signing/services.py::ERASED_ON_WITHDRAWAL): name, addresses, city, comment, evidence. No
  hash of the address is kept, keyed or not, so no candidate address can be tested against
  it. State, country, source, language and times stay, so the count, the per-country totals
  and the bundles' records (the public verify page) stay as they were;
- ``unconfirmed-letters``: letters never confirmed, UNCONFIRMED_RETENTION_DAYS after they were
  written, are deleted;
- ``writers-emails``: the writer's address of a letter whose life is over (rejected, delivered,
  or released after a hold), LETTER_EMAIL_RETENTION_DAYS after that.

Each batch of RETENTION_BATCH_SIZE rows is one transaction, in which signing.signals'
``erasing`` is announced so the areas above drop their own rows about those signers. A dry run
counts the same rows and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select, update

from petitions.bundles.models import Delivery
from petitions.cases.models import Case, Petition, PetitionStatus
from petitions.clock import utcnow
from petitions.defence import evidence
from petitions.defence.models import AllowedClient
from petitions.extensions import db
from petitions.letters.models import Letter, LetterDelivery, LetterState
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.privacy import storage
from petitions.retention.models import RetentionExtension
from petitions.signing import signals
from petitions.signing.models import Signature, SignatureState
from petitions.signing.services import ERASED_ON_WITHDRAWAL

log = logging.getLogger(__name__)

#: What anonymisation erases: what withdrawal does, so a signer who waited loses no more and
#: keeps no more than one who withdrew (and the privacy page lists it once).
ANONYMISED = dict(ERASED_ON_WITHDRAWAL)

UNCONFIRMED_SIGNATURES = "unconfirmed-signatures"
EVIDENCE = "evidence"
EXPIRED_ALLOWANCES = "expired-allowances"
ANONYMISED_SIGNERS = "anonymised-signers"
UNCONFIRMED_LETTERS = "unconfirmed-letters"
WRITERS_EMAILS = "writers-emails"


@dataclass(frozen=True)
class Erased:
    """One line of a run's report: how many rows of a kind, for a petition or a case."""

    #: "petition <slug>" or "case <slug>": names nobody.
    subject: str
    kind: str
    count: int


def _days(setting: str) -> dt.timedelta:
    return dt.timedelta(days=int(current_app.config[setting]))


def _batch() -> int:
    return int(current_app.config["RETENTION_BATCH_SIZE"])


# --- which rows ------------------------------------------------------------------------------


def _unconfirmed_signatures(now: dt.datetime) -> ColumnElement[bool]:
    cutoff = now - _days("UNCONFIRMED_RETENTION_DAYS")
    return (Signature.state == SignatureState.PENDING) & (Signature.created_at < cutoff)


def _expired_allowances(now: dt.datetime) -> ColumnElement[bool]:
    return AllowedClient.until < now - _days("EVIDENCE_RETENTION_DAYS")


def _unconfirmed_letters(now: dt.datetime) -> ColumnElement[bool]:
    cutoff = now - _days("UNCONFIRMED_RETENTION_DAYS")
    return (Letter.state == LetterState.PENDING) & (Letter.created_at < cutoff)


def _letters_over(now: dt.datetime) -> ColumnElement[bool]:
    """Letters whose life ended LETTER_EMAIL_RETENTION_DAYS ago and still keep an address."""
    cutoff = now - _days("LETTER_EMAIL_RETENTION_DAYS")
    delivered = (
        select(LetterDelivery.id)
        .where(LetterDelivery.batch_id == Letter.batch_id, LetterDelivery.created_at < cutoff)
        .exists()
    )
    return Letter.email.is_not(None) & (
        ((Letter.state == LetterState.REJECTED) & (Letter.decided_at < cutoff))
        | ((Letter.state == LetterState.RELEASED) & (Letter.resolved_at < cutoff))
        | ((Letter.state == LetterState.DELIVERED) & delivered)
    )


def delivered_at(petition_id: int) -> dt.datetime | None:
    """Return when the petition's last delivery was recorded, or None if none was."""
    found: dt.datetime | None = db.session.execute(
        select(func.max(Delivery.created_at)).where(Delivery.petition_id == petition_id)
    ).scalar_one()
    return found


def extended_until(petition_id: int) -> RetentionExtension | None:
    """Return the petition's latest extension (the one in force, if its day has not passed)."""
    return db.session.execute(
        select(RetentionExtension)
        .where(RetentionExtension.petition_id == petition_id)
        .order_by(RetentionExtension.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def anonymisation_due(petition: Petition, now: dt.datetime | None = None) -> dt.datetime | None:
    """Return when the petition's signers are due to be anonymised; None: not before it is
    closed and delivered (or it was done already)."""
    if petition.signers_anonymised_at is not None:
        return None
    delivered = delivered_at(petition.id)
    if petition.status is not PetitionStatus.CLOSED or petition.closes_at is None:
        return None
    if delivered is None:
        return None
    due = max(petition.closes_at, delivered) + _days("ANONYMISE_AFTER_DAYS")
    extension = extended_until(petition.id)
    if extension is not None:
        due = max(due, dt.datetime.combine(extension.until + dt.timedelta(days=1), dt.time.min))
    return due


def _due_petitions(now: dt.datetime) -> list[Petition]:
    closed = db.session.execute(
        select(Petition).where(
            Petition.status == PetitionStatus.CLOSED,
            Petition.signers_anonymised_at.is_(None),
            Petition.closes_at.is_not(None),
            Petition.closes_at <= now - _days("ANONYMISE_AFTER_DAYS"),
        )
    ).scalars()
    return [
        petition
        for petition in closed
        if (due := anonymisation_due(petition, now)) is not None and due <= now
    ]


def _not_withdrawn(petition_id: int) -> ColumnElement[bool]:
    return (Signature.petition_id == petition_id) & (Signature.state != SignatureState.WITHDRAWN)


# --- counting what a run does ----------------------------------------------------------------


def _count_per(key: Any, condition: ColumnElement[bool], of: Any) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(key, func.count()).select_from(of).where(condition).group_by(key)
        ).all()
    )


def _slugs(model: Any, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.slug).where(model.id.in_(ids))).all())


def _lines(kind: str, what: str, model: Any, counts: dict[int, int]) -> list[Erased]:
    slugs = _slugs(model, list(counts))
    return [Erased(f"{what} {slugs[key]}", kind, int(counts[key])) for key in sorted(counts)]


def plan(now: dt.datetime | None = None) -> list[Erased]:
    """Count, per petition (or case) and kind, what a run at ``now`` would erase. Writes nothing."""
    now = now or utcnow()
    lines = _lines(
        UNCONFIRMED_SIGNATURES,
        "petition",
        Petition,
        _count_per(Signature.petition_id, _unconfirmed_signatures(now), Signature),
    )
    expired = evidence.expired_key_ids(now)
    if expired:
        lines += _lines(
            EVIDENCE,
            "petition",
            Petition,
            _count_per(Signature.petition_id, Signature.client_key_id.in_(expired), Signature),
        )
    lines += _lines(
        EXPIRED_ALLOWANCES,
        "petition",
        Petition,
        _count_per(AllowedClient.petition_id, _expired_allowances(now), AllowedClient),
    )
    for petition in _due_petitions(now):
        count = _count_per(Signature.petition_id, _not_withdrawn(petition.id), Signature)
        lines.append(
            Erased(f"petition {petition.slug}", ANONYMISED_SIGNERS, count.get(petition.id, 0))
        )
    lines += _lines(
        UNCONFIRMED_LETTERS,
        "case",
        Case,
        _count_per(Letter.case_id, _unconfirmed_letters(now), Letter),
    )
    lines += _lines(
        WRITERS_EMAILS, "case", Case, _count_per(Letter.case_id, _letters_over(now), Letter)
    )
    db.session.rollback()
    return lines


# --- doing it --------------------------------------------------------------------------------


def _drop_unsent(signature_ids: Sequence[int] = (), letter_ids: Sequence[int] = ()) -> None:
    """Delete the unsent mail of these signatures or letters, and unlink their sent mail."""
    for column, ids in (
        (OutboxMessage.signature_id, signature_ids),
        (OutboxMessage.letter_id, letter_ids),
    ):
        if not ids:
            continue
        db.session.execute(
            delete(OutboxMessage).where(
                column.in_(ids), OutboxMessage.status == OutboxStatus.PENDING
            )
        )
        db.session.execute(
            update(OutboxMessage)
            .where(column.in_(ids))
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )


def _in_batches(query: ColumnElement[bool], of: Any, act: Callable[[list[int]], None]) -> int:
    """Apply ``act(ids)`` to the rows matching ``query``, a batch per transaction."""
    done = 0
    while True:
        ids = list(
            db.session.execute(select(of.id).where(query).order_by(of.id).limit(_batch())).scalars()
        )
        if not ids:
            return done
        act(ids)
        db.session.commit()
        done += len(ids)


def _delete_signatures(ids: list[int]) -> None:
    _drop_unsent(signature_ids=ids)
    signals.announce_erasing(ids)
    db.session.execute(delete(Signature).where(Signature.id.in_(ids)))


def _delete_allowances(ids: list[int]) -> None:
    db.session.execute(delete(AllowedClient).where(AllowedClient.id.in_(ids)))


def _delete_letters(ids: list[int]) -> None:
    _drop_unsent(letter_ids=ids)
    db.session.execute(delete(Letter).where(Letter.id.in_(ids)))


def _forget_writers(ids: list[int]) -> None:
    _drop_unsent(letter_ids=ids)
    db.session.execute(
        update(Letter)
        .where(Letter.id.in_(ids))
        .values(email=None, email_normalized=None, tell_writer=False)
        .execution_options(synchronize_session=False)
    )


def _anonymise(ids: list[int]) -> None:
    _drop_unsent(signature_ids=ids)
    signals.announce_erasing(ids)
    db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids))
        .values(**ANONYMISED)
        .execution_options(synchronize_session=False)
    )


def still_personal(petition_id: int) -> ColumnElement[bool]:
    # Every field ANONYMISED sets, still set: a batch that committed is not taken again.
    return _not_withdrawn(petition_id) & (
        Signature.email.is_not(None)
        | (Signature.full_name != "")
        | (Signature.city != "")
        | Signature.comment.is_not(None)
        | Signature.client_hash.is_not(None)
        | Signature.return_url.is_not(None)
    )


def anonymise_petition(petition: Petition, now: dt.datetime) -> int:
    """Anonymise every signature of a petition, a batch at a time, then record it on the petition.

    :returns: how many signatures were anonymised.
    """
    slug, petition_id = petition.slug, petition.id
    done = _in_batches(still_personal(petition_id), Signature, _anonymise)
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signers_anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.info("signers of petition %s anonymised (%d signatures)", slug, done)
    return done


def run(now: dt.datetime | None = None, dry_run: bool = False) -> list[Erased]:
    """Erase and anonymise what is due at ``now``; report it per petition (or case) and kind.

    The report counts the rows found due when the run began; each batch then takes only rows
    still due (a signature confirmed meanwhile is kept), so under traffic it may say one more.

    :param dry_run: only count what would be done (``plan``); nothing is written.
    """
    now = now or utcnow()
    lines = plan(now)
    if dry_run:
        return lines
    _in_batches(_unconfirmed_signatures(now), Signature, _delete_signatures)
    expired = evidence.expired_key_ids(now)
    if expired:
        _in_batches(Signature.client_key_id.in_(expired), Signature, _erase_evidence)
        evidence.delete_keys(expired)
        db.session.commit()
    _in_batches(_expired_allowances(now), AllowedClient, _delete_allowances)
    for petition in _due_petitions(now):
        anonymise_petition(petition, now)
    _in_batches(_unconfirmed_letters(now), Letter, _delete_letters)
    _in_batches(_letters_over(now), Letter, _forget_writers)
    if lines:
        storage.checkpoint_after_erasure()
    for line in lines:
        log.info("retention: %s, %s: %d", line.subject, line.kind, line.count)
    return lines


def _erase_evidence(ids: list[int]) -> None:
    db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids))
        .values(client_key_id=None, client_hash=None, client_group_hash=None)
        .execution_options(synchronize_session=False)
    )


def run_daily() -> None:
    """What the mail worker runs once a day: the retention run, logged (counts only)."""
    run()
