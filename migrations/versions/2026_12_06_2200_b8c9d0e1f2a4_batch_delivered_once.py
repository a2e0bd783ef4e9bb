"""a letter batch is delivered once

Revision ID: b8c9d0e1f2a4
Revises: a7b8c9d0e1f3
Create Date: 2026-12-06 22:00:00

A partial unique index on letter_deliveries(batch_id) where the outcome is "delivered": a second
"delivered" for the same batch would put its letters on the case's timeline twice (issue #15).
Before the index, any later duplicate "delivered" rows of a batch become "sent" (they were
recorded as deliveries of letters already counted); their timeline entries are removed,
with their translations.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8c9d0e1f2a4"
down_revision = "a7b8c9d0e1f3"
branch_labels = None
depends_on = None

_DELIVERED = sa.text("outcome = 'delivered'")


def upgrade() -> None:
    connection = op.get_bind()
    duplicates = connection.execute(
        sa.text(
            "SELECT id, timeline_entry_id FROM letter_deliveries AS later"
            " WHERE outcome = 'delivered' AND EXISTS (SELECT 1 FROM letter_deliveries AS first"
            " WHERE first.batch_id = later.batch_id AND first.outcome = 'delivered'"
            " AND first.id < later.id)"
        )
    ).all()
    for delivery_id, entry_id in duplicates:
        connection.execute(
            sa.text(
                "UPDATE letter_deliveries SET outcome = 'sent', timeline_entry_id = NULL"
                " WHERE id = :id"
            ),
            {"id": delivery_id},
        )
        if entry_id is not None:
            connection.execute(
                sa.text(
                    "DELETE FROM content_translations WHERE subject = 'timeline'"
                    " AND subject_id = :id"
                ),
                {"id": entry_id},
            )
            connection.execute(
                sa.text("DELETE FROM timeline_entries WHERE id = :id"), {"id": entry_id}
            )
    op.create_index(
        "uq_letter_deliveries_delivered_once",
        "letter_deliveries",
        ["batch_id"],
        unique=True,
        sqlite_where=_DELIVERED,
        postgresql_where=_DELIVERED,
    )


def downgrade() -> None:
    op.drop_index("uq_letter_deliveries_delivered_once", table_name="letter_deliveries")
