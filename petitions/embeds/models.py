"""Partner organisations that embed a petition's sign form on their own sites."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.cases.models import Petition
from petitions.extensions import db


class Partner(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("petition_id", "code", name="uq_partners_petition_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The petition the partner collects signatures for.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: The partner's name as signers see it ("Amnesty International Netherlands").
    name: Mapped[str] = mapped_column(String(200))
    #: Short code recorded as the source of every signature through this partner's embed.
    code: Mapped[str] = mapped_column(String(40))
    #: Space-separated origins allowed to frame the form, e.g. "https://amnesty.nl".
    allowed_origins: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]

    petition: Mapped[Petition] = relationship()

    @property
    def origins(self) -> tuple[str, ...]:
        """Return the allowed origins."""
        return tuple(self.allowed_origins.split())
