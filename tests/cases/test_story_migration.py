"""Migration d4e5f6a7b8c0 gives every case a period of detention from its arrested_on."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from sqlalchemy import text

from petitions import create_app
from petitions.extensions import db
from tests.conftest import Backend

BEFORE, STORY = "b2c3d4e5f6a8", "d4e5f6a7b8c0"


def test_each_case_gets_a_period_from_its_arrest(backend: Backend, tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": backend.empty_database(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for number, slug, arrested, status in (
                (1, "someone", "2020-09-07", "detained"),
                (2, "ales-bialiatski", "2021-07-14", "released"),
                (3, "another", "2019-01-02", "released"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO cases (id, slug, prisoner_name, detention_country,"
                        " detention_place, arrested_on, sentence, status, bio)"
                        " VALUES (:id, :slug, 'P', 'BY', 'Minsk', :arrested, '', :status, '')"
                    ),
                    {"id": number, "slug": slug, "arrested": arrested, "status": status},
                )

        flask_migrate.upgrade(revision=STORY)
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT case_id, started_on, ended_on, place, note FROM detention_periods"
                    " ORDER BY case_id"
                )
            ).all()
        assert [
            (case_id, str(start), end and str(end), place, note)
            for case_id, start, end, place, note in rows
        ] == [
            (1, "2020-09-07", None, "Minsk", ""),
            (2, "2021-07-14", "2025-12-13", "Minsk", ""),
            (3, "2019-01-02", None, "Minsk", "The day of release is not recorded yet."),
        ]

        flask_migrate.downgrade(revision=BEFORE)
        db.engine.dispose()
