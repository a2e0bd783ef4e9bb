"""What the models and services of several areas share, so no area borrows another's helper."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """Return the column type of a state enum: its values as text, checked by a CHECK constraint.

    Text plus CHECK rather than a native enum: portable across SQLite and PostgreSQL, readable in
    a raw SQL session, and a new state needs no ``ALTER TYPE``.

    :param name: the constraint's name (``ck_<table>_<name>`` after the naming convention).
    """
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )
