"""updates to consenting signers: consent records, updates, their texts and recipients

Revision ID: f2a3b4c5d6e8
Revises: e1f2a3b4c5d7
Create Date: 2026-12-06 22:30:00

A signer's consent to a petition's updates, with the wording shown, its version and language
and when it was given (issue #16); the updates organizers write, in one or more languages;
one row per recipient, written before its outbox mail, which names it. Downgrading drops them.

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2a3b4c5d6e8"
down_revision = "e1f2a3b4c5d7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "update_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("wording", sa.String(length=500), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("ticked_at", sa.DateTime(), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_update_consents_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_consents")),
        sa.UniqueConstraint("signature_id", name=op.f("uq_update_consents_signature_id")),
    )
    op.create_table(
        "updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("original_locale", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "sending",
                "sent",
                name="update_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("send_at", sa.DateTime(), nullable=True),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("queued", sa.Integer(), server_default="0", nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(petition_id IS NULL) != (case_id IS NULL)", name=op.f("ck_updates_petition_or_case")
        ),
        sa.CheckConstraint(
            "status IN ('draft') OR send_at IS NOT NULL", name=op.f("ck_updates_sent_has_time")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_updates_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_updates_organizer_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_updates_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_updates")),
    )
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_updates_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_updates_petition_id"), ["petition_id"], unique=False)
    op.create_table(
        "update_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["updates.id"],
            name=op.f("fk_update_texts_update_id_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_texts")),
        sa.UniqueConstraint("update_id", "locale", name="uq_update_texts_locale"),
    )
    op.create_table(
        "update_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "signature_id IS NOT NULL OR organizer_id IS NOT NULL",
            name=op.f("ck_update_recipients_names_somebody"),
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_update_recipients_organizer_id_organizers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_update_recipients_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["updates.id"],
            name=op.f("fk_update_recipients_update_id_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_recipients")),
        sa.UniqueConstraint("update_id", "signature_id", name="uq_update_recipients_signature"),
    )
    with op.batch_alter_table("update_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_update_recipients_signature_id"), ["signature_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_update_recipients_update_id"), ["update_id"], unique=False
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_recipient_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_update_recipient_id"),
            ["update_recipient_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_update_recipient_id_update_recipients"),
            "update_recipients",
            ["update_recipient_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE update_recipient_id IS NOT NULL")
    op.execute("DELETE FROM outbox_messages WHERE kind = 'updates_consent_receipt'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_update_recipient_id_update_recipients"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_outbox_messages_update_recipient_id"))
        batch_op.drop_column("update_recipient_id")
    op.drop_table("update_recipients")
    op.drop_table("update_texts")
    op.drop_table("updates")
    op.drop_table("update_consents")
