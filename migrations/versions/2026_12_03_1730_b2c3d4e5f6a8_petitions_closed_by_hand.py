"""petitions remember a close by hand and the planned close it replaced, so it can be undone

Revision ID: b2c3d4e5f6a8
Revises: a1b2c3d4e5f7
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2c3d4e5f6a8"
down_revision = "a1b2c3d4e5f7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by_hand_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("planned_closes_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_column("planned_closes_at")
        batch_op.drop_column("closed_by_hand_at")
