"""Shared fixtures: an app on a migrated SQLite file, a real SMTP server, HTTP helpers."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from playwright.sync_api import Browser, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.test import TestResponse

# Set before the app reads its environment: tests never write a secret into instance/.
os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.pop("PETITIONS_ENV", None)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("MAIL_URL", None)
# `make test` exports PORT; without BASE_URL the app would remember it in instance/.
os.environ.pop("PORT", None)
os.environ.pop("BASE_URL", None)

from petitions import create_app  # noqa: E402
from petitions.extensions import db  # noqa: E402
from petitions.mail.worker import drain_once  # noqa: E402
from petitions.signing.models import Signature, SignatureState  # noqa: E402
from tests.helpers import main_text  # noqa: E402
from tests.servers import PostgresServer, RedisServer, free_port  # noqa: E402

# Re-exported: the tests annotate with these under their old home.
from tests.servers import ReceivedMail as ReceivedMail  # noqa: E402
from tests.servers import SmtpServer as SmtpServer  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # syrupy counts every snapshot as unused when no test runs, so a `--collect-only` check of
    # the imports would fail; the unused check stays on for real runs.
    if config.option.collectonly:
        config.option.disable_unused_snapshots = True


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
    # Like indico's disallow_emails: a mail no test asked for is a bug (or an unfinished test).
    leftover = server.untaken()
    assert not leftover, "unexpected mail: " + ", ".join(
        f"{m.recipients} {m.message['Subject']}" for m in leftover
    )


# --- the app ------------------------------------------------------------------------------


#: Which real back ends the suite runs on: "sqlite" (SQLite files, in-memory limits) or
#: "postgres" (a PostgreSQL server and a Redis server, started here). `make test` runs both.
BACKEND = os.environ.get("PETITIONS_TEST_BACKEND", "sqlite")


class Backend:
    """Hands each test a freshly migrated database of the chosen kind, and shared stores."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = itertools.count(1)
        self.postgres: PostgresServer | None = None
        self.redis: RedisServer | None = None

    @property
    def name(self) -> str:
        return "postgres" if self.postgres is not None else "sqlite"

    def start(self) -> None:
        if BACKEND == "postgres":
            self.postgres = PostgresServer()
            self.postgres.start()
            self.redis = RedisServer()
            self.redis.start()
            self.postgres.psql("CREATE DATABASE petitions_template")
            self._migrate(self.postgres.url("petitions_template"))
        elif BACKEND == "sqlite":
            self._migrate(f"sqlite:///{self.root / 'template.sqlite'}")
        else:
            raise RuntimeError(
                f"PETITIONS_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}"
            )

    def _migrate(self, url: str) -> None:
        import flask_migrate

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()

    def new_database(self, tmp_path: Path) -> str:
        """Return the URL of a new database built by the real migrations."""
        if self.postgres is None:
            path = tmp_path / f"petitions-{next(self.counter)}.sqlite"
            shutil.copy(self.root / "template.sqlite", path)
            return f"sqlite:///{path}"
        name = f"test_{next(self.counter)}"
        self.postgres.psql(f"CREATE DATABASE {name} TEMPLATE petitions_template")
        return self.postgres.url(name)

    def empty_database(self, tmp_path: Path) -> str:
        """Return the URL of a new, empty database (for tests that run the migrations)."""
        if self.postgres is None:
            return f"sqlite:///{tmp_path / f'empty-{next(self.counter)}.sqlite'}"
        name = f"empty_{next(self.counter)}"
        self.postgres.psql(f"CREATE DATABASE {name}")
        return self.postgres.url(name)

    def drop_database(self, url: str) -> None:
        if self.postgres is not None:
            name = url.rsplit("/", 1)[-1]
            self.postgres.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stores(self) -> dict[str, Any]:
        """Configuration for the rate-limit store and the count cache."""
        if self.redis is None:
            return {"RATELIMIT_STORAGE_URI": "memory://", "CACHE_TYPE": "SimpleCache"}
        import redis

        redis.Redis.from_url(self.redis.url).flushall()  # no limit or count leaks between tests
        return {
            "RATELIMIT_STORAGE_URI": self.redis.url,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": self.redis.url,
        }

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    chosen = Backend(tmp_path_factory.mktemp("backend"))
    try:
        chosen.start()
        yield chosen
    finally:
        chosen.stop()


@pytest.fixture
def database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database for this test alone."""
    url = backend.new_database(tmp_path)
    yield url
    backend.drop_database(url)


def settings_for(database_url: str, smtp: SmtpServer, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_URL": smtp.url,
        "MAIL_FROM": "Petitions <petitions@example.org>",
        "BASE_URL": "http://localhost",
        "EMAIL_CHECK_DELIVERABILITY": False,
        "OUTBOX_RETRY_BASE_SECONDS": 0,
        "MAIL_TIMEOUT_SECONDS": 5,
        "DEV_MAILBOX_DIR": str(tmp_path / "mailbox"),
        # Tests read a page right after a confirmation; the crowd's window has its own tests.
        "PUBLIC_PAGE_COUNT_SECONDS": 0,
        # Every test signs from 127.0.0.1: the quarantine limits stand aside unless a test
        # (tests/defence/) sets its own.
        **QUARANTINE_OFF,
    }


#: Quarantine limits no test reaches by accident.
QUARANTINE_OFF = {
    "QUARANTINE_CLIENT_BURST": "1000000 per minute",
    "QUARANTINE_CLIENT_SUSTAINED": "1000000 per minute",
    "QUARANTINE_DOMAIN_LIMIT": "1000000 per minute",
    "QUARANTINE_COUNTRY_LIMIT": "1000000 per minute",
}


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(
    backend: Backend,
    database_url: str,
    smtp: SmtpServer,
    tmp_path: Path,
    config_overrides: dict[str, Any],
) -> Iterator[Flask]:
    application = create_app(
        {**settings_for(database_url, smtp, tmp_path), **backend.stores(), **config_overrides}
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test body; without this, requests
    would share it and its ``g`` (cached CSRF token, chosen locale, DB session) with each other
    and with the test, hiding bugs that a real server would show.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # noqa: A003
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app over real HTTP on loopback (threaded), for browsers and concurrency."""
    server: BaseWSGIServer = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join(timeout=5)


