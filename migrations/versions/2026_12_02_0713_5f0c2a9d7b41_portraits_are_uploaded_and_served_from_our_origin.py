"""portraits are uploaded and served from our origin

Revision ID: 5f0c2a9d7b41
Revises: a8981735cd77
Create Date: 2026-12-02 07:13:44

A case's portrait used to be any URL (photo_url), so every visitor's browser asked another
site for it and told that site its IP address. Portraits are now uploaded, re-encoded and kept
in case_portraits. Existing photo_url values are dropped: an organizer uploads the portrait
again (a remote URL cannot be fetched safely here; the README says so).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5f0c2a9d7b41"
down_revision = "a8981735cd77"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_portraits",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("photo_url")


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_url", sa.VARCHAR(length=500), nullable=True))
    op.drop_table("case_portraits")
