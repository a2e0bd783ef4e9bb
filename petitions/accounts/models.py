"""Organizers and the cases each of them may run."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db


class Organizer(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-cased.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    #: Werkzeug scrypt hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(300))
    #: Admins see and run every case; others only the cases they are assigned to.
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime]
    last_login_at: Mapped[dt.datetime | None]
    #: Part of every login session's id; logout and a password change add one, which ends
    #: every session made before, on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        """Name this organizer and the session version in the login session (Flask-Login)."""
        return f"{self.id}:{self.session_version}"


class CaseRole(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "case_roles"
    __table_args__ = (UniqueConstraint("organizer_id", "case_id", name="uq_case_roles_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organizer who may run the case.
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True
    )
    #: The case they may run.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
