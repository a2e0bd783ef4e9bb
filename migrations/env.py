"""Alembic's environment for Flask-Migrate: runs the revisions on the app's own engine.

Flask-Migrate's generated env.py, typed and trimmed: the engine and metadata come from the
app's Flask-SQLAlchemy extension, so ``flask db upgrade`` migrates whatever database the app
is configured for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import Engine, MetaData

config = context.config

# Keep the app's own loggers: by default fileConfig silences every logger that exists already.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db: Any = current_app.extensions["migrate"].db


def get_engine() -> Engine:
    """Return the engine of the app being migrated."""
    engine: Engine = target_db.engine
    return engine


def get_engine_url() -> str:
    """Return the database URL with its password, escaped for the ini file's interpolation."""
    return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())


def get_metadata() -> MetaData:
    """Return the metadata of the default bind, which autogenerate compares against."""
    metadata: MetaData = (
        target_db.metadatas[None] if hasattr(target_db, "metadatas") else target_db.metadata
    )
    return metadata


def run_migrations_offline() -> None:
    """Emit the migrations as SQL to the script output (``flask db upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""

    # `flask db migrate` with no schema change writes no empty revision.
    def process_revision_directives(
        context: MigrationContext,
        revision: str | Sequence[str | None] | Sequence[str],
        directives: list[MigrationScript],
    ) -> None:
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops is not None and script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args: dict[str, Any] = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
