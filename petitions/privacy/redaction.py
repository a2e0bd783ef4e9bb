"""A logging filter that keeps signers' identities and personal links out of every log line."""

from __future__ import annotations

import ipaddress
import logging
import re

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6_CANDIDATE = re.compile(r"[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}")
# A confirm, withdraw or holdings token in a request line is as good as the signer's own click.
_TOKEN_PATH = re.compile(r"(/(?:confirm|withdraw|holdings)/)[^/\s?\"]+")
# Lines of a database error that quote the row or the values sent: SQLAlchemy's "[parameters:
# ...]" (the engine hides them, but a second engine might not) and PostgreSQL's "DETAIL:
# Failing row contains (...)" / "Key (...)=(...)", which hold names and cities no pattern finds.
_ROW_VALUES = re.compile(r"^\s*(?:\[parameters: |DETAIL: ).*$", re.MULTILINE)
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    """Replace addresses, IPs and link tokens with placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _TOKEN_PATH.sub(r"\1[token]", text)
    text = _IPV4.sub("[ip]", text)
    return _IPV6_CANDIDATE.sub(_ipv6_or_keep, text)


def redact_traceback(text: str) -> str:
    """Redact a formatted traceback, also dropping the lines that quote database values."""
    return redact(_ROW_VALUES.sub("[row values hidden]", text))


def _ipv6_or_keep(match: re.Match[str]) -> str:
    # Clock times ("14:08:48") look like IPv6 to a regex; only a real address is replaced.
    try:
        ipaddress.IPv6Address(match.group(0))
    except ValueError:
        return match.group(0)
    return "[ip]"


class RedactingFilter(logging.Filter):
    """Rewrite each record's message, traceback and stack through :func:`redact`.

    The traceback is formatted here and redacted as text (``exc_text``); ``exc_info`` is then
    dropped, so no handler formats the raw exception again. The development mailbox's own log
    line is let through whole: it exists to hand a newcomer the confirmation link, and it is
    only emitted when no mail server is configured.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_traceback(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        if record.name == "petitions.mail.sender" and record.exc_text is None:
            return True
        record.msg = redact_traceback(record.getMessage())
        record.args = None
        return True


def install() -> None:
    """Make sure every handler on the root logger redacts (adding one if there is none)."""
    root = logging.getLogger()
    if not root.handlers:
        handler: logging.Handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        if root.level == logging.WARNING:
            root.setLevel(logging.INFO)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
