"""The suspects of a sign request, priced and timed by the harness (bench/harness.py).

Each what-if changes one thing in the harness process only (never in the app): the limiter off,
no email-validator, no CSRF check, no INFO log line, SQLite without an fsync per COMMIT. Signing
with and without it, alternating, gives its price; the suspects are also timed alone.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import sys
import time
import types
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from bench.settings import SLUG

if TYPE_CHECKING:
    from bench.harness import Signer

Variant = Callable[[], contextlib.AbstractContextManager[Any]]
Timing = tuple[float, float]  # (wall, CPU) in ms per sign


@contextlib.contextmanager
def patched(target: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


@contextlib.contextmanager
def _config(app: Any, key: str, value: Any) -> Iterator[None]:
    original = app.config[key]
    app.config[key] = value
    try:
        yield
    finally:
        app.config[key] = original


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("petitions")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _synchronous_normal(app: Any) -> Iterator[None]:
    from sqlalchemy import event

    from petitions.extensions import db

    def pragma(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    with app.app_context():
        engine = db.engine
        engine.dispose()
        event.listen(engine, "connect", pragma)
        try:
            yield
        finally:
            event.remove(engine, "connect", pragma)
            engine.dispose()


def variants(app: Any) -> dict[str, Variant]:
    """What-if changes, each applied in this harness process only, to price one suspect."""
    from petitions.extensions import db, limiter

    found: dict[str, Variant] = {
        "rate limiter disabled (limiter.enabled = False)": lambda: patched(
            limiter, "enabled", False
        )
    }
    from petitions.signing import forms

    if hasattr(forms, "validate_email"):  # only while the form still calls email-validator
        found["email-validator skipped (address taken as typed)"] = lambda: patched(
            forms, "validate_email", lambda value, **kw: types.SimpleNamespace(normalized=value)
        )
    found["CSRF check off"] = lambda: _config(app, "WTF_CSRF_ENABLED", False)
    found["no INFO log line per signature"] = _quiet
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        found["SQLite PRAGMA synchronous=NORMAL (WAL: no fsync per COMMIT)"] = lambda: (
            _synchronous_normal(app)
        )
    return found


def alternate(signer: Signer, change: Variant, times: int = 5) -> list[tuple[Timing, Timing]]:
    """(as configured, changed) timings of ``times`` pairs of blocks, one after the other."""
    pairs = []
    for _ in range(times):
        as_is = signer.block()
        with change():
            signer.sign()
            signer.sign()
            changed = signer.block()
        pairs.append((as_is, changed))
    return pairs


def saved(pairs: list[tuple[Timing, Timing]]) -> dict[str, float]:
    """Median wall and CPU time a change saved per sign, and the CPU time with it."""
    return {
        "wall_saved": statistics.median(a[0] - c[0] for a, c in pairs),
        "cpu_saved": statistics.median(a[1] - c[1] for a, c in pairs),
        "cpu": statistics.median(c[1] for _, c in pairs),
    }


def price(app: Any, signer: Signer) -> dict[str, Any]:
    """Each what-if alternates with the configuration as it is, block by block, so drift and
    other processes' load hit both alike; CPU time of this process is the steadier measure."""
    priced: dict[str, dict[str, float]] = {}
    baselines: list[Timing] = []
    for label, change in variants(app).items():
        try:
            pairs = alternate(signer, change)
        except Exception as error:  # noqa: BLE001 - one broken what-if must not end the bench
            print(f"variant {label!r} failed: {error!r}", file=sys.stderr)
            continue
        baselines += [as_is for as_is, _ in pairs]
        priced[label] = saved(pairs)
    return {
        "baseline_wall_ms": statistics.median(b[0] for b in baselines) if baselines else 0,
        "baseline_cpu_ms": statistics.median(b[1] for b in baselines) if baselines else 0,
        "variants": priced,
    }


def _per_call(function: Callable[[], object], times: int = 200) -> float:
    function()
    started = time.perf_counter()
    for _ in range(times):
        function()
    return (time.perf_counter() - started) / times * 1000


def _mail_suspect(suspects: dict[str, Callable[[], object]], timings: dict[str, float]) -> None:
    from sqlalchemy import select

    from petitions.extensions import db
    from petitions.signing.models import Signature

    try:
        from petitions.mail import messages
        from petitions.signing.mailing import MailKind

        signature = db.session.execute(
            select(Signature).where(Signature.email.is_not(None)).limit(1)
        ).scalar_one()
        suspects["messages.render() in the worker (2 templates, 2 tokens)"] = lambda: (
            messages.prepare(MailKind.CONFIRMATION, signature.id)()
        )
    except Exception as error:  # noqa: BLE001 - a missing suspect must not end the bench
        timings[f"mail rendering not timed: {error}"] = 0.0


def component_timings(app: Any) -> dict[str, float]:
    """Time the suspects of a sign request one by one, in milliseconds per call."""
    from email_validator import validate_email

    from petitions.extensions import db

    timings: dict[str, float] = {}
    form = {"full_name": "A B", "email": "a.b@example.org", "country": "NL", "city": "X"}
    with app.test_request_context(f"/p/{SLUG}/sign", method="POST", data=form):
        from petitions.signing.forms import SignForm

        suspects: dict[str, Callable[[], object]] = {
            "SignForm() (fields, CSRF token; no country list until rendered)": SignForm,
            "SignForm().validate() (incl. CSRF, email-validator)": lambda: SignForm().validate(),
            "validate_email(check_deliverability=False)": lambda: validate_email(
                "a.b@example.org", check_deliverability=False
            ),
        }
        _mail_suspect(suspects, timings)
        for label, function in suspects.items():
            try:
                timings[label] = _per_call(function)
            except Exception as error:  # noqa: BLE001
                timings[f"{label}: failed ({type(error).__name__})"] = 0.0
        db.session.rollback()
    return timings


def page_timings(app: Any) -> dict[str, float]:
    """Time the petition page as a reader meets it, in milliseconds per GET (test client).

    A fresh ``?ref=`` is what the HTTP rounds' "fresh ?ref=" row measures: the page kept for the
    generation and language, with its ticket and source filled in. Rendered in full is what the
    first reader after a change pays (an edit, or a count change, at most once a
    PUBLIC_PAGE_COUNT_SECONDS): every kept page and part dropped first, so the queries and the
    templates run again; the Markdown and the country list stay memoised, as they do then.
    """
    from petitions import public_pages

    client = app.test_client()
    numbers = iter(range(10**9))

    def get(path: str) -> None:
        status = client.get(path).status_code
        assert status == 200, (path, status)

    def in_full() -> None:
        with app.app_context():
            public_pages.forget_all()
        get(f"/p/{SLUG}")

    return {
        "GET /livez (the reference)": _per_call(lambda: get("/livez")),
        "GET /p/<slug>?ref=<fresh> (the kept page, ticket and source filled in)": _per_call(
            lambda: get(f"/p/{SLUG}?ref=h{next(numbers)}")
        ),
        "GET /p/<slug> rendered in full (kept pages and parts dropped first)": _per_call(in_full),
    }
