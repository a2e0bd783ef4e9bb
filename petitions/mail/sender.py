"""Turning an outbox row into a sent mail: SMTP, or the development mailbox.

Failures are sorted in one place. Permanent ones (the server refuses the recipient or the
message with a 5xx answer) will fail the same way tomorrow, so they are not retried; everything
else (no connection, timeouts, 4xx answers) is temporary and retried with backoff.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from petitions.mail.messages import Mail

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The server refused this message for good."""


class TemporaryFailure(Exception):
    """The message could not be sent now; try again later."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def build_message(mail: Mail, message_id: str, sender: str) -> EmailMessage:
    """Build the multipart text + HTML message for a rendered mail.

    Headers are set through EmailMessage, which refuses CR/LF in header values, so nothing a
    signer typed can add a header; names only ever reach the bodies.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text, charset="utf-8")
    message.add_alternative(mail.body_html, subtype="html", charset="utf-8")
    return message


class SmtpTransport:
    """Deliver through an SMTP server named by MAIL_URL."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtp+starttls", "smtps"}:
            raise ValueError(
                f"MAIL_URL must start with smtp://, smtp+starttls:// or smtps://, not {parts.scheme}://."
            )
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.scheme == "smtp+starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as connection:
                if self.username:
                    connection.login(self.username, self.password or "")
                connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"recipient refused ({codes})") from None
            raise TemporaryFailure(f"recipient deferred ({codes})") from None
        except smtplib.SMTPResponseException as answer:
            if answer.smtp_code >= 500 and not isinstance(answer, smtplib.SMTPAuthenticationError):
                raise PermanentFailure(f"server refused the message ({answer.smtp_code})") from None
            raise TemporaryFailure(f"server answered {answer.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            # Connection refused, timeouts, TLS trouble, a dropped connection: all transient.
            raise TemporaryFailure(type(error).__name__) from None


class MailboxTransport:
    """Keep mails as .eml files for /dev/mailbox when no MAIL_URL is set (development only)."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@", 1)[0]
        (self.folder / f"{name}.eml").write_bytes(bytes(message))
        links = [
            line
            for line in message.get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]
            if "://" in line
        ]
        # Development only: the newcomer without a mail server finishes the flow from the log.
        log.warning("development mailbox: kept %s; links: %s", name, " ".join(links))


def transport_for(mail_url: str, mailbox_dir: str, timeout: float) -> Transport:
    """Return the transport that MAIL_URL asks for."""
    if mail_url:
        return SmtpTransport(mail_url, timeout)
    return MailboxTransport(mailbox_dir)
