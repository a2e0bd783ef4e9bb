"""The databases of bench/retention.py: the demo petition and its signers, closed and delivered
long ago, a paper sheet's CSV, consents to updates. Filled in bulk, outside the timed calls.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SECRET = "bench-retention"  # noqa: S105 - a throwaway key of a throwaway database
SHEET_ROWS = 2000
START = dt.datetime(2024, 1, 1)
#: How many of the sheet's rows are twins by name and city, by email, and doubtful (per 100).
TWINS_NAME, TWINS_EMAIL, DOUBTFUL = 10, 5, 5


def env_for(url: str) -> dict[str, str]:
    drop = {"FLASK_DEBUG", "PYTHONPATH"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update({"DATABASE_URL": url, "SECRET_KEY": SECRET, "EMAIL_CHECK_DELIVERABILITY": "0"})
    return env


def app_for(url: str) -> Any:
    os.environ.update(env_for(url))
    from petitions import create_app

    return create_app({"RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"})


def _flask(url: str, *arguments: str) -> None:
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    subprocess.run(  # noqa: S603 - a fixed command of this project, no outside input
        [*flask, *arguments], cwd=ROOT, env=env_for(url), check=True, capture_output=True, text=True
    )


def _signer(n: int, state: Any, when: dt.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "petition_id": 1,
        "state": state,
        "full_name": f"Jan de Vries {n}",
        "email": f"signer{n}@example.org",
        "email_normalized": f"signer{n}@example.org",
        "country": ("NL", "BY", "DE", "GR")[n % 4],
        "city": "Den Haag",
        "comment": "Free him now!" if n % 3 == 0 else None,
        "locale": "en",
        "mails_sent": 1,
        "created_at": when,
        "confirmed_at": when if state.name == "CONFIRMED" else None,
        **extra,
    }


def build(url: str, rows: int, pending: int, **extra: Any) -> None:
    """Migrate a fresh database: the demo petition (id 1), ``rows`` confirmed signatures and
    ``pending`` unconfirmed ones, all made in 2024."""
    _flask(url, "db", "upgrade")
    _flask(url, "demo-data")
    from sqlalchemy import insert, text

    from petitions.extensions import db
    from petitions.signing.models import Signature, SignatureState

    confirmed, unconfirmed = SignatureState.CONFIRMED, SignatureState.PENDING
    with app_for(url).app_context():
        for first in range(0, rows + pending, 10_000):
            db.session.execute(
                insert(Signature),
                [
                    _signer(n, confirmed if n < rows else unconfirmed, START, **extra)
                    for n in range(first, min(first + 10_000, rows + pending))
                ],
            )
        db.session.execute(text("UPDATE petitions SET signature_count = :n"), {"n": rows})
        db.session.commit()
        db.engine.dispose()


def close_and_deliver(url: str) -> None:
    """Close the demo petition in 2024 and record its delivery then: anonymisation is due."""
    from petitions.bundles.models import Delivery
    from petitions.cases.models import Petition, PetitionStatus
    from petitions.extensions import db

    with app_for(url).app_context():
        petition = db.session.get_one(Petition, 1)
        petition.status, petition.closes_at = PetitionStatus.CLOSED, START + dt.timedelta(days=30)
        db.session.add(
            Delivery(
                petition_id=1,
                recipient="Bench",
                delivered_on=dt.date(2024, 2, 15),
                fingerprint="0" * 64,
                signature_count=0,
                created_at=START + dt.timedelta(days=45),
            )
        )
        db.session.commit()
        db.engine.dispose()


def sheet_csv(online: int) -> tuple[bytes, int, int]:
    """A 2,000-row CSV with twins of online signers planted; (file, matched, doubtful)."""
    lines = ["name,city,country,email"]
    step = online // SHEET_ROWS  # spread the twins over the petition's signers
    matched = doubtful = 0
    for row in range(SHEET_ROWS):
        twin, percent = row * step, row % 100
        if percent < TWINS_NAME:
            lines.append(f"jan de vries {twin},DEN HAAG,NL,")
            matched += 1
        elif percent < TWINS_NAME + TWINS_EMAIL:
            lines.append(f"Paper Signer {row},Utrecht,NL,Signer{twin}@example.org")
            matched += 1
        elif percent < TWINS_NAME + TWINS_EMAIL + DOUBTFUL:
            lines.append(f"Jan de Vries {twin},Rotterdam,NL,")
            doubtful += 1
        else:
            lines.append(f"Paper Signer {row},Amsterdam,NL,")
    return ("\n".join(lines) + "\n").encode(), matched, doubtful


def add_consents(url: str) -> None:
    """Give every confirmed signature of the demo petition a standing consent to updates."""
    from sqlalchemy import text

    from petitions.extensions import db

    with app_for(url).app_context():
        db.session.execute(
            text(
                "INSERT INTO update_consents (signature_id, wording, version, locale, ticked_at,"
                " given_at) SELECT id, 'Send me news', '1', 'en', created_at, confirmed_at"
                " FROM signatures WHERE petition_id = 1 AND confirmed_at IS NOT NULL"
            )
        )
        db.session.commit()
        db.engine.dispose()
