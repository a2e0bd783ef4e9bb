"""Every outgoing mail: queued as a row that names it, rendered only when the worker sends it.

A queued row holds a kind and a signature, no address and no body. The worker renders the mail
at send time through the builder its kind was registered with (``register``), in the
recipient's language, so the outbox never stores personal links, and a request that queues a
mail pays nothing for templates. The row joins the caller's transaction: a rolled-back
signature never mails anybody.

Mail knows no other area: the areas that send mail register their kinds here when the app is
built (signing/mailing.py for the signers' mails), and the worker only looks them up.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask.sansio.app import App
from sqlalchemy import Connection, insert

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.models import OutboxMessage, OutboxStatus


class NotSendable(Exception):
    """The mail can no longer be built: its signature was erased, or its kind is unknown."""


@dataclass(frozen=True)
class Mail:
    kind: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    #: The withdraw link, for List-Unsubscribe (RFC 2369) and its one-click POST (RFC 8058).
    unsubscribe_url: str | None = None
    #: The address MAIL_PER_ADDRESS_LIMIT counts this mail against, in the one form that names
    #: a mailbox (the sending area knows it); None: not counted.
    limited_address: str | None = None


#: Reads what queued rows name (their signatures, all in one go; None once erased) and returns,
#: for each in turn, what composes its mail. The read runs before the worker's safety net, like
#: the rest of its database work: a database error ends the drain and the rows are tried again
#: later rather than failed. The composing runs inside the net, where whatever goes wrong fails
#: this one mail alone; it raises NotSendable when there is nothing to send any more.
Builder = Callable[[Sequence[int | None]], list[Callable[[], Mail]]]
#: Turns queued rows of a kind that is never rendered as such (sign attempts) into the kind of
#: mail each causes, from its signature and the time it was queued (None: it causes none); the
#: rows in id order, decided as if one after the other.
Decision = Callable[[Sequence[tuple[int | None, dt.datetime]]], Sequence[str | None]]

_BUILDERS = "petitions.mail.builders"
_DECISIONS = "petitions.mail.decisions"


def register(app: App, kind: str, builder: Builder) -> None:
    """Let the worker of this app build mails of ``kind`` with ``builder``."""
    app.extensions.setdefault(_BUILDERS, {})[str(kind)] = builder


def register_decision(app: App, kind: str, decide: Decision) -> None:
    """Let the worker of this app decide, before sending, which mail a row of ``kind`` becomes."""
    app.extensions.setdefault(_DECISIONS, {})[str(kind)] = decide


def decisions() -> Mapping[str, Decision]:
    """Return the kinds of the current app that are decided before sending, with their decision."""
    found: Mapping[str, Decision] = current_app.extensions.get(_DECISIONS, {})
    return found


def prepare(kind: str, signature_id: int | None) -> Callable[[], Mail]:
    """Read what one queued mail needs, with the builder registered for its kind.

    :returns: what composes the mail; calling it raises NotSendable if the kind is unknown, or
        if its builder finds nothing to send.
    """
    return prepare_many([(kind, signature_id)])[0]


def prepare_many(rows: Sequence[tuple[str, int | None]]) -> list[Callable[[], Mail]]:
    """Read what queued mails need, one read per kind rather than one per mail (see prepare).

    :param rows: each mail's kind and signature.
    :returns: what composes each mail, in the order of ``rows``.
    """
    builders: Mapping[str, Builder] = current_app.extensions.get(_BUILDERS, {})
    by_kind: dict[str, list[int]] = {}
    for position, (kind, _) in enumerate(rows):
        by_kind.setdefault(kind, []).append(position)
    composers: list[Callable[[], Mail]] = [_unknown(kind) for kind, _ in rows]
    for kind, positions in by_kind.items():
        builder = builders.get(kind)
        if builder is None:
            continue
        for position, compose in zip(
            positions, builder([rows[p][1] for p in positions]), strict=True
        ):
            composers[position] = compose
    return composers


def _unknown(kind: str) -> Callable[[], Mail]:
    def unknown() -> Mail:
        raise NotSendable(f"unknown kind of mail: {kind}")

    return unknown


def render(
    kind: str,
    recipient: str,
    subject: str,
    unsubscribe_url: str | None = None,
    limited_address: str | None = None,
    *,
    holdings_url: str,
    **context: Any,
) -> Mail:
    """Render a mail from its templates, templates/mail/<kind>.{txt,html}, in the current locale.

    :param holdings_url: the link, in every mail, asking what the service holds about the
        recipient's address (petitions/retention/holdings.py); the templates show it through
        the mail/_holdings.{txt,html} include.
    """
    context["holdings_url"] = holdings_url
    return Mail(
        kind=str(kind),
        recipient=recipient,
        # One line whatever a title holds (old data, a form that missed it): a line break would
        # end the header, and the mail could not be built at all.
        subject=" ".join(subject.split()),
        body_text=render_template(f"mail/{kind}.txt", **context),
        body_html=render_template(f"mail/{kind}.html", **context),
        unsubscribe_url=unsubscribe_url,
        limited_address=limited_address,
    )


#: Runs of text a mail client could take for a link: a scheme, "www.", or a dotted name.
_LINK_LIKE = re.compile(r"\S*(?:://|www\.|\w\.\w)\S*", re.IGNORECASE)
#: Look-alikes that no client links: ONE DOT LEADER, DIVISION SLASH, FULLWIDTH COMMERCIAL AT.
_UNLINKED = str.maketrans({".": "\u2024", "/": "\u2215", "@": "\uff20"})


def unlinkable(typed: str) -> str:
    """Return what a signer typed with anything link-like defused, for quoting it in a mail.

    Clients turn "example.org" or "https://…" in plain text into links, so a name would become
    a link in a mail from the service's own address. The dots and slashes of such runs are
    replaced by characters that look alike but are no part of any address; other text stays.
    """
    return _LINK_LIKE.sub(lambda match: match.group(0).translate(_UNLINKED), typed)


_INSERT = insert(OutboxMessage.__table__)


def new_message_id() -> str:
    """Return a fresh Message-ID on MAIL_FROM's domain, fixed when a mail is queued."""
    domain = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def pending(kind: str) -> dict[str, Any]:
    """Return the columns of a freshly queued row of ``kind``, but its signature and times."""
    return {
        "kind": str(kind),
        "message_id": new_message_id(),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
    }


def queue(
    kind: str,
    signature_id: int | None,
    connection: Connection | None = None,
    letter_id: int | None = None,
) -> None:
    """Add a mail to the outbox in the current transaction; the caller commits.

    :param signature_id: the signature it names (signers' mails), or None.
    :param connection: the transaction to join; the session's when not given.
    :param letter_id: the letter it names (letters' mails): its builder then reads that id.
    """
    now = utcnow()
    (connection or db.session.connection()).execute(
        _INSERT,
        {
            **pending(kind),
            "signature_id": signature_id,
            "letter_id": letter_id,
            "next_attempt_at": now,
            "created_at": now,
        },
    )
