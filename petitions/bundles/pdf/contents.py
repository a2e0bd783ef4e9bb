"""What a bundle prints: the header every page draws on, and the signature rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class BundleHeader:
    """What the cover letter and every page's header and footer say."""

    petition_title: str
    petition_text: str  # Markdown (paragraphs, numbered/bulleted lists, **bold**, *italic*)
    prisoner_name: str
    recipient_name: str  # "Embassy of the Republic of Belarus, The Hague"
    recipient_address: str  # multi-line postal address, may be ""
    signature_count: int
    generated_at: datetime  # naive UTC
    fingerprint: str  # 64 hex chars (SHA-256), computed by the caller
    verify_url: str  # absolute, e.g. "https://petitions.example.org/verify/<fingerprint>"
    countries: tuple[str, ...]  # names of the signer countries this bundle is limited to; () = all
    author: str = "petitions"  # the organization printing it: PDF Author, "Printed by"
    #: What the cover says of the signatures set aside (not in the bundle), already in the
    #: bundle's language; "" when none were.
    set_aside: str = ""
    #: How many signatures are online and how many on paper ("4,512 online, 380 on paper"),
    #: already in the bundle's language; "" when none is on paper.
    origins: str = ""
    #: The language the bundle's words are printed in (a BCP 47 code; the PDF's /Lang); "":
    #: the one in force.
    language: str = ""
    #: The language the petition's title and text are printed in, when not ``language`` (no
    #: translation into it): the cover says so and the metadata lists both; "": ``language``.
    petition_language: str = ""


@dataclass(frozen=True)
class BundleRow:
    """One signature as printed: never an email address, never a hidden comment."""

    number: int  # 1-based position
    full_name: str
    city: str
    country: str  # country name, already localised
    signed_on: date
    comment: str | None  # already filtered (hidden comments are None)
    #: "On paper, sheet 7" for a paper signature (printed above its comment); "" online.
    origin_note: str = ""


class BundleMismatch(ValueError):
    """The rows contradict the header or each other; nothing has been written to ``out``.

    Raised when the rows are not numbered 1, 2, 3, …, when their number differs from
    ``header.signature_count`` (the cover would state a count the list does not show), or when
    the second pass over ``rows()`` does not see the rows the first pass laid out (read the rows
    from one snapshot, e.g. one REPEATABLE READ transaction).
    """
