"""Flask extensions, created unbound and initialised in :func:`petitions.create_app`.

Transactions and mail, the rule of every area (``db`` below):

- **Services commit.** A service function that writes commits once, at its end
  (``db.session.commit()``), or rolls back and says why in what it returns or raises. What it
  calls to help (``mail.messages.queue``, ``signing.mailing.reserve_mail``, the count
  increments) writes in the caller's transaction and never commits. Views, forms, models,
  templates and CLI commands never commit or roll back a write; they call a service. Reads
  need no commit: the app context's teardown ends their transaction. Work made of separate
  steps commits once per step, each step a function of its own (the mail worker: claim a
  batch, decide it, record each delivery).
- **Mail rides on the commit.** A change that causes a mail adds the outbox row in its own
  transaction, before the commit; the worker sends it afterwards. So a mail is sent if and
  only if the change committed, a rollback takes its mail with it, and no request waits for
  the mail server.
- **Exceptions say why where they happen.** A service may commit a Core connection of its own
  (``db.engine.begin()``) instead of the session, for a measured reason written beside it
  (``signing.services.sign``, ``embeds.services.spend_ticket``); it still writes one
  transaction, committed at its end, with its outbox row inside.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import request
from flask_babel import Babel, lazy_gettext
from flask_caching import Cache
from flask_cors import CORS
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints make Alembic migrations reproducible on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
cache = Cache()
cors = CORS()
csrf = CSRFProtect()
babel = Babel()
talisman = Talisman()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
# "basic" keeps a phone that changes networks logged in; "strong" would not.
login_manager.session_protection = "basic"
login_manager.login_message = lazy_gettext("Please log in to see this page.")


def client_network() -> str:
    """Return the rate-limit key of the client: its IPv4 address, or its IPv6 /64 network.

    One IPv6 subscriber gets a whole /64 (and picks a fresh address in it at will), so the /64
    is the client; an IPv4-mapped address (::ffff:192.0.2.1) is its IPv4 one; and parsing
    makes every spelling of one address one key. The remote address is the real client's once
    ProxyFix has applied TRUSTED_PROXY_COUNT.
    """
    raw = request.remote_addr or "127.0.0.1"
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


# No X-RateLimit headers: they cost two storage round trips per limited request and no browser
# reads them; a refusal still says when to come back (Retry-After, see errors.py).
limiter = Limiter(key_func=client_network, headers_enabled=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # WAL lets readers go on while one writer commits; a busy writer is waited for rather than
    # failed; and SQLite leaves foreign keys off unless asked. secure_delete zeroes what an
    # UPDATE or DELETE frees, so an erased signer's email does not linger in the file's free
    # space (see privacy/storage.py).
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
