"""the case as a person: five statuses, detention periods, photo sizes, timeline kinds and photos

Revision ID: d4e5f6a7b8c0
Revises: c3d4e5f6a7b9
Create Date: 2026-12-03 18:00:00

A case may now be in exile, deceased or of unknown status besides detained and released, and
keeps the day its status began where no period dates it (status_since). Its detentions are
periods (detention_periods); each existing case gets one from its arrested_on, open while the
case is detained. A released case's end is known only for the demo case (Ales Bialiatski,
released on 13 December 2025); another released case's period stays open with a note, and its
organizer page asks for the day. Portraits keep their size and get alt text; smaller copies of
new uploads live in image_variants. Timeline entries get a kind and an optional photo.

Downgrading is refused while a case has one of the new statuses; periods, kinds, photos and alt
texts are dropped (arrested_on keeps the first arrest).
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e5f6a7b8c0"
down_revision = "c3d4e5f6a7b9"
branch_labels = None
depends_on = None

_OLD = ("detained", "released")
_NEW = ("detained", "released", "in_exile", "deceased", "unknown")
_KINDS = (
    "award",
    "honorary_citizenship",
    "letter",
    "visit",
    "delivery",
    "court_decision",
    "other",
)
_STATUS_CHECK = "ck_cases_case_status"
_KIND_CHECK = "ck_timeline_entries_entry_kind"

DEMO_SLUG = "ales-bialiatski"
DEMO_REARREST = dt.date(2021, 7, 14)
DEMO_RELEASE = dt.date(2025, 12, 13)
NO_END_NOTE = "The day of release is not recorded yet."


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="case_status", native_enum=False, create_constraint=True, length=20
    )


def _statuses(values: tuple[str, ...]) -> None:
    """Let cases.status take ``values``: SQLite rebuilds the table with the Enum's CHECK;
    elsewhere the CHECK is replaced by hand (alter_column leaves it alone outside batch mode)."""
    old = _OLD if values == _NEW else _NEW
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("cases", schema=None) as batch_op:
            batch_op.alter_column(
                "status", existing_type=_status(old), type_=_status(values), existing_nullable=False
            )
        return
    op.drop_constraint(op.f(_STATUS_CHECK), "cases", type_="check")
    op.create_check_constraint(op.f(_STATUS_CHECK), "cases", sa.column("status").in_(values))


def _image_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    _statuses(_NEW)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_since", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("portrait_alt", sa.String(length=300), server_default="", nullable=False)
        )
    with op.batch_alter_table("case_portraits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), server_default="other", nullable=False)
        )
        batch_op.add_column(
            sa.Column("photo_alt", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.create_check_constraint(op.f(_KIND_CHECK), sa.column("kind").in_(_KINDS))
    periods = op.create_table(
        "detention_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "ended_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_detention_periods_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_detention_periods_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detention_periods")),
    )
    with op.batch_alter_table("detention_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_detention_periods_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "uq_detention_periods_one_open",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
    op.create_table(
        "timeline_photos",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        *_image_columns(),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["timeline_entries.id"],
            name=op.f("fk_timeline_photos_entry_id_timeline_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_timeline_photos")),
    )
    op.create_table(
        "image_variants",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("digest", "width", name=op.f("pk_image_variants")),
    )
    _periods_from_arrests(periods)


def _periods_from_arrests(periods: sa.Table) -> None:
    """Give each case one period from its arrested_on (see the docstring above)."""
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("slug", sa.String()),
        sa.column("arrested_on", sa.Date()),
        sa.column("status", sa.String()),
        sa.column("detention_place", sa.String()),
    )
    rows = []
    for case_id, slug, arrested_on, status, place in op.get_bind().execute(
        sa.select(
            cases.c.id, cases.c.slug, cases.c.arrested_on, cases.c.status, cases.c.detention_place
        )
    ):
        ended_on, note = None, ""
        if status != "detained":
            if slug == DEMO_SLUG and arrested_on == DEMO_REARREST:
                ended_on = DEMO_RELEASE
            else:
                note = NO_END_NOTE
        rows.append(
            {
                "case_id": case_id,
                "started_on": arrested_on,
                "ended_on": ended_on,
                "place": (place or "")[:300],
                "note": note,
            }
        )
    if rows:
        op.bulk_insert(periods, rows)


def downgrade() -> None:
    newer = op.get_bind().execute(
        sa.text("SELECT count(*) FROM cases WHERE status IN ('in_exile', 'deceased', 'unknown')")
    )
    if newer.scalar_one():
        raise RuntimeError(
            "cases are in exile, deceased or of unknown status: set them to detained or "
            "released before downgrading below d4e5f6a7b8c0"
        )
    op.drop_table("image_variants")
    op.drop_table("timeline_photos")
    with op.batch_alter_table("detention_periods", schema=None) as batch_op:
        batch_op.drop_index("uq_detention_periods_one_open")
        batch_op.drop_index(batch_op.f("ix_detention_periods_case_id"))
    op.drop_table("detention_periods")
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_KIND_CHECK), type_="check")
        batch_op.drop_column("photo_alt")
        batch_op.drop_column("kind")
    with op.batch_alter_table("case_portraits", schema=None) as batch_op:
        batch_op.drop_column("height")
        batch_op.drop_column("width")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("portrait_alt")
        batch_op.drop_column("status_since")
    _statuses(_OLD)
