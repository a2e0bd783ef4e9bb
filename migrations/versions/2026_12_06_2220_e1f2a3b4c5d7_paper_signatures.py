"""paper signatures: sheets, their rows, and pairs of paper and online twins

Revision ID: e1f2a3b4c5d7
Revises: d0e1f2a3b4c6
Create Date: 2026-12-06 22:20:00

Signatures get an origin (online, the default for every existing one, or paper), with an index
for the paper share of a count; paper_sheets, paper_rows and paper_pairs hold what is only about
paper (issue #16, petitions/paper/). Downgrading deletes the paper signatures with their sheets
(their shards keep the count they added: run the drift check and fix it by hand if needed).

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e1f2a3b4c5d7"
down_revision = "d0e1f2a3b4c6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "origin",
                sa.Enum(
                    "online",
                    "paper",
                    name="signature_origin",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                server_default="online",
                nullable=False,
            )
        )
        batch_op.create_index(
            "ix_signatures_petition_origin_state", ["petition_id", "origin", "state"], unique=False
        )
    op.create_table(
        "paper_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.String(length=320), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("signatures", sa.Integer(), nullable=False),
        sa.CheckConstraint("number > 0", name=op.f("ck_paper_sheets_number_positive")),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["organizers.id"],
            name=op.f("fk_paper_sheets_entered_by_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_paper_sheets_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_sheets")),
        sa.UniqueConstraint("petition_id", "number", name="uq_paper_sheets_petition_number"),
    )
    op.create_index(
        op.f("ix_paper_sheets_petition_id"), "paper_sheets", ["petition_id"], unique=False
    )
    op.create_table(
        "paper_rows",
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("city_key", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_normalized", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_paper_rows_petition_id_petitions")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["paper_sheets.id"],
            name=op.f("fk_paper_rows_sheet_id_paper_sheets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_paper_rows_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("signature_id", name=op.f("pk_paper_rows")),
        sa.UniqueConstraint("sheet_id", "line", name="uq_paper_rows_sheet_line"),
    )
    op.create_index(
        "ix_paper_rows_petition_name", "paper_rows", ["petition_id", "name_key"], unique=False
    )
    op.create_index(
        "ix_paper_rows_petition_email",
        "paper_rows",
        ["petition_id", "email_normalized"],
        unique=False,
    )
    op.create_table(
        "paper_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("paper_signature_id", sa.Integer(), nullable=False),
        sa.Column("online_signature_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "matched",
                "doubtful",
                "same",
                "different",
                name="paper_pair_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("because", sa.String(length=20), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["organizers.id"],
            name=op.f("fk_paper_pairs_decided_by_id_organizers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["online_signature_id"],
            ["signatures.id"],
            name=op.f("fk_paper_pairs_online_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["paper_signature_id"],
            ["signatures.id"],
            name=op.f("fk_paper_pairs_paper_signature_id_signatures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_paper_pairs_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_pairs")),
        sa.UniqueConstraint("paper_signature_id", "online_signature_id", name="uq_paper_pairs"),
    )
    op.create_index(
        op.f("ix_paper_pairs_online_signature_id"),
        "paper_pairs",
        ["online_signature_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_paper_pairs_paper_signature_id"),
        "paper_pairs",
        ["paper_signature_id"],
        unique=False,
    )
    op.create_index(
        "ix_paper_pairs_petition_status", "paper_pairs", ["petition_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_table("paper_pairs")
    op.drop_table("paper_rows")
    op.drop_table("paper_sheets")
    op.execute("DELETE FROM signatures WHERE origin = 'paper'")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_signatures_petition_origin_state")
        batch_op.drop_constraint(op.f("ck_signatures_signature_origin"), type_="check")
        batch_op.drop_column("origin")
