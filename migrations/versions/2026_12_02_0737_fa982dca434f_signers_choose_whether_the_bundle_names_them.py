"""signers choose whether the bundle names them; petitions know their addressee's country

Revision ID: fa982dca434f
Revises: 3c5e1f0a9b42
Create Date: 2026-12-02 07:37:29

Signatures given before this revision keep their names in bundles (server default true): the
form then said the name goes to the addressee. Petitions start without an addressee country.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "fa982dca434f"
down_revision = "3c5e1f0a9b42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("addressee_country", sa.String(length=2), nullable=True))
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_in_bundle", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_column("name_in_bundle")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_column("addressee_country")
