"""Every schema change is a migration: the migrated schema equals the models'."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from petitions import create_app
from petitions.extensions import db
from tests.conftest import Backend


def test_migrations_build_exactly_the_models_schema(backend: Backend, tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": backend.empty_database(tmp_path)})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        assert {"cases", "petitions", "signatures", "outbox_messages"} <= set(
            inspect(db.engine).get_table_names()
        )

        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_migration_files_sort_in_history_order() -> None:
    """Listing migrations/versions by name shows the revisions oldest first, as they apply."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    oldest_first = [Path(script.path).name for script in reversed(list(scripts.walk_revisions()))]
    assert oldest_first == sorted(oldest_first)
    for script in scripts.walk_revisions():
        assert Path(script.path).name.split("_")[4] == script.revision
