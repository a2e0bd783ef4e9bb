"""The development mailbox: mails kept by MailboxTransport, readable in the browser.

Registered only in development; in production the blueprint does not exist at all.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

bp = Blueprint("mailbox", __name__, url_prefix="/dev/mailbox")

_NAME = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path:
    return Path(current_app.config["DEV_MAILBOX_DIR"])


def _read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@bp.get("/")
def index() -> str:
    """List kept mails, newest first."""
    folder = _folder()
    paths = (
        sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
        if folder.exists()
        else []
    )
    mails = [(path.stem, _read(path)) for path in paths[:200]]
    return render_template("dev/mailbox.html", mails=mails)


@bp.get("/<name>")
def show(name: str) -> str:
    """Show one kept mail's text body (links clickable)."""
    if not _NAME.fullmatch(name):
        abort(404)
    path = _folder() / f"{name}.eml"
    if not path.exists():
        abort(404)
    message = _read(path)
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    return render_template("dev/mail.html", message=message, text=text)
