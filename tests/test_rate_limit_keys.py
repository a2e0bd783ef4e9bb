"""Who counts as one client for rate limits, and where the counts are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage, RedisStorage

from petitions.extensions import limiter
from tests.conftest import VALID_SIGNER, SmtpServer, csrf_token
from tests.factories import open_petition
from tests.helpers import PROJECT_ROOT
from tests.instances_helpers import clean_environment
from tests.servers import free_port


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"SIGN_RATE_LIMIT": "2 per minute", "MAIL_URL": ""}


def sign_from(client: FlaskClient, slug: str, address: str, email: str) -> int:
    environ = {"REMOTE_ADDR": address}
    page = client.get(f"/p/{slug}", environ_base=environ)
    answer = client.post(
        f"/p/{slug}/sign",
        data={
            **VALID_SIGNER,
            "email": email,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
        environ_base=environ,
    )
    return int(answer.status_code)


@pytest.mark.parametrize(
    "addresses",
    [
        ["2001:db8:1:2::1", "2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2:abcd::9"],
        ["192.0.2.7", "::ffff:192.0.2.7", "::ffff:c000:207"],
        ["2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:DB8::1"],
    ],
    ids=["one-ipv6-64", "ipv4-mapped", "one-address-spelled-three-ways"],
)
def test_one_client_is_one_client_however_its_address_reads(
    client: FlaskClient, smtp: SmtpServer, addresses: list[str]
) -> None:
    petition = open_petition()

    codes = [
        sign_from(client, petition.slug, address, f"signer{n}@example.org")
        for n, address in enumerate(addresses)
    ]

    assert codes == [303, 303, 429]


def test_neighbouring_ipv6_networks_are_different_clients(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:3::1", "2001:db8:1:4::1"]

    codes = [
        sign_from(client, petition.slug, address, f"signer{n}@example.org")
        for n, address in enumerate(addresses)
    ]

    assert codes == [303, 303, 303, 303]


def stored_limit_keys(app: Flask) -> list[str]:
    """Every key the rate-limit store holds, whichever store the backend uses."""
    storage = limiter.limiter.storage
    if isinstance(storage, RedisStorage):
        return [key.decode() for key in storage.storage.scan_iter("*")]
    assert isinstance(storage, MemoryStorage)
    return [str(key) for key in storage.storage]  # a dict of counters


def test_the_rate_limit_store_holds_no_ip_address(
    app: Flask, client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    addresses = ["192.0.2.7", "2001:db8:1:2::1"]

    for n, address in enumerate(addresses):
        assert sign_from(client, petition.slug, address, f"signer{n}@example.org") == 303

    keys = stored_limit_keys(app)
    assert len([key for key in keys if "/sign/" in key]) == 2, keys  # both were counted
    for written in ("192.0.2.7", "2001:db8:1:2::/64", "2001:db8"):
        assert not [key for key in keys if written in key], (written, keys)


def test_production_gunicorn_refuses_per_worker_limits_with_several_workers(
    tmp_path: Path,
) -> None:
    environment = clean_environment(
        PETITIONS_ENV="production",
        SECRET_KEY="k3Jw-9vQxT2_pLmN8rZ4sYbH6cVfA1dGeU0oWiKq",
        MAIL_URL="smtp://127.0.0.1:25",
        MAIL_FROM="Petitions <petitions@example.org>",
        BASE_URL="https://petitions.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite'}",
        INSTANCE_PATH=str(tmp_path / "instance"),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{free_port()}",
        "wsgi:app",
    ]

    started = subprocess.run(
        command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60
    )

    assert started.returncode != 0
    assert "RATELIMIT_STORAGE_URI is memory://" in started.stderr
    assert "WEB_CONCURRENCY=1" in started.stderr
