"""retention: when a petition's signers were anonymised, and organizers' extensions

Revision ID: d0e1f2a3b4c6
Revises: b8c9d0e1f2a4
Create Date: 2026-12-06 22:10:00

petitions.signers_anonymised_at records the retention run's anonymisation of a closed and
delivered petition's signers (issue #16, petitions/retention/); retention_extensions holds
organizers' extensions of that period, each with who asked, until when and why.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d0e1f2a3b4c6"
down_revision = "b8c9d0e1f2a4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signers_anonymised_at", sa.DateTime(), nullable=True))
    op.create_table(
        "retention_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_retention_extensions_organizer_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_retention_extensions_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_extensions")),
    )
    with op.batch_alter_table("retention_extensions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_extensions_petition_id"), ["petition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("retention_extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_extensions_petition_id"))
    op.drop_table("retention_extensions")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_column("signers_anonymised_at")
