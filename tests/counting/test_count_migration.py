"""Migration 9d4b7e21c6a3 keeps every count exactly, and its downgrade folds the shards back."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from sqlalchemy import text

from petitions import create_app
from petitions.extensions import db
from petitions.signing import counts
from tests.conftest import Backend

BEFORE, SHARDS = "fa982dca434f", "9d4b7e21c6a3"


def test_counts_survive_the_upgrade_and_the_downgrade(backend: Backend, tmp_path: Path) -> None:
    url = backend.empty_database(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO cases (id, slug, prisoner_name, detention_country,"
                    " detention_place, arrested_on, sentence, status, bio)"
                    " VALUES (1, 'c', 'P', 'BY', 'Minsk', '2021-07-14', '', 'detained', '')"
                )
            )
            for petition_id, count in ((1, 0), (2, 7), (3, 1234)):
                connection.execute(
                    text(
                        "INSERT INTO petitions (id, slug, case_id, title, summary, body,"
                        " addressee, goal, status, signature_count)"
                        " VALUES (:id, :slug, 1, 't', 's', 'b', 'a', 100, 'open', :count)"
                    ),
                    {"id": petition_id, "slug": f"p{petition_id}", "count": count},
                )

        flask_migrate.upgrade(revision=SHARDS)
        assert [counts.count_of(n) for n in (1, 2, 3)] == [0, 7, 1234]
        # Changes since the upgrade live in shards, one of them below zero (a withdrawal of a
        # signature the base had counted).
        counts.count_change(2, 5, +1)
        counts.count_change(2, 21, +1)
        counts.count_change(3, 4, -1)
        db.session.commit()
        assert [counts.count_of(n) for n in (1, 2, 3)] == [0, 9, 1233]
        db.session.remove()

        flask_migrate.downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            folded = connection.execute(
                text("SELECT id, signature_count FROM petitions ORDER BY id")
            ).all()
            tables = connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables"
                    " WHERE table_name = 'petition_count_shards'"
                    if backend.postgres is not None
                    else "SELECT count(*) FROM sqlite_master WHERE name = 'petition_count_shards'"
                )
            ).scalar_one()
        assert [tuple(row) for row in folded] == [(1, 0), (2, 9), (3, 1233)]
        assert tables == 0
        db.engine.dispose()
    backend.drop_database(url)
