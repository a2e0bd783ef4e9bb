"""held letters: a case's change of status or place holds its undelivered letters

Revision ID: a7b8c9d0e1f3
Revises: f6a7b8c9d0e2
Create Date: 2026-12-04 04:00:00

Two letter states (held, released), why and when a letter was held, who re-routed or released
it and when, and whether its writer asked to be told (issue #15, letters/holding.py).
Downgrading puts held letters back to approved and released ones to rejected (with a reason).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7b8c9d0e1f3"
down_revision = "f6a7b8c9d0e2"
branch_labels = None
depends_on = None

_BEFORE = (
    "pending",
    "confirmed",
    "quarantined",
    "approved",
    "rejected",
    "printed",
    "delivered",
    "withdrawn",
)
_AFTER = (*_BEFORE, "held", "released")


def _states(values: tuple[str, ...]) -> str:
    return "state IN (" + ", ".join(f"'{each}'" for each in values) + ")"


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tell_writer", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("held_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(op.f("ck_letters_letter_state"), type_="check")
        batch_op.create_check_constraint("letter_state", _states(_AFTER))
        batch_op.create_check_constraint(
            "held_has_reason",
            "state != 'held' OR (held_at IS NOT NULL AND held_reason IS NOT NULL)",
        )


def downgrade() -> None:
    op.execute("UPDATE letters SET state = 'approved' WHERE state = 'held'")
    op.execute(
        "UPDATE letters SET state = 'rejected', decision_reason = 'released after a hold', "
        "decided_at = COALESCE(decided_at, resolved_at) WHERE state = 'released'"
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_letters_held_has_reason"), type_="check")
        batch_op.drop_constraint(op.f("ck_letters_letter_state"), type_="check")
        batch_op.create_check_constraint("letter_state", _states(_BEFORE))
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("held_at")
        batch_op.drop_column("held_reason")
        batch_op.drop_column("tell_writer")
