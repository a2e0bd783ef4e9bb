"""Pictures uploaded by organizers, kept in the database: a case's portrait, a timeline entry's
photo, and the smaller copies of each that phones load (cases/portraits.py makes them).

Kept in the database, not on a disk, so that every instance behind the load balancer serves
them; re-encoded on upload, so they hold no EXIF (camera, time, GPS position).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.extensions import db

if TYPE_CHECKING:
    from petitions.cases.models.case import Case
    from petitions.cases.models.timeline import TimelineEntry


class StoredImage:
    """The columns of a picture at its full size (at most portraits.MAX_SIDE a side)."""

    #: SHA-256 of ``data`` in hex: part of the picture's URLs, so a new picture has new
    #: addresses and the old ones may be cached for ever.
    digest: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp, as re-encoded.
    content_type: Mapped[str] = mapped_column(String(20))
    #: Its size in pixels; NULL for portraits uploaded before sizes were kept.
    width: Mapped[int | None]
    height: Mapped[int | None]
    #: The re-encoded image; loaded only when the image itself is served.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: When it was uploaded.
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())


class Portrait(StoredImage, db.Model):  # type: ignore[name-defined,misc]
    """A case's portrait, shown beside the prisoner's name."""

    __tablename__ = "case_portraits"

    #: The case pictured; one portrait per case.
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )

    case: Mapped[Case] = relationship(back_populates="portrait")


class TimelinePhoto(StoredImage, db.Model):  # type: ignore[name-defined,misc]
    """A photo of a solidarity action (the cake at the embassy, the award ceremony)."""

    __tablename__ = "timeline_photos"

    #: The entry it illustrates; one photo per entry.
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("timeline_entries.id", ondelete="CASCADE"), primary_key=True
    )

    entry: Mapped[TimelineEntry] = relationship(back_populates="photo")


class ImageVariant(db.Model):  # type: ignore[name-defined,misc]
    """A smaller copy of a portrait or photo, for narrow screens (``srcset``).

    Named by the full picture's digest and its own width, so its address is as permanent as
    the picture's; written and dropped with the picture (cases/pictures.py).
    """

    __tablename__ = "image_variants"

    #: The digest of the full-size picture it was made from.
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Its width in pixels, one of portraits.WIDTHS.
    width: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    height: Mapped[int]
    #: As the full picture's.
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
