"""allowed clients: a street stall's connection skips the per-client quarantine limits

Revision ID: a7c8d9e0f1b2
Revises: f1b2c3d4e5a6
Create Date: 2026-12-03 15:50:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c8d9e0f1b2"
down_revision = "f1b2c3d4e5a6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allowed_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=50), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_allowed_clients_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allowed_clients")),
    )
    with op.batch_alter_table("allowed_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allowed_clients_petition_id"), ["petition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("allowed_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allowed_clients_petition_id"))
    op.drop_table("allowed_clients")
