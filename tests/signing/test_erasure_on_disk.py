"""A withdrawn signer's email and name are gone from the database files, not only the rows.

Debian builds SQLite with secure_delete on by default; other builds (python.org, macOS) do not,
which is why the app sets it and why this test fails when the app sets it OFF.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState
from tests.conftest import BACKEND, SmtpServer, Supporter
from tests.factories import confirmed_signature, open_petition

EMAIL = "zmitser.unique.signer@example.org"
NAME = "Zmitser Vyjatkovy"
CITY = "Navapolatsk-Unikalny"


def on_disk(database: Path) -> bytes:
    """Every byte SQLite has written for this database: the main file, its WAL and journal."""
    files = [database, *(database.with_name(database.name + s) for s in ("-wal", "-journal"))]
    return b"".join(path.read_bytes() for path in files if path.exists())


@pytest.mark.skipif(BACKEND != "sqlite", reason="PostgreSQL's files are the operator's (README)")
def test_a_withdrawn_signer_leaves_no_trace_in_the_sqlite_files(
    app: Flask, supporter: Supporter, smtp: SmtpServer
) -> None:
    database = Path(str(db.engine.url.database))
    petition = open_petition()
    # Neighbours on the same pages: the erased row's old bytes sit between live rows.
    for number in range(3):
        confirmed_signature(petition, full_name=f"Neighbour {number}", city="Minsk")
    supporter.sign(petition.slug, full_name=NAME, email=EMAIL, city=CITY)
    supporter.deliver()
    mail = smtp.take_one()
    supporter.open_and_press(mail.link("confirm"))
    withdraw = mail.link("withdraw")
    confirmed_signature(petition, full_name="Neighbour after", city="Brest")
    assert EMAIL.encode() in on_disk(database), "the test must see the address before"

    answer = supporter.open_and_press(withdraw)

    assert answer.status_code == 200
    db.session.rollback()
    signature = db.session.execute(
        db.select(Signature).where(Signature.state == SignatureState.WITHDRAWN)
    ).scalar_one()
    assert signature.full_name == ""
    written = on_disk(database)
    for secret in (EMAIL, NAME, CITY):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in written, (secret, encoding)
