"""evidence of where signatures came from: keyed hashes under a key of their own day

Revision ID: e9f0a1b2c3d4
Revises: d7e8f9a0b1c2
Create Date: 2026-12-03 17:00:00

Signatures made before keep no evidence (the columns are NULL), as do signatures whose evidence
was erased after EVIDENCE_RETENTION_DAYS.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e9f0a1b2c3d4"
down_revision = "d7e8f9a0b1c2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_keys")),
        sa.UniqueConstraint("day", name=op.f("uq_evidence_keys_day")),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("client_hash", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("client_group_hash", sa.String(length=24), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_signatures_client_key_id_evidence_keys"),
            "evidence_keys",
            ["client_key_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_signatures_client_key_id_evidence_keys"), type_="foreignkey"
        )
        batch_op.drop_column("client_group_hash")
        batch_op.drop_column("client_hash")
        batch_op.drop_column("client_key_id")
    op.drop_table("evidence_keys")
