"""signatures keep nothing derived from the IP; an embed ticket signs once

Revision ID: c3e1f0a7b9d2
Revises: 5f0c2a9d7b41
Create Date: 2026-12-02 07:24:45

Dropping signatures.ip_hash erases every stored hash: nothing read it, and keyed with the
SECRET_KEY kept on the same server, it could be reversed by trying every IPv4 address.
spent_embed_tickets holds the ids of embed tickets that have signed, until they expire.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e1f0a7b9d2"
down_revision = "5f0c2a9d7b41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_column("ip_hash")
    op.create_table(
        "spent_embed_tickets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spent_embed_tickets")),
    )
    with op.batch_alter_table("spent_embed_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_embed_tickets_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("spent_embed_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_embed_tickets_expires_at"))
    op.drop_table("spent_embed_tickets")
    # The erased hashes cannot come back; the column returns empty.
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip_hash", sa.VARCHAR(length=64), nullable=True))
