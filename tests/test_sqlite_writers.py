"""SQLite writers queue on a file lock across processes; readers never wait."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError

from petitions.sqlite_writers import engine_options

FORK = multiprocessing.get_context("fork")


def engine_for(path: Path) -> Engine:
    url = f"sqlite:///{path}"
    return create_engine(url, **engine_options(url, {}))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "queue.sqlite"
    with engine_for(path).begin() as connection:
        connection.execute(text("PRAGMA journal_mode=WAL"))
        connection.execute(text("CREATE TABLE rows (name TEXT PRIMARY KEY)"))
    return path


def names(path: Path) -> list[str]:
    with engine_for(path).connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT name FROM rows ORDER BY name"))]


def hold_a_write(path: str, holding: object, finish: object, outcome: str) -> None:
    """In another process: write, say so, wait to be told, then commit or roll back."""
    with engine_for(Path(path)).connect() as connection:
        connection.execute(text("INSERT INTO rows VALUES ('held')"))
        holding.set()  # type: ignore[attr-defined]
        finish.wait(30)  # type: ignore[attr-defined]
        if outcome == "commit":
            connection.commit()
        else:
            connection.rollback()


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_a_writer_waits_for_another_process_and_goes_on_when_it_is_done(
    database: Path, outcome: str
) -> None:
    holding, finish = FORK.Event(), FORK.Event()
    other = FORK.Process(target=hold_a_write, args=(str(database), holding, finish, outcome))
    other.start()
    try:
        assert holding.wait(30), "the other process never wrote"

        # Reading is not writing: it does not queue.
        assert names(database) == []

        done = threading.Event()

        def write() -> None:
            with engine_for(database).begin() as connection:
                connection.execute(text("INSERT INTO rows VALUES ('queued')"))
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.5), "the second writer did not wait for the first"

        finish.set()
        assert done.wait(10), "the second writer was not let through"
        writer.join(5)
    finally:
        finish.set()
        other.join(10)
    assert other.exitcode == 0
    assert names(database) == (["held", "queued"] if outcome == "commit" else ["queued"])


def test_a_failed_write_leaves_the_queue(database: Path) -> None:
    engine = engine_for(database)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO rows VALUES ('once')"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO rows VALUES ('once')"))

    # Another process can write at once: nothing was left holding the lock.
    started = time.monotonic()
    other = FORK.Process(target=_write_one, args=(str(database), "after"))
    other.start()
    other.join(10)
    assert other.exitcode == 0
    assert time.monotonic() - started < 10
    assert names(database) == ["after", "once"]


def _write_one(path: str, name: str) -> None:
    with engine_for(Path(path)).begin() as connection:
        connection.execute(text("INSERT INTO rows VALUES (:name)"), {"name": name})


def test_only_sqlite_files_get_the_queue() -> None:
    assert engine_options("postgresql+psycopg://u@h/db", {"pool_size": 5}) == {"pool_size": 5}
    assert engine_options("sqlite:///:memory:", {}) == {}
    assert "factory" in engine_options("sqlite:////tmp/x.sqlite", {})["connect_args"]
