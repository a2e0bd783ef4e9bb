"""blocked senders: connections, mail domains and addresses whose signatures are quarantined

Revision ID: c5e6f7a8b9d0
Revises: b3d4e5f6a7c8
Create Date: 2026-12-03 16:10:00

An address is kept only as a keyed hash of its normalised form.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5e6f7a8b9d0"
down_revision = "b3d4e5f6a7c8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocked_senders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_senders")),
    )


def downgrade() -> None:
    op.drop_table("blocked_senders")
