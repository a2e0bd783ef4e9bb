"""The `petitions` console script and `flask --app wsgi` give the same commands.

Both run the commands that ``petitions.cli.register`` adds to the app's CLI. One test starts the
console script as an operator does (a new process that reads its settings from the
environment); the others call the same commands in-process through Flask's CLI runner, which
is what ``flask --app wsgi`` dispatches to, at a fraction of the cost of a process each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import inspect

from petitions import create_app
from petitions.extensions import db
from tests.conftest import Backend, SmtpServer, settings_for
from tests.helpers import PROJECT_ROOT

BIN = Path(sys.executable).parent


def run(command: list[str], database: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "cli-test-secret",
    }
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=PROJECT_ROOT,
    )


def test_the_console_script_migrates_a_database_from_the_environment(
    backend: Backend, tmp_path: Path
) -> None:
    database = backend.empty_database(tmp_path)

    migrated = run([str(BIN / "petitions"), "db", "upgrade"], database)

    assert migrated.returncode == 0, migrated.stderr
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True})
    with app.app_context():
        assert "petitions" in inspect(db.engine).get_table_names()
        db.engine.dispose()
    backend.drop_database(database)


@pytest.fixture
def empty_runner(backend: Backend, smtp: SmtpServer, tmp_path: Path) -> Iterator[FlaskCliRunner]:
    """The CLI of an app on an empty database, as `flask --app wsgi` runs it.

    FlaskGroup pushes an app context around every command; the test runner invokes the app's
    own group, so the context is pushed here.
    """
    database = backend.empty_database(tmp_path)
    app = create_app(settings_for(database, smtp, tmp_path))
    with app.app_context():
        yield app.test_cli_runner()
        db.engine.dispose()
    backend.drop_database(database)


def test_migrate_load_demo_and_drain_from_the_command_line(empty_runner: FlaskCliRunner) -> None:
    migrated = empty_runner.invoke(args=["db", "upgrade"])
    first = empty_runner.invoke(args=["demo-data"])
    second = empty_runner.invoke(args=["demo-data"])
    drained = empty_runner.invoke(args=["outbox", "send", "--once"])

    assert migrated.exit_code == 0, migrated.output
    assert "Loaded the demo case" in first.stdout
    assert "already has cases" in second.stdout
    assert drained.exit_code == 0
    assert "sent 0, retrying 0, failed 0" in drained.stdout
