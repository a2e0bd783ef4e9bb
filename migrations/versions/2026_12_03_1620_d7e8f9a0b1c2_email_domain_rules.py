"""email domain rules: how each mail domain spells a mailbox, as an admin set it

Revision ID: d7e8f9a0b1c2
Revises: c5e6f7a8b9d0
Create Date: 2026-12-03 16:20:00

Empty at first: the built-in rules (Gmail's dots, googlemail.com, ``+tag``) live in the code,
and a row overrides the built-in rule of its domain. Signatures keep the key they were stored
with, so no data moves.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e8f9a0b1c2"
down_revision = "c5e6f7a8b9d0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_domain_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("ignore_dots", sa.Boolean(), nullable=False),
        sa.Column("tag_separator", sa.String(length=1), nullable=True),
        sa.Column("alias_of", sa.String(length=253), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "tag_separator IS NULL OR tag_separator IN ('+', '-')",
            name=op.f("ck_email_domain_rules_known_separator"),
        ),
        sa.CheckConstraint(
            "alias_of IS NULL OR alias_of != domain",
            name=op.f("ck_email_domain_rules_not_its_own_alias"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_domain_rules")),
        sa.UniqueConstraint("domain", name=op.f("uq_email_domain_rules_domain")),
    )


def downgrade() -> None:
    op.drop_table("email_domain_rules")
