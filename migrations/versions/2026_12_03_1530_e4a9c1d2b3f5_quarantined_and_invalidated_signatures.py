"""quarantined and invalidated signatures, with the reason they were set aside

Revision ID: e4a9c1d2b3f5
Revises: b7d2c4e6f801
Create Date: 2026-12-03 15:30:00

Signatures confirmed by mail but over a quarantine limit are held for review instead of counted
(issue #13); an organizer's rule may invalidate one. Both say why in set_aside_reason. Existing
signatures have none and keep their state. Downgrading while any signature is quarantined or
invalidated is refused: the older schema has no state to put them in.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a9c1d2b3f5"
down_revision = "b7d2c4e6f801"
branch_labels = None
depends_on = None

_OLD = ("pending", "confirmed", "withdrawn")
_NEW = ("pending", "confirmed", "quarantined", "invalidated", "withdrawn")


def _state(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="signature_state", native_enum=False, create_constraint=True, length=20
    )


_STATE_CHECK = "ck_signatures_signature_state"
_REASON_CHECK = "ck_signatures_set_aside_has_reason"


def _states(values: tuple[str, ...]) -> None:
    """Let the state column take ``values``: SQLite rebuilds the table with the Enum's CHECK;
    elsewhere the CHECK is replaced by hand (alter_column leaves it alone outside batch mode)."""
    old = _OLD if values == _NEW else _NEW
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("signatures", schema=None) as batch_op:
            batch_op.alter_column(
                "state", existing_type=_state(old), type_=_state(values), existing_nullable=False
            )
        return
    op.drop_constraint(op.f(_STATE_CHECK), "signatures", type_="check")
    op.create_check_constraint(op.f(_STATE_CHECK), "signatures", sa.column("state").in_(values))


def upgrade() -> None:
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("set_aside_reason", sa.String(length=40), nullable=True))
    _states(_NEW)
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f(_REASON_CHECK),
            "state NOT IN ('quarantined', 'invalidated') OR set_aside_reason IS NOT NULL",
        )


def downgrade() -> None:
    set_aside = op.get_bind().execute(
        sa.text("SELECT count(*) FROM signatures WHERE state IN ('quarantined', 'invalidated')")
    )
    if set_aside.scalar_one():
        raise RuntimeError(
            "signatures are quarantined or invalidated: release or withdraw them before "
            "downgrading below e4a9c1d2b3f5"
        )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_REASON_CHECK), type_="check")
    _states(_OLD)
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_column("set_aside_reason")