# --- a browser ----------------------------------------------------------------------------

#: Debian's Chromium, driven by Playwright: the journeys and the outside judges share one.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


# --- acting like a supporter --------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


VALID_SIGNER = {
    "full_name": "Christie Miedema",
    "email": "christie@example.org",
    "country": "NL",
    "city": "Den Haag",
    "comment": "",
}


class Supporter:
    """Drives the public pages over HTTP as a person in a browser would."""

    def __init__(self, client: FlaskClient, smtp: SmtpServer) -> None:
        self.client = client
        self.smtp = smtp

    def sign(self, slug: str, **fields: Any) -> TestResponse:
        page = self.client.get(f"/p/{slug}")
        assert page.status_code == 200, page.status_code
        data = {**VALID_SIGNER, **fields, "csrf_token": csrf_token(page.get_data(as_text=True))}
        data = {key: value for key, value in data.items() if value is not None}
        return self.client.post(f"/p/{slug}/sign", data=data)

    def deliver(self) -> None:
        """Run the outbox worker once, as `flask outbox send --once` does."""
        drain_once()

    def open_and_press(self, path: str) -> TestResponse:
        """GET a confirm or withdraw page, then press its button."""
        page = self.client.get(path)
        assert page.status_code == 200, page.get_data(as_text=True)
        return self.client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def signature_states(petition_id: int) -> Counter[SignatureState]:
    """Count a petition's signatures by state, read afresh from the database."""
    db.session.rollback()
    return Counter(
        db.session.execute(
            db.select(Signature.state).where(Signature.petition_id == petition_id)
        ).scalars()
    )


@dataclass
class Press:
    """One person pressing one confirm or withdraw button: open the page in a fresh browser,
    then press (the two steps apart, so many presses can race)."""

    kind: str  # "confirm" or "withdraw"
    signature_id: int
    url: str
    session: requests.Session | None = None
    token: str | None = None
    status: int | None = None
    page: str = ""

    def open(self) -> None:
        self.session = requests.Session()
        page = self.session.get(self.url, timeout=20)
        assert page.status_code == 200, (self.kind, page.status_code)
        self.token = csrf_token(page.text)

    def press(self) -> None:
        assert self.session is not None
        answer = self.session.post(self.url, data={"csrf_token": self.token}, timeout=20)
        self.status, self.page = answer.status_code, answer.text
        self.session.close()


def assert_presses_agree(
    presses: list[Press], signature_ids: list[int], withdrawing: set[int]
) -> None:
    """Check that what each person saw after pressing agrees with the outcome.

    A withdrawal always answers with its page; a confirm of a signature that was also withdrawn
    may find it gone (410); of the confirm presses of one link exactly one did the confirming if
    the signature was kept, at most one if it was withdrawn.
    """
    for press in presses:
        if press.kind == "withdraw":
            assert press.status == 200, press.page
            assert "Your signature is withdrawn" in main_text(press.page)
        elif press.signature_id in withdrawing:
            assert press.status in {200, 410}, press.page
        else:
            assert press.status == 200, press.page
            assert "confirmed" in main_text(press.page)
    confirmed_now = Counter(
        press.signature_id
        for press in presses
        if press.kind == "confirm"
        and "Thank you: your signature is confirmed" in main_text(press.page)
    )
    for signature_id in signature_ids:
        expected = {0, 1} if signature_id in withdrawing else {1}
        assert confirmed_now[signature_id] in expected, signature_id


@pytest.fixture
def supporter(client: FlaskClient, smtp: SmtpServer) -> Supporter:
    return Supporter(client, smtp)


class OrganizerBrowser:
    """Drives the organizer area over HTTP: logs in, submits forms with their CSRF tokens."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def log_in(self, email: str, password: str) -> TestResponse:
        page = self.client.get("/organizer/login")
        return self.client.post(
            "/organizer/login",
            data={
                "email": email,
                "password": password,
                "csrf_token": csrf_token(page.get_data(as_text=True)),
            },
        )

    def token(self, path: str = "/organizer/") -> str:
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def post(
        self, path: str, data: dict[str, Any] | None = None, page: str = "/organizer/"
    ) -> TestResponse:
        """POST as the page's own form would, with a fresh CSRF token taken from ``page``."""
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token(page)})


@pytest.fixture
def organizer_browser(client: FlaskClient) -> OrganizerBrowser:
    return OrganizerBrowser(client)
