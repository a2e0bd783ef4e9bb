"""confirmations count in petition_count_shards, not on the petition row

Revision ID: 9d4b7e21c6a3
Revises: fa982dca434f
Create Date: 2026-12-02 14:40:00

A petition's count is its row's signature_count (now the "base": what was counted before this
revision, which no confirmation changes any more) plus the sum of its rows here, one per shard
a confirmation or withdrawal has touched. The upgrade only adds a table: every count stays
exactly what it was, held by the base, and no table is rebuilt (SQLite cannot rebuild the
petitions table with foreign keys on while signatures point at it). The downgrade folds each
petition's shards back into its signature_count, so the count is again that one column.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9d4b7e21c6a3"
down_revision = "fa982dca434f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petition_count_shards",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("delta", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_count_shards_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("petition_id", "shard", name=op.f("pk_petition_count_shards")),
    )


def downgrade() -> None:
    op.execute(
        "UPDATE petitions SET signature_count = signature_count + ("
        "SELECT coalesce(sum(delta), 0) FROM petition_count_shards"
        " WHERE petition_count_shards.petition_id = petitions.id)"
    )
    op.drop_table("petition_count_shards")
