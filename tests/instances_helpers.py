"""Real processes for tests/test_instances.py: gunicorn app instances and outbox workers.

Each process gets its own session (process group), a log file under the test's tmp_path, and is
stopped by its own id: SIGTERM first, then SIGKILL on its group if it does not leave in time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
import requests

from tests.helpers import FLASK, MAX_WAIT, PROJECT_ROOT, wait_for

GUNICORN = PROJECT_ROOT / ".venv" / "bin" / "gunicorn"

#: Settings of this machine's shell that must not leak into a started process.
_FOREIGN = ("PETITIONS_", "OUTBOX_", "MAIL_", "FLASK_", "GUNICORN_", "RATELIMIT_", "CACHE_")
_FOREIGN_NAMES = {
    "DATABASE_URL",
    "BASE_URL",
    "SIGN_RATE_LIMIT",
    "LINK_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ACCOUNT_FAILURE_LIMIT",
    "MAIL_PER_ADDRESS_LIMIT",
    "WEB_CONCURRENCY",
    "PORT",
    "EMAIL_CHECK_DELIVERABILITY",
    "EMAIL_DNS_TIMEOUT",
    "EMAIL_DNS_NAMESERVERS",
    "COUNT_CACHE_SECONDS",
    "TRUSTED_PROXY_COUNT",
}


def clean_environment(**settings: str) -> dict[str, str]:
    """Return this process's environment without the service's settings, plus ``settings``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_FOREIGN) and key not in _FOREIGN_NAMES
    }
    environment.update(PYTHONUNBUFFERED="1", **settings)
    return environment


class Process:
    """A started process with its log; stopped by its own id (and its own process group)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path):
        self.name = name
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group: gunicorn's workers can be reached through it should the
            # master die first, and a Ctrl-C on pytest does not hit them behind its back.
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def assert_running(self) -> None:
        assert self.process.poll() is None, (
            f"{self.name} exited with {self.process.returncode}:\n{self.output()}"
        )

    def signal(self, signum: int, timeout: float = 5) -> int:
        """Send ``signum`` and return the exit code; fail if it takes over ``timeout`` s."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} did not exit within {timeout} s of signal {signum}")

    def close(self, grace: float = 10) -> None:
        """Stop the process (SIGTERM, then SIGKILL on its group) and anything it left behind."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # The group is this process's own (start_new_session): whatever is still in it (a
        # gunicorn worker orphaned by a killed master) was started by this test.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


class AppInstance(Process):
    """`gunicorn -c gunicorn.conf.py -w N -b 127.0.0.1:PORT wsgi:app`, as on one machine."""

    def __init__(self, name: str, port: int, workers: int, env: dict[str, str], log_path: Path):
        self.url = f"http://127.0.0.1:{port}"
        super().__init__(
            name,
            [
                str(GUNICORN),
                "-c",
                "gunicorn.conf.py",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            env,
            log_path,
        )

    def healthy(self) -> bool:
        self.assert_running()
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False


def wait_healthy(instances: Iterable[AppInstance], timeout: float = MAX_WAIT) -> None:
    """Wait until every instance answers /healthz with 200 (they start in parallel)."""
    deadline = time.monotonic() + timeout
    for instance in instances:
        wait_for(
            instance.healthy,
            max(0.1, deadline - time.monotonic()),
            f"{instance.name} ({instance.url}) to be healthy",
        )


class OutboxWorkerProcess(Process):
    """`flask --app wsgi outbox send`, as an operator runs it."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path):
        super().__init__(name, [str(FLASK), "--app", "wsgi", "outbox", "send"], env, log_path)

    def started(self) -> bool:
        self.assert_running()
        return "Outbox worker started" in self.output()
