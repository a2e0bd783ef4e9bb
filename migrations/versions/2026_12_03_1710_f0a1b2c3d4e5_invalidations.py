"""invalidations: organizers' rules taking signatures out, in batches, with what each was before

Revision ID: f0a1b2c3d4e5
Revises: e9f0a1b2c3d4
Create Date: 2026-12-03 17:10:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f0a1b2c3d4e5"
down_revision = "e9f0a1b2c3d4"
branch_labels = None
depends_on = None

_STATUSES = ("queued", "running", "done", "cancelled", "undone")
_STATES = ("pending", "confirmed", "quarantined", "invalidated", "withdrawn")


def upgrade() -> None:
    op.create_table(
        "invalidations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *_STATUSES,
                name="invalidation_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ip_range", sa.String(length=50), nullable=True),
        sa.Column("client_group", sa.String(length=40), nullable=True),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("name_pattern", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("signed_from", sa.DateTime(), nullable=True),
        sa.Column("signed_until", sa.DateTime(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("uncounted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("restored", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cursor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_invalidations_organizer_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_invalidations_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invalidations")),
    )
    with op.batch_alter_table("invalidations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invalidations_petition_id"), ["petition_id"], unique=False
        )
    op.create_table(
        "invalidated_signatures",
        sa.Column("invalidation_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column(
            "prior_state",
            sa.Enum(
                *_STATES, name="prior_state", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("prior_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["invalidation_id"],
            ["invalidations.id"],
            name=op.f("fk_invalidated_signatures_invalidation_id_invalidations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_invalidated_signatures_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "invalidation_id", "signature_id", name=op.f("pk_invalidated_signatures")
        ),
    )


def downgrade() -> None:
    op.drop_table("invalidated_signatures")
    with op.batch_alter_table("invalidations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invalidations_petition_id"))
    op.drop_table("invalidations")
