"""Storing and finding a case's pictures: its portrait and its timeline's photos, each with the
smaller copies phones load (made by portraits.prepare).

In the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import undefer

from petitions.cases import portraits
from petitions.cases.models import (
    Case,
    ImageVariant,
    Portrait,
    StoredImage,
    TimelineEntry,
    TimelinePhoto,
)
from petitions.extensions import db

Picture = Portrait | TimelinePhoto


def fill(picture: StoredImage, prepared: portraits.PreparedPortrait) -> None:
    """Give a portrait or photo the prepared picture, and store its smaller copies."""
    old = picture.digest if picture.digest != prepared.digest else None
    picture.digest = prepared.digest
    picture.content_type = prepared.content_type
    picture.data = prepared.data
    picture.width = prepared.width or None
    picture.height = prepared.height or None
    for variant in prepared.variants:
        # The same picture uploaded twice (for two cases) shares its copies. Not flushed yet:
        # the picture's owner may be half-made (a new entry still being filled in).
        with db.session.no_autoflush:
            known = db.session.get(ImageVariant, (prepared.digest, variant.width))
        if known is None:
            db.session.add(
                ImageVariant(
                    digest=prepared.digest,
                    width=variant.width,
                    height=variant.height,
                    content_type=prepared.content_type,
                    data=variant.data,
                )
            )
    if old:
        forget(old)


def forget(digest: str) -> None:
    """Drop the smaller copies of a picture no portrait or photo shows any more."""
    db.session.flush()
    used = select(Portrait.case_id).where(Portrait.digest == digest).exists()
    used_by_entry = select(TimelinePhoto.entry_id).where(TimelinePhoto.digest == digest).exists()
    if not db.session.execute(select(or_(used, used_by_entry))).scalar_one():
        db.session.execute(delete(ImageVariant).where(ImageVariant.digest == digest))


def widths_of(digests: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Per digest, the (width, height) of its smaller copies, narrowest first (one query)."""
    found: dict[str, list[tuple[int, int]]] = {digest: [] for digest in digests}
    if not digests:
        return found
    rows = db.session.execute(
        select(ImageVariant.digest, ImageVariant.width, ImageVariant.height)
        .where(ImageVariant.digest.in_(digests))
        .order_by(ImageVariant.width)
    )
    for digest, width, height in rows:
        found[digest].append((width, height))
    return found


def image_of(slug: str, digest: str, width: int) -> tuple[bytes, str] | None:
    """The bytes and type of a case's picture at one width (its full one or a smaller copy),
    if this case still shows a picture with this digest; else None."""
    portrait = db.session.execute(
        select(Portrait)
        .join(Case)
        .where(Case.slug == slug, Portrait.digest == digest)
        .options(undefer(Portrait.data))
    ).scalar_one_or_none()
    photo = None
    if portrait is None:
        photo = db.session.execute(
            select(TimelinePhoto)
            .join(TimelineEntry)
            .join(Case)
            .where(Case.slug == slug, TimelinePhoto.digest == digest)
            .options(undefer(TimelinePhoto.data))
            .limit(1)
        ).scalar_one_or_none()
    picture: Picture | None = portrait or photo
    if picture is None:
        return None
    if width == picture.width:
        return picture.data, picture.content_type
    variant = db.session.execute(
        select(ImageVariant)
        .where(ImageVariant.digest == digest, ImageVariant.width == width)
        .options(undefer(ImageVariant.data))
    ).scalar_one_or_none()
    return (variant.data, variant.content_type) if variant else None
