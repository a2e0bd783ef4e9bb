"""Paper and online signatures in a bundle: kept apart on the cover, marked in the list, and both
covered by the fingerprint (petitions/paper/).

A paper signature is printed as any other, with "On paper, sheet 7" in its comment column, so a
clerk can find the sheet it came from. Its fingerprint line ends with its origin and sheet
number: an online line is unchanged, so bundles printed before paper existed still verify.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import format_number, get_translations, gettext

from petitions.paper.models import PaperRow, PaperSheet
from petitions.signing.models import Signature


def with_sheet(query: Any) -> Any:
    """Add the sheet number (NULL for an online signature) as the query's last column."""
    return (
        query.add_columns(PaperSheet.number)
        .outerjoin(PaperRow, PaperRow.signature_id == Signature.id)
        .outerjoin(PaperSheet, PaperSheet.id == PaperRow.sheet_id)
    )


def fingerprint_line(
    sid: int, name: str, city: str, country: str, at: dt.datetime, sheet: int | None
) -> bytes:
    """One signature's line of the fingerprint: as before paper for online ones."""
    line = f"{sid}\t{name}\t{city}\t{country}\t{at.isoformat()}"
    if sheet is not None:
        line += f"\tpaper\t{sheet}"
    return f"{line}\n".encode()


def paper_note(sheet: int | None) -> str:
    """What the comment column says of a paper signature, in the bundle's language."""
    return "" if sheet is None else gettext("On paper, sheet %(sheet)s", sheet=sheet)


def origins_sentence(online: int, paper: int) -> str:
    """Say how many of a bundle's signatures are online and how many on paper ("" if none are
    on paper): "4,512 online, 380 on paper", by each language's plural rules."""
    if not paper:
        return ""
    translations = get_translations()
    # The catalog's plural by the number, then the number as this language groups its digits.
    said_online = translations.ungettext("%(num)s online", "%(num)s online", online) % {
        "num": format_number(online)
    }
    said_paper = translations.ungettext("%(num)s on paper", "%(num)s on paper", paper) % {
        "num": format_number(paper)
    }
    return str(gettext("%(online)s, %(paper)s", online=said_online, paper=said_paper))
