"""drop spent_embed_tickets: embed tickets are no longer single-use rows

Revision ID: b7d2c4e6f801
Revises: 9d4b7e21c6a3
Create Date: 2026-12-03 07:05:00

No code reads or writes the table any more: the site's form and the embedded form share one
cookie-less defence (a signed, time-boxed ticket plus the Origin / Sec-Fetch-Site check, see
petitions/tokens.py), and the one-signature-per-address rule is what stops a ticket's replay from
counting twice. It held only random ticket ids and expiry times, no signer data. The downgrade
creates it again, empty.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d2c4e6f801"
down_revision = "9d4b7e21c6a3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spent_embed_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_embed_tickets_expires_at"))
    op.drop_table("spent_embed_tickets")


def downgrade() -> None:
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
