"""content in several languages: the original's language, and translations per field

Revision ID: a1b2c3d4e5f7
Revises: f0a1b2c3d4e5
Create Date: 2026-12-03 17:20:00

Existing cases and petitions were written in English (the only language content had).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b2c3d4e5f7"
down_revision = "f0a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("cases", "petitions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("language", sa.String(length=10), server_default="en", nullable=False)
            )
    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_digest", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translations")),
        sa.UniqueConstraint(
            "subject", "subject_id", "language", "field", name=op.f("uq_translation")
        ),
    )


def downgrade() -> None:
    op.drop_table("content_translations")
    for table in ("petitions", "cases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
