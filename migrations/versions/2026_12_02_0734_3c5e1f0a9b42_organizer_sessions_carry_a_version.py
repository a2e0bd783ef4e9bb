"""organizer sessions carry a version that logout and a password change move on

Revision ID: 3c5e1f0a9b42
Revises: c3e1f0a7b9d2
Create Date: 2026-12-02 07:34:25

A login session names the organizer and the session version it was made under; logging out
or changing the password adds one, so every session made before (a copied cookie too) ends.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c5e1f0a9b42"
down_revision = "c3e1f0a7b9d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("organizers", schema=None) as batch_op:
        batch_op.drop_column("session_version")
