"""Reading and writing cases, their timelines and petitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, load_only, selectinload, undefer

from petitions.accounts.models import Organizer
from petitions.accounts.services import grant
from petitions.cases import pictures, portraits, signals, translations
from petitions.cases.models import (
    Case,
    CaseStatus,
    DetentionPeriod,
    EntryKind,
    Petition,
    PetitionStatus,
    Portrait,
    TimelineEntry,
    TimelinePhoto,
)
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.transactions import commit_or_raise

#: Petitions visible on public pages; drafts are only for their organizers.
PUBLIC_STATUSES = (PetitionStatus.OPEN, PetitionStatus.CLOSED)


def open_petitions() -> Sequence[Petition]:
    """Return open petitions, the most signed first."""
    return (
        db.session.execute(
            select(Petition)
            .where(Petition.status == PetitionStatus.OPEN)
            .options(selectinload(Petition.case))
            .order_by(Petition.signature_count.desc(), Petition.id)
        )
        .scalars()
        .all()
    )


def public_case(slug: str) -> Case | None:
    """Return a case by slug, or None."""
    return db.session.execute(
        select(Case)
        .where(Case.slug == slug)
        .options(
            selectinload(Case.timeline).selectinload(TimelineEntry.photo),
            selectinload(Case.portrait),
            selectinload(Case.detentions),
        )
    ).scalar_one_or_none()


def named_case(slug: str) -> Case | None:
    """Return a case by slug with only what a page that names it reads (its name in its
    language, its status), or None; any other field is read when first used.

    For the pages about a case that are not the case page (the letters' write page and wall):
    public_case loads its timeline, portrait and detentions, ~15 % of such a page's time.
    """
    return db.session.execute(
        select(Case)
        .where(Case.slug == slug)
        .options(
            load_only(
                Case.id,
                Case.slug,
                Case.prisoner_name,
                Case.language,
                Case.status,
                Case.detention_country,
            )
        )
    ).scalar_one_or_none()


def portrait_of(slug: str, digest: str) -> Portrait | None:
    """Return a case's portrait with its image, if it still has this digest, else None."""
    return db.session.execute(
        select(Portrait)
        .join(Case)
        .where(Case.slug == slug, Portrait.digest == digest)
        .options(undefer(Portrait.data))
    ).scalar_one_or_none()


def public_petitions_of(case: Case) -> Sequence[Petition]:
    """Return a case's open and closed petitions."""
    return (
        db.session.execute(
            select(Petition)
            .where(Petition.case_id == case.id, Petition.status.in_(PUBLIC_STATUSES))
            .order_by(Petition.id)
        )
        .scalars()
        .all()
    )


def public_petition(slug: str) -> Petition | None:
    """Return an open or closed petition by slug, or None (drafts are not public)."""
    return db.session.execute(
        select(Petition)
        .where(Petition.slug == slug, Petition.status.in_(PUBLIC_STATUSES))
        # One query: a petition has one case, joined in rather than fetched by a second one.
        .options(joinedload(Petition.case))
    ).scalar_one_or_none()


def petition_by_slug(slug: str) -> Petition | None:
    """Return a petition in any state by slug, or None (for organizers' tools)."""
    return db.session.execute(select(Petition).where(Petition.slug == slug)).scalar_one_or_none()


def petition_to_sign(slug: str) -> Petition | None:
    """Return an open or closed petition by slug, loading only the petition (the sign path)."""
    return db.session.execute(
        select(Petition).where(Petition.slug == slug, Petition.status.in_(PUBLIC_STATUSES))
    ).scalar_one_or_none()


# --- organizers' changes -------------------------------------------------------------------


class SlugTaken(Exception):
    """Another case or petition already uses this address."""


#: Fields an organizer edits on a case and on a petition (the forms carry the same names).
#: A case's arrested_on is given once, on creation: later the periods say it (periods.py).
CASE_FIELDS = (
    "slug",
    "prisoner_name",
    "detention_country",
    "detention_place",
    "sentence",
    "status_since",
    "bio",
    "portrait_alt",
    "language",
)
PETITION_FIELDS = (
    "slug",
    "title",
    "summary",
    "body",
    "addressee",
    "addressee_country",
    "goal",
    "language",
)


def free_slug(model: type[Case] | type[Petition], slug: str) -> str:
    """Return a slug like ``slug`` that no case (or no petition) uses: ``slug-2``, ``slug-3``…"""
    stem = slug[:72].rstrip("-")
    used = set(db.session.execute(select(model.slug).where(model.slug.like(f"{stem}-%"))).scalars())
    number = 2
    while f"{stem}-{number}" in used:
        number += 1
    return f"{stem}-{number}"


def _set_portrait(case: Case, prepared: portraits.PreparedPortrait) -> None:
    if case.portrait is None:
        case.portrait = Portrait()
    pictures.fill(case.portrait, prepared)


def create_case(
    values: Mapping[str, Any],
    status: CaseStatus,
    creator: Organizer,
    portrait: bytes | None = None,
) -> Case:
    """Create a case and let its creator run it; its date of arrest opens its first period
    of detention (its organizer page then asks for its end if the case is not detained).

    :param portrait: an uploaded image file's bytes, or None.
    :raises SlugTaken: if the slug is in use.
    :raises PortraitRefused: if the upload is not a usable image (nothing is written).
    """
    prepared = portraits.prepare(portrait) if portrait else None
    case = Case(
        **{name: values.get(name) for name in CASE_FIELDS},
        arrested_on=values["arrested_on"],
        status=status,
    )
    case.detentions = [
        DetentionPeriod(
            started_on=values["arrested_on"],
            ended_on=None,
            place=values["detention_place"],
            note="",
        )
    ]
    if prepared is not None:
        _set_portrait(case, prepared)
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SlugTaken() from None
    grant(creator, case.id)
    commit_or_raise(SlugTaken())
    return case


def update_case(
    case: Case,
    values: Mapping[str, Any],
    status: CaseStatus,
    portrait: bytes | None = None,
    remove_portrait: bool = False,
) -> None:
    """Change a case's details, and its portrait if one was uploaded or removed.

    :raises SlugTaken: if the new slug is in use.
    :raises PortraitRefused: if the upload is not a usable image (nothing is written).
    """
    prepared = portraits.prepare(portrait) if portrait else None
    was_detained, place = case.status is CaseStatus.DETAINED, case.detention_place
    for name in CASE_FIELDS:
        if name in values:
            setattr(case, name, values[name] if values[name] is not None else _EMPTY.get(name))
    case.status = status
    if prepared is not None:
        _set_portrait(case, prepared)
    elif remove_portrait and case.portrait is not None:
        digest = case.portrait.digest
        case.portrait = None
        pictures.forget(digest)
    if was_detained and status is not CaseStatus.DETAINED:
        signals.announce_whereabouts_changed(case, "status")
    elif status is CaseStatus.DETAINED and case.detention_place != place:
        signals.announce_whereabouts_changed(case, "place")
    commit_or_raise(SlugTaken())


#: What a field left empty on a form is stored as (None for a nullable column).
_EMPTY = {"sentence": "", "bio": "", "portrait_alt": "", "text": "", "photo_alt": ""}


def _entry_values(entry: TimelineEntry, values: Mapping[str, Any]) -> None:
    entry.happened_on = values["happened_on"]
    entry.kind = EntryKind(values.get("kind") or EntryKind.OTHER.value)
    entry.title = values["title"]
    entry.text = values.get("text") or ""
    entry.link = values.get("link") or None
    entry.photo_alt = values.get("photo_alt") or ""


def _set_photo(entry: TimelineEntry, prepared: portraits.PreparedPortrait | None) -> None:
    if prepared is None:
        return
    if entry.photo is None:
        entry.photo = TimelinePhoto()
    pictures.fill(entry.photo, prepared)


def add_timeline_entry(
    case: Case, values: Mapping[str, Any], photo: bytes | None = None
) -> TimelineEntry:
    """Add a dated event to a case's timeline, with a photo if one was uploaded.

    :raises PortraitRefused: if the upload is not a usable image (nothing is written).
    """
    prepared = portraits.prepare(photo) if photo else None
    entry = TimelineEntry(case=case)
    _entry_values(entry, values)
    _set_photo(entry, prepared)
    db.session.add(entry)
    db.session.commit()
    return entry


def update_timeline_entry(
    entry: TimelineEntry,
    values: Mapping[str, Any],
    photo: bytes | None = None,
    remove_photo: bool = False,
) -> None:
    """Change a timeline entry, and its photo if one was uploaded or removed.

    :raises PortraitRefused: if the upload is not a usable image (nothing is written).
    """
    prepared = portraits.prepare(photo) if photo else None
    _entry_values(entry, values)
    if prepared is not None:
        _set_photo(entry, prepared)
    elif remove_photo and entry.photo is not None:
        digest = entry.photo.digest
        entry.photo = None
        pictures.forget(digest)
    db.session.commit()


def timeline_entry_of(case: Case, entry_id: int) -> TimelineEntry | None:
    """Return a timeline entry of this case, or None."""
    entry = db.session.get(TimelineEntry, entry_id)
    return entry if entry is not None and entry.case_id == case.id else None


def delete_timeline_entry(case: Case, entry_id: int) -> bool:
    """Remove a timeline entry of this case (and its photo); return whether there was one."""
    entry = timeline_entry_of(case, entry_id)
    if entry is None:
        return False
    digest = entry.photo.digest if entry.photo else None
    db.session.delete(entry)
    translations.forget(*translations.subject_of(entry))
    if digest:
        pictures.forget(digest)
    db.session.commit()
    return True


def create_petition(case: Case, values: Mapping[str, Any]) -> Petition:
    """Create a draft petition for a case.

    :raises SlugTaken: if the slug is in use.
    """
    petition = Petition(
        case=case, status=PetitionStatus.DRAFT, **{name: values[name] for name in PETITION_FIELDS}
    )
    db.session.add(petition)
    commit_or_raise(SlugTaken())
    return petition


def update_petition(petition: Petition, values: Mapping[str, Any]) -> None:
    """Change a petition's text and details (its count and status stay).

    :raises SlugTaken: if the new slug is in use.
    """
    for name in PETITION_FIELDS:
        setattr(petition, name, values[name])
    commit_or_raise(SlugTaken())


def open_petition(petition: Petition) -> None:
    """Open a draft for signatures.

    :raises IllegalTransition: if it is not a draft.
    """
    petition.open(utcnow())
    db.session.commit()


def reopen_petition(petition: Petition) -> None:
    """Undo closing a petition by hand, within a day.

    :raises IllegalTransition: if it was not closed by hand or the day is over.
    """
    petition.reopen(utcnow())
    db.session.commit()


def close_petition(petition: Petition) -> None:
    """Stop accepting signatures; page and count stay.

    :raises IllegalTransition: if it is not open.
    """
    petition.close(utcnow())
    db.session.commit()


def petitions_of(case: Case) -> Sequence[Petition]:
    """Return all of a case's petitions, drafts included (organizers only)."""
    return (
        db.session.execute(
            select(Petition).where(Petition.case_id == case.id).order_by(Petition.id)
        )
        .scalars()
        .all()
    )
