"""a paper sheet entered in error can be removed

Revision ID: a1b2c3d4e5f8
Revises: f2a3b4c5d6e8
Create Date: 2026-12-06 22:40:00

Who removed a sheet, when and why (issue #16: a sheet entered twice, or for the wrong
petition). The one-sheet-per-number rule now holds among the sheets not removed (a partial
unique index), so the right sheet can be entered under a removed one's number. Downgrading
drops the record of removals and refuses if two sheets of a petition share a number.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b2c3d4e5f8"
down_revision = "f2a3b4c5d6e8"
branch_labels = None
depends_on = None

_LIVE = sa.text("removed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("paper_sheets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("removed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("removed_by", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("removal_reason", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_paper_sheets_removed_by_id_organizers"),
            "organizers",
            ["removed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint("uq_paper_sheets_petition_number", type_="unique")
    op.create_index(
        "uq_paper_sheets_live_number",
        "paper_sheets",
        ["petition_id", "number"],
        unique=True,
        sqlite_where=_LIVE,
        postgresql_where=_LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_paper_sheets_live_number", table_name="paper_sheets")
    with op.batch_alter_table("paper_sheets", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_paper_sheets_petition_number", ["petition_id", "number"]
        )
        batch_op.drop_constraint(
            op.f("fk_paper_sheets_removed_by_id_organizers"), type_="foreignkey"
        )
        batch_op.drop_column("removal_reason")
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_by_id")
        batch_op.drop_column("removed_at")
