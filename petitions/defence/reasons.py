"""Why a signature is set aside: each reason's code (stored) and its public wording."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


class SetAsideReason(enum.Enum):
    """A quarantine limit a signature was over when it was signed, or a list it was on.

    The value is stored in ``signatures.set_aside_reason``: never rename one.
    """

    #: More signatures from one client (IPv4 address or IPv6 /64) than its burst window takes.
    CLIENT_BURST = "client-burst"
    #: More from one client than its sustained window takes.
    CLIENT_SUSTAINED = "client-sustained"
    #: More from one email domain in an hour than the petition takes.
    DOMAIN = "domain"
    #: More from one country in an hour than the petition takes.
    COUNTRY = "country"
    #: A disposable-mail address (the disposable-email-domains list).
    DISPOSABLE = "disposable"
    #: A client, domain or address on the block-list.
    BLOCKED = "blocked"
    #: Taken by an organizer's invalidation rule (signing/invalidations.py).
    RULE = "rule"
    #: A paper signature whose signer also signed online (petitions/paper/matching.py): the
    #: online one counts for both.
    PAPER_TWIN = "paper-twin"
    #: A signature of a paper sheet an organizer removed as entered in error
    #: (petitions/paper/removal.py).
    PAPER_SHEET_REMOVED = "paper-sheet-removed"


def public_label(code: str) -> LazyString:
    """Say in the reader's language why signatures were set aside (an unknown code: "other")."""
    return _LABELS.get(code, _l("other reasons"))


_LABELS = {
    SetAsideReason.CLIENT_BURST.value: _l("many signatures from one connection within a minute"),
    SetAsideReason.CLIENT_SUSTAINED.value: _l("many signatures from one connection within minutes"),
    SetAsideReason.DOMAIN.value: _l("an unusual number from one email domain"),
    SetAsideReason.COUNTRY.value: _l("an unusual number from one country"),
    SetAsideReason.DISPOSABLE.value: _l("disposable email addresses"),
    SetAsideReason.BLOCKED.value: _l("blocked senders"),
    SetAsideReason.RULE.value: _l("removed by the organizers after a check"),
    SetAsideReason.PAPER_TWIN.value: _l("signed on paper and online: counted once"),
    SetAsideReason.PAPER_SHEET_REMOVED.value: _l("a paper sheet entered in error"),
}
