"""Turning an outbox row into a sent mail: SMTP, or the development mailbox.

Failures are sorted in one place. Permanent ones (the server refuses the recipient or the
message with a 5xx answer) will fail the same way tomorrow, so they are not retried; everything
else (no connection, timeouts, 4xx answers) is temporary and retried with backoff.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from petitions.mail.messages import Mail

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The server refused this message for good."""


class TemporaryFailure(Exception):
    """The message could not be sent now; try again later."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None:
        """Hang up whatever connection was kept open between sends."""


#: Distinct headers kept parsed and folded (a petition's subject, the sender, the MIME
#: headers of the parts, the date of this second); past this the memory starts afresh.
_KEPT_HEADERS = 2048


class _Headers(HeaderRegistry):
    """The standard header registry, parsing each distinct header once.

    Python 3.11's registry builds a new class (``type(...)``) for every header and parses its
    value afresh, together about a third of building a message; most headers of a mail are
    the same in the next one. A parsed header is an immutable string, so one object serves
    every message it appears in. Written by hand: the standard library has no switch for it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}
        self._parsed: dict[tuple[str, str], BaseHeader] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._classes.get(key)
        if made is None:
            made = self._classes[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if type(value) is not str:
            return super().__call__(name, value)
        header = self._parsed.get((name, value))
        if header is None:
            if len(self._parsed) >= _KEPT_HEADERS:
                self._parsed.clear()
            header = self._parsed[name, value] = super().__call__(name, value)
        return header


class _Policy(EmailPolicy):
    """email.policy.default, folding each distinct header once (see _Headers).

    Folding depends only on the header (its name and text) and on the line length, line end
    and charset asked for, so a header folded once is written the same way every time.
    """

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> str:
        if name.lower() in _URL_HEADERS and value.isascii() and len(name) + len(value) < 990:
            # Folding would turn a URL longer than a line into RFC 2047 encoded words, which
            # RFC 2369 does not allow there (clients then find no link to unsubscribe with); a
            # long line is within RFC 5322's 998 characters.
            return f"{name}: {value}{self.linesep}"
        if not hasattr(value, "name"):
            return super()._fold(name, value, refold_binary)  # type: ignore[misc,no-any-return]
        key = (name, str(value), self.linesep, self.max_line_length, self.utf8)
        folded = _FOLDED.get(key)
        if folded is None:
            if len(_FOLDED) >= _KEPT_HEADERS:
                _FOLDED.clear()
            folded = _FOLDED[key] = value.fold(policy=self)
        return folded


_FOLDED: dict[tuple[str, str, str, int | None, bool], str] = {}
#: Headers whose values are URLs in angle brackets (RFC 2369), written on one line.
_URL_HEADERS = frozenset({"list-unsubscribe"})

#: The policy of every message built here: email.policy.default, parsing and folding each
#: distinct header once. The bytes on the wire are the same as the default policy's.
POLICY = _Policy(header_factory=_Headers())


def build_message(mail: Mail, message_id: str, sender: str) -> EmailMessage:
    """Build the multipart text + HTML message for a rendered mail.

    Headers are set through EmailMessage, which refuses CR/LF in header values, so nothing a
    signer typed can add a header; names only ever reach the bodies.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        # RFC 8058: a client's "unsubscribe" button POSTs List-Unsubscribe=One-Click to the
        # withdraw link, which acts on it without a further page (see signing/views.py).
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.body_text, charset="utf-8")
    message.add_alternative(mail.body_html, subtype="html", charset="utf-8")
    for part in message.iter_parts():
        # add_alternative leaves the part it adds a MIME-Version of its own; only the message
        # itself may carry one (RFC 2045).
        del part["MIME-Version"]
    return message


class SmtpTransport:
    """Deliver through an SMTP server named by MAIL_URL."""

    def __init__(self, url: str, timeout: float, messages_per_connection: int = 20) -> None:
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
        self.messages_per_connection = messages_per_connection
        self._connection: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.scheme == "smtp+starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection

    def _open(self) -> smtplib.SMTP:
        if (
            self._connection is not None
            and self._sent_on_connection >= self.messages_per_connection
        ):
            self.close()
        if self._connection is None:
            connection = self._connect()
            try:
                if self.username:
                    connection.login(self.username, self.password or "")
            except BaseException:
                _hang_up(connection)
                raise
            self._connection, self._sent_on_connection = connection, 0
        return self._connection

    def send(self, message: EmailMessage) -> None:
        """Send over the connection kept from the last send, or over a new one.

        One connection carries up to ``messages_per_connection`` mails: servers cap mails per
        connection, and a handshake per mail was a third of the worker's time. A refusal the
        server answered in order (smtplib has reset the transaction) leaves the connection to
        the next mail; after any other failure it is dropped, so the next send starts clean.
        """
        try:
            try:
                self._open().send_message(message)
            except BaseException as error:
                if not _answered_in_order(error):
                    self.close()
                raise
            finally:
                self._sent_on_connection += 1
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

    def close(self) -> None:
        if self._connection is not None:
            _hang_up(self._connection)
            self._connection = None


def _answered_in_order(error: BaseException) -> bool:
    """Whether the server refused this one mail and still listens for the next.

    smtplib resets the SMTP transaction (RSET) before it raises these; a 421 says the server
    is closing the connection, so it is the one answer that leaves nothing to reuse.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code != 421 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code != 421
    return False


def _hang_up(connection: smtplib.SMTP) -> None:
    """Say QUIT if the server still listens; close the socket either way."""
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


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

    def close(self) -> None:
        """Nothing to hang up: every mail is a file of its own."""


def transport_for(
    mail_url: str, mailbox_dir: str, timeout: float, messages_per_connection: int = 20
) -> Transport:
    """Return the transport that MAIL_URL asks for."""
    if mail_url:
        return SmtpTransport(mail_url, timeout, messages_per_connection)
    return MailboxTransport(mailbox_dir)
