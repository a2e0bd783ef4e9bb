"""letters and birthday wishes: settings, occasions, ready texts, letters; outbox rows name letters

Revision ID: e5f6a7b8c9d1
Revises: d4e5f6a7b8c0
Create Date: 2026-12-04 02:00:00

A case's letter settings (one row per case), its holidays and ready texts, and the letters
supporters write (issue #15, part 1). The letter state column already takes printed and
delivered (part 2). Outbox rows may name a letter. Downgrading drops them all.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5f6a7b8c9d1"
down_revision = "d4e5f6a7b8c0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_letter_holidays_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_holidays")),
    )
    with op.batch_alter_table("letter_holidays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_holidays_case_id"), ["case_id"], unique=False)

    op.create_table(
        "letter_ready_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "occasion",
            sa.Enum(
                "birthday",
                "holiday",
                "any-day",
                name="ready_occasion",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_letter_ready_texts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_ready_texts")),
    )
    with op.batch_alter_table("letter_ready_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_letter_ready_texts_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "letter_settings",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "post",
                "family",
                "lawyer",
                "held",
                name="letter_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("postal_address", sa.Text(), nullable=False),
        sa.Column("addressee_name", sa.String(length=200), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.Column("max_length", sa.Integer(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("words_to_avoid", sa.Text(), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("wall", sa.Boolean(), nullable=False),
        sa.Column("last_number", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "max_length BETWEEN 100 AND 10000", name=op.f("ck_letter_settings_max_length")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_letter_settings_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_letter_settings")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "confirmed",
                "quarantined",
                "approved",
                "rejected",
                "printed",
                "delivered",
                "withdrawn",
                name="letter_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "occasion",
            sa.Enum(
                "birthday",
                "holiday",
                "any-day",
                name="letter_occasion",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("holiday_id", sa.Integer(), nullable=True),
        sa.Column("occasion_year", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("ready_text_id", sa.Integer(), nullable=True),
        sa.Column("writer_name", sa.String(length=120), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_normalized", sa.String(length=320), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("set_aside_reason", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.String(length=300), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state != 'quarantined' OR set_aside_reason IS NOT NULL",
            name=op.f("ck_letters_quarantine_has_reason"),
        ),
        sa.CheckConstraint(
            "state != 'rejected' OR (decided_at IS NOT NULL AND decision_reason != '')",
            name=op.f("ck_letters_rejected_has_reason"),
        ),
        sa.CheckConstraint(
            "state != 'withdrawn' OR (withdrawn_at IS NOT NULL AND email IS NULL)",
            name=op.f("ck_letters_withdrawn_is_erased"),
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'withdrawn') OR confirmed_at IS NOT NULL",
            name=op.f("ck_letters_confirmed_has_time"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_letters_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["organizers.id"],
            name=op.f("fk_letters_decided_by_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["holiday_id"],
            ["letter_holidays.id"],
            name=op.f("fk_letters_holiday_id_letter_holidays"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ready_text_id"],
            ["letter_ready_texts.id"],
            name=op.f("fk_letters_ready_text_id_letter_ready_texts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("case_id", "number", name="uq_letters_case_number"),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index("ix_letters_case_state", ["case_id", "state"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_letter_id"), ["letter_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_letter_id_letters"),
            "letters",
            ["letter_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    # The writers' unsent mails would name letters that no longer exist.
    op.execute("DELETE FROM outbox_messages WHERE letter_id IS NOT NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_letter_id_letters"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_messages_letter_id"))
        batch_op.drop_column("letter_id")

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_case_state")

    op.drop_table("letters")
    op.drop_table("letter_settings")
    with op.batch_alter_table("letter_ready_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_ready_texts_case_id"))

    op.drop_table("letter_ready_texts")
    with op.batch_alter_table("letter_holidays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_holidays_case_id"))

    op.drop_table("letter_holidays")
