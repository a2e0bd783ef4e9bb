"""The statements a sign and a confirmation run, each built once per process.

Under a crowd a sign POST then costs neither building its INSERT nor a SELECT of the petition
before it, and a confirmation neither its UPDATE nor a lock on the petition row
(signing/services.py runs them).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Insert,
    String,
    Update,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from petitions.cases.models import Petition, PetitionStatus
from petitions.signing.models import Signature, SignatureState

#: The columns a new signature gets from the sign form (and the moment of signing).
_NEW_SIGNATURE_COLUMNS = (
    "full_name",
    "email",
    "email_normalized",
    "country",
    "city",
    "comment",
    "show_name_publicly",
    "may_contact",
    "name_in_bundle",
    "source",
    "locale",
    "return_url",
    "set_aside_reason",
    "client_key_id",
    "client_hash",
    "client_group_hash",
    "created_at",
    "mails_sent",
    "last_mail_at",
    "state",
)


@functools.cache
def insert_if_open(dialect: str) -> Insert:
    """INSERT a signature for the petition with slug :slug if it accepts signatures at :now.

    One statement finds the petition, checks that it is open and inserts, unless the address
    has signed it already: no petition is loaded, and no close can slip in between the check
    and the insert. Built once per process (per dialect: ON CONFLICT is spelled by each).
    """
    signatures, petitions = Signature.__table__.c, Petition.__table__.c
    open_petition = select(
        petitions.id,
        *(
            name_in_bundle(petitions)
            if name == "name_in_bundle"
            else bindparam(name, type_=signatures[name].type)
            for name in _NEW_SIGNATURE_COLUMNS
        ),
    ).where(
        petitions.slug == bindparam("slug"),
        petitions.status == PetitionStatus.OPEN,
        or_(petitions.closes_at.is_(None), petitions.closes_at > bindparam("now")),
    )
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(Signature.__table__)
        .from_select(["petition_id", *_NEW_SIGNATURE_COLUMNS], open_petition)
        .on_conflict_do_nothing(index_elements=["petition_id", "email_normalized"])
    )


def name_in_bundle(petitions: Any) -> ColumnElement[bool]:
    """The signer's own answer; without one, yes unless they live in the addressee's country.

    Decided in the INSERT, against the petition it finds: a signer from Belarus who did not
    say yes is never printed by name in a bundle for the Belarusian embassy, whatever the
    client sent or left out.
    """
    # CAST: PostgreSQL cannot tell the type of a parameter that is only ever NULL.
    choice = cast(bindparam("name_in_bundle", type_=Boolean()), Boolean())
    at_home = and_(
        petitions.addressee_country.is_not(None),
        petitions.addressee_country == bindparam("country", type_=String(2)),
    )
    return func.coalesce(choice, case((at_home, false()), else_=true()))


def takes_confirmations(cutoff: Any) -> ColumnElement[bool]:
    # Open with no end date, or closed (by status or by date) after the cutoff.
    return and_(
        Petition.status != PetitionStatus.DRAFT,
        or_(
            and_(Petition.status == PetitionStatus.OPEN, Petition.closes_at.is_(None)),
            Petition.closes_at > cutoff,
        ),
    )


@functools.cache
def confirm_if_pending() -> Update:
    """UPDATE the signature :signature_id to confirmed at :now if pending and its petition takes
    confirmations (judged against :cutoff); RETURNING its petition's id and slug (the slug names
    the cached count to drop). Built once per process: a confirmation under a crowd then costs
    neither building the statement nor a SELECT of the petition before it.
    """
    signatures, petitions = Signature.__table__.c, Petition.__table__.c
    still_open = (
        select(petitions.id)
        .where(
            petitions.id == signatures.petition_id,
            takes_confirmations(bindparam("cutoff", type_=petitions.closes_at.type)),
        )
        .exists()
    )
    slug = select(petitions.slug).where(petitions.id == signatures.petition_id).scalar_subquery()
    return (
        update(Signature.__table__)
        .where(
            signatures.id == bindparam("signature_id"),
            signatures.state == SignatureState.PENDING,
            still_open,
        )
        .values(
            # Held for review instead of counted when it was over a quarantine limit.
            state=case(
                (
                    signatures.set_aside_reason.is_(None),
                    literal(SignatureState.CONFIRMED, signatures.state.type),
                ),
                else_=literal(SignatureState.QUARANTINED, signatures.state.type),
            ),
            confirmed_at=bindparam("now", type_=signatures.confirmed_at.type),
        )
        .returning(signatures.petition_id, slug, signatures.state)
    )
