"""bundles keep the set-aside figures their cover printed

Revision ID: b3d4e5f6a7c8
Revises: a7c8d9e0f1b2
Create Date: 2026-12-03 16:00:00

Bundles printed before keep "" (their covers said nothing of signatures set aside).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d4e5f6a7c8"
down_revision = "a7c8d9e0f1b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("set_aside", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_column("set_aside")
