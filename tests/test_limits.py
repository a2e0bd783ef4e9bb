"""Every rate limit is named once in petitions/limits.py, with its setting, scope and key."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from petitions import limits

ROOT = Path(__file__).resolve().parent.parent


def test_every_limit_reads_a_setting_that_parses_and_keeps_its_storage_scope(app: Flask) -> None:
    named = {
        name: (limit.setting, limit.scope)
        for name, limit in vars(limits).items()
        if isinstance(limit, limits.Limit)
    }

    # The scopes are part of the counters' keys in Redis: renaming one would reset a limit.
    assert named == {
        "SIGN": ("SIGN_RATE_LIMIT", "sign"),
        "SIGNATURE_LINKS": ("LINK_RATE_LIMIT", "signature-links"),
        "LOGIN": ("LOGIN_RATE_LIMIT", "login"),
        "LOGIN_FAILURES": ("LOGIN_FAILURE_LIMIT", "login-failures"),
        "ACCOUNT_FAILURES": ("LOGIN_ACCOUNT_FAILURE_LIMIT", "login-failures"),
        "MAIL_TO_ADDRESS": ("MAIL_PER_ADDRESS_LIMIT", "mail-to"),
        "CLIENT_BURST": ("QUARANTINE_CLIENT_BURST", "q-client-burst"),
        "CLIENT_SUSTAINED": ("QUARANTINE_CLIENT_SUSTAINED", "q-client-long"),
        "FROM_DOMAIN": ("QUARANTINE_DOMAIN_LIMIT", "q-domain"),
        "FROM_COUNTRY": ("QUARANTINE_COUNTRY_LIMIT", "q-country"),
        "HOLDINGS": ("HOLDINGS_RATE_LIMIT", "holdings"),
    }
    for name in named:
        assert getattr(limits, name).windows(), f"{name} has no window"


def test_accounts_addresses_and_clients_are_counted_by_hash(app: Flask) -> None:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2::7"}):
        client = "2001:db8:1:2::/64"
        (hashed_client,) = limits.SIGN.key("")
        account, network = limits.LOGIN_FAILURES.key(" Hanna@Example.org ")
        assert network == hashed_client
        assert "2001" not in hashed_client
        assert limits.ACCOUNT_FAILURES.key("hanna@example.org") == (account,)
        (address,) = limits.MAIL_TO_ADDRESS.key("hanna@example.org")

    assert "hanna" not in account + address
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2::7"}):
        (quarantine_key,) = limits.CLIENT_BURST.key(f"some-petition|{client}")
        (domain_key,) = limits.FROM_DOMAIN.key("some-petition|example.org")
    # The quarantine counters hold neither the client nor the domain.
    assert "2001" not in quarantine_key
    assert "example" not in domain_key
    assert account != address  # one key per purpose: a login count is not a mail count
    # Another address of the same IPv6 /64 is the same client; the next /64 another.
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:2::8"}):
        assert limits.SIGN.key("") == (hashed_client,)
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "2001:db8:1:3::7"}):
        assert limits.SIGN.key("") != (hashed_client,)


def test_no_other_module_defines_a_limit() -> None:
    for source in ROOT.glob("petitions/**/*.py"):
        name = str(source.relative_to(ROOT))
        if name in {"petitions/limits.py", "petitions/extensions.py"}:
            continue
        text = source.read_text()
        for call in ("shared_limit(", "limiter.limit(", "limiter.limiter", "parse_many("):
            assert call not in text, f"{name} defines a rate limit of its own ({call})"
