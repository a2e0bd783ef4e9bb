"""letter batches, their deliveries, and replies: approved letters printed together

Revision ID: f6a7b8c9d0e2
Revises: e5f6a7b8c9d1
Create Date: 2026-12-04 03:00:00

A batch is one PDF of a case's approved letters not printed before (issue #15, part 2); its
fingerprint is printed on every page and checked on its public verify page. A printed letter
names its batch. Deliveries record a batch's outcome (a delivered one names the timeline entry
it made); replies are published only with a recorded consent. Downgrading drops them all and
puts the printed letters back to approved.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f6a7b8c9d0e2"
down_revision = "e5f6a7b8c9d1"
branch_labels = None
depends_on = None

_CHANNELS = ("post", "family", "lawyer", "held")
_OUTCOMES = ("sent", "delivered", "refused", "returned", "reply-received")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    op.create_table(
        "letter_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "size",
            sa.Enum(
                "A4", "A5", name="paper_size", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("letter_count", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                *_CHANNELS,
                name="letter_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.CheckConstraint(
            "letter_count > 0", name=op.f("ck_letter_batches_letter_count_positive")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_letter_batches_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_batches")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_letter_batches_fingerprint")),
    )
    with op.batch_alter_table("letter_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_batches_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_letters_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_batch_id_letter_batches"),
            "letter_batches",
            ["batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "letter_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("channel", _enum("letter_channel", *_CHANNELS), nullable=False),
        sa.Column("outcome", _enum("delivery_outcome", *_OUTCOMES), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("timeline_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["letter_batches.id"],
            name=op.f("fk_letter_deliveries_batch_id_letter_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["timeline_entry_id"],
            ["timeline_entries.id"],
            name=op.f("fk_letter_deliveries_timeline_entry_id_timeline_entries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_deliveries")),
    )
    with op.batch_alter_table("letter_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_deliveries_batch_id"), ["batch_id"], unique=False
        )
    op.create_table(
        "letter_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("consent", _enum("reply_consent", "none", "prisoner", "family"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_letter_replies_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_replies")),
    )
    with op.batch_alter_table("letter_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_replies_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_replies_case_id"))
    op.drop_table("letter_replies")
    with op.batch_alter_table("letter_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_deliveries_batch_id"))
    op.drop_table("letter_deliveries")
    op.execute("UPDATE letters SET state = 'approved' WHERE state IN ('printed', 'delivered')")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_letters_batch_id_letter_batches"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_letters_batch_id"))
        batch_op.drop_column("batch_id")
    with op.batch_alter_table("letter_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_batches_case_id"))
    op.drop_table("letter_batches")
