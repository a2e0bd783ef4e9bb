"""Bundles of signatures printed for delivery, and the record of each handover."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing.set_aside import SetAside


class Bundle(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The petition whose signatures are printed.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: SHA-256 over the ordered list of printed signatures: the same signatures give the same
    #: fingerprint, so a recipient can check a bundle was neither padded nor trimmed.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    #: Who the bundle is addressed to, e.g. "Embassy of the Republic of Belarus, The Hague".
    recipient_name: Mapped[str] = mapped_column(String(300))
    #: The recipient's postal address, as printed on the cover letter.
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    #: Space-separated ISO codes of the signer countries included; empty for all.
    countries: Mapped[str] = mapped_column(String(1000), default="")
    #: How many signatures it holds.
    signature_count: Mapped[int]
    #: The petition's signatures set aside when it was printed (not in the bundle), as the
    #: published figures read then: JSON of signing.set_aside.SetAside.as_json(); "" before
    #: such figures were kept.
    set_aside: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The language it was printed in (a code of LANGUAGES): its words, dates, numbers and,
    #: where translated, the petition; "" for bundles printed before it was recorded.
    language: Mapped[str] = mapped_column(String(10), default="", server_default="")
    #: When it was generated.
    generated_at: Mapped[dt.datetime]
    #: The organizer who generated it.
    generated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )

    petition: Mapped[Petition] = relationship()

    @property
    def set_aside_figures(self) -> SetAside:
        """The set-aside figures printed on the cover (none for bundles printed before)."""
        return SetAside.from_json(self.set_aside)

    @property
    def country_codes(self) -> tuple[str, ...]:
        """Return the signer countries included (empty: all)."""
        return tuple(self.countries.split())


class Delivery(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "deliveries"
    __table_args__ = (CheckConstraint("signature_count >= 0", name="count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The petition delivered.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: Who received it.
    recipient: Mapped[str] = mapped_column(String(300))
    #: The day of the handover.
    delivered_on: Mapped[dt.date]
    #: Fingerprint of the bundle handed over.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    #: Signatures handed over.
    signature_count: Mapped[int]
    #: What happened (who received it, what was said).
    note: Mapped[str] = mapped_column(Text, default="")
    #: The organizer who recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: The timeline entry announcing it on the case page.
    timeline_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("timeline_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime]

    petition: Mapped[Petition] = relationship()
