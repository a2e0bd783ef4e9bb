"""The `petitions` console script and `flask --app wsgi` give the same commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Backend

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
        cwd=Path(__file__).parent.parent,
    )


@pytest.mark.parametrize(
    "prefix", [[str(BIN / "petitions")], [str(BIN / "flask"), "--app", "wsgi"]]
)
def test_migrate_load_demo_and_drain_from_the_command_line(
    prefix: list[str], backend: Backend, tmp_path: Path
) -> None:
    database = backend.empty_database(tmp_path)

    assert run([*prefix, "db", "upgrade"], database).returncode == 0
    first = run([*prefix, "demo-data"], database)
    second = run([*prefix, "demo-data"], database)
    drained = run([*prefix, "outbox", "send", "--once"], database)

    assert "Loaded the demo case" in first.stdout
    assert "already has cases" in second.stdout
    assert drained.returncode == 0
    assert "sent 0, retrying 0, failed 0" in drained.stdout
