"""Where signatures are printed for delivery: bundles, their fingerprints, and handovers."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import (
    force_locale,
    format_number,
    get_translations,
    gettext,
    ngettext,
)
from sqlalchemy import func, select

from petitions.bundles import origins
from petitions.bundles.delivery_language import checked_language, default_language, printed_texts
from petitions.bundles.models import Bundle, Delivery
from petitions.bundles.pdf import (
    BundleHeader,
    BundleMismatch,
    BundleRow,
    FontSet,
    load_fonts,
    render_bundle,
)
from petitions.cases.models import Petition, TimelineEntry
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.i18n import country_name
from petitions.links import absolute_url
from petitions.organization import organization_name
from petitions.signing.models import Signature
from petitions.signing.queries import CONFIRMATION_ORDER, SIGNER_COLUMNS, confirmed_signatures
from petitions.signing.set_aside import SetAside, set_aside_of

log = logging.getLogger(__name__)

#: Rows fetched at a time while printing: memory stays flat for 100,000 signatures.
BATCH = 2000

#: Times a bundle is rebuilt when a signature is withdrawn while it is being printed.
ATTEMPTS = 3


class BundleChanged(Exception):
    """Signatures were withdrawn while the bundle was printed; it must be built again."""


@dataclass(frozen=True)
class BundleRequest:
    """What to print: whose signatures, for whom, from which countries, in which language."""

    petition: Petition
    recipient_name: str
    recipient_address: str
    countries: tuple[str, ...]
    #: The language the bundle is printed in (its words, dates, numbers, country names and the
    #: organizers' texts where translated); None: the default for the petition's addressee
    #: (delivery_language.default_language).
    language: str | None = None


@functools.cache
def _fonts(paths: tuple[str, ...]) -> FontSet:
    return load_fonts(list(paths) or None)


def configured_fonts() -> FontSet:
    """Return the PDF fonts named by PDF_FONTS (or found on the system), loaded once.

    :raises FontsMissing: with the package to install when no usable font is found.
    """
    return _fonts(tuple(current_app.config["PDF_FONTS"]))


def _printed_signatures(
    petition_id: int, countries: Sequence[str], cutoff: dt.datetime
) -> Iterator[tuple[int, str, str, str, dt.datetime, str | None, int | None]]:
    """Yield (id, name, city, country, confirmed at, comment, paper sheet) as printed, in print
    order; the sheet's number for a paper signature, None for an online one.

    A signer who is not to be named (``name_in_bundle`` false) comes with an empty name, city
    and comment: a name identifies, and so can a small town or a comment.
    """
    query = origins.with_sheet(
        select(Signature.id, *SIGNER_COLUMNS)
        .where(confirmed_signatures(petition_id, countries, confirmed_by=cutoff))
        .order_by(*CONFIRMATION_ORDER)
        .execution_options(yield_per=BATCH)
    )
    for sid, name, city, country, confirmed_at, comment, named, sheet in db.session.execute(query):
        assert confirmed_at is not None
        if not named:
            yield sid, "", "", country, confirmed_at, None, sheet
            continue
        yield sid, name, city, country, confirmed_at, comment, sheet


def unnamed_count(petition_id: int, countries: Sequence[str] = ()) -> tuple[int, int]:
    """Return how many confirmed signers a bundle would print unnamed, and how many in all."""
    unnamed, total = db.session.execute(
        select(
            func.count().filter(Signature.name_in_bundle.is_(False)),
            func.count(),
        ).where(confirmed_signatures(petition_id, countries))
    ).one()
    return int(unnamed), int(total)


def fingerprint(petition_id: int, countries: Sequence[str], cutoff: dt.datetime) -> tuple[str, int]:
    """Return the SHA-256 over the ordered list of signatures a bundle prints, and their number.

    Each signature contributes its id, name, city, country and confirmation time as printed
    (an unnamed signer with an empty name and city), and a paper one its sheet too
    (origins.fingerprint_line), in print order, so the same signatures always give the same
    fingerprint and adding, dropping, reordering or unnaming one changes it.
    """
    digest, count, _paper = _fingerprint(petition_id, countries, cutoff)
    return digest, count


def _fingerprint(
    petition_id: int, countries: Sequence[str], cutoff: dt.datetime
) -> tuple[str, int, int]:
    """Return the fingerprint, the number of signatures printed, and how many are on paper."""
    digest = hashlib.sha256()
    count = paper = 0
    for sid, name, city, country, confirmed_at, _comment, sheet in _printed_signatures(
        petition_id, countries, cutoff
    ):
        digest.update(origins.fingerprint_line(sid, name, city, country, confirmed_at, sheet))
        count += 1
        paper += sheet is not None
    return digest.hexdigest(), count, paper


class _Printout:
    """The rows of one bundle, hashed as they are printed; each pass over them starts afresh."""

    def __init__(self, petition_id: int, countries: Sequence[str], cutoff: dt.datetime) -> None:
        self.petition_id = petition_id
        self.countries = countries
        self.cutoff = cutoff
        self.digest = hashlib.sha256()

    def __call__(self) -> Iterator[BundleRow]:
        self.digest = hashlib.sha256()
        rows = _printed_signatures(self.petition_id, self.countries, self.cutoff)
        for number, (sid, name, city, country, confirmed_at, comment, sheet) in enumerate(rows, 1):
            self.digest.update(
                origins.fingerprint_line(sid, name, city, country, confirmed_at, sheet)
            )
            yield BundleRow(
                number=number,
                full_name=name or _unnamed(country),
                city=city,
                country=country_name(country),
                signed_on=confirmed_at.date(),
                comment=comment,
                origin_note=origins.paper_note(sheet),
            )


def _unnamed(country: str) -> str:
    return str(gettext("A supporter from %(country)s", country=country_name(country)))


def set_aside_sentence(aside: SetAside) -> str:
    """Say on a cover, in the current language, what was set aside and why; "" if nothing."""
    if not aside.total:
        return ""
    # The catalog's plural by the number, then the number as this language groups its digits
    # (ngettext would put it in as a bare int).
    head = get_translations().ungettext(
        "%(num)s signature confirmed by mail but not counted",
        "%(num)s signatures confirmed by mail but not counted",
        aside.total,
    ) % {"num": format_number(aside.total)}
    parts = [
        *(
            [gettext("waiting for review: %(num)s", num=format_number(aside.quarantined))]
            if aside.quarantined
            else []
        ),
        *(
            [gettext("set aside for good: %(num)s", num=format_number(aside.invalidated))]
            if aside.invalidated
            else []
        ),
    ]
    reasons = "; ".join(f"{label}: {format_number(n)}" for label, n in aside.reasons())
    return f"{head} ({', '.join(parts)}). {gettext('Why:')} {reasons}."


def build_bundle(
    request: BundleRequest,
    out: BinaryIO,
    organizer_id: int | None,
    progress: Callable[[int], None] | None = None,
) -> Bundle:
    """Print a petition's confirmed signatures (optionally of some countries) as a PDF into out.

    :raises LanguageRefused: for a language the service does not print in (nothing is built).
    :raises FontsMissing: if no font for the PDF is available.
    :raises BundleChanged: if signatures kept being withdrawn while printing.
    """
    language = checked_language(request.language or default_language(request.petition))
    with force_locale(language):
        return _build_bundle(request, language, out, organizer_id, progress)


def _build_bundle(
    request: BundleRequest,
    language: str,
    out: BinaryIO,
    organizer_id: int | None,
    progress: Callable[[int], None] | None,
) -> Bundle:
    fonts = configured_fonts()
    petition = request.petition
    texts = printed_texts(petition, language, request.recipient_name)
    for _attempt in range(ATTEMPTS):
        # Signatures confirmed after this moment wait for the next bundle, so a busy petition
        # does not change under the printer.
        cutoff = utcnow()
        print_fingerprint, count, paper = _fingerprint(petition.id, request.countries, cutoff)
        aside = set_aside_of(petition.id)
        header = BundleHeader(
            petition_title=texts.title,
            petition_text=texts.body,
            prisoner_name=texts.prisoner_name,
            recipient_name=texts.recipient_name,
            recipient_address=request.recipient_address,
            signature_count=count,
            generated_at=cutoff,
            fingerprint=print_fingerprint,
            verify_url=absolute_url("bundles.verify", fingerprint=print_fingerprint),
            countries=tuple(country_name(code) for code in request.countries),
            author=organization_name(),
            set_aside=set_aside_sentence(aside),
            origins=origins.origins_sentence(count - paper, paper),
            language=language,
            petition_language=texts.petition_language,
        )
        printout = _Printout(petition.id, request.countries, cutoff)
        out.seek(0)
        out.truncate()
        try:
            render_bundle(out, header, printout, fonts=fonts, progress=progress)
        except BundleMismatch:
            # A signature was withdrawn between the fingerprint and the printing passes.
            log.warning("bundle for %s changed while printing; building again", petition.slug)
            continue
        if printout.digest.hexdigest() != print_fingerprint:
            log.warning("bundle for %s changed while printing; building again", petition.slug)
            continue
        bundle = Bundle(
            petition_id=petition.id,
            fingerprint=print_fingerprint,
            recipient_name=texts.recipient_name,
            recipient_address=request.recipient_address,
            countries=" ".join(request.countries),
            language=language,
            signature_count=count,
            set_aside=json.dumps(aside.as_json(), sort_keys=True) if aside.total else "",
            generated_at=cutoff,
            generated_by_id=organizer_id,
        )
        db.session.add(bundle)
        db.session.commit()
        return bundle
    raise BundleChanged()


def bundles_of(petition_id: int) -> Sequence[Bundle]:
    """Return a petition's generated bundles, newest first."""
    return (
        db.session.execute(
            select(Bundle).where(Bundle.petition_id == petition_id).order_by(Bundle.id.desc())
        )
        .scalars()
        .all()
    )


def deliveries_of(petition_id: int) -> Sequence[Delivery]:
    """Return the deliveries recorded for a petition's bundles, latest handover first."""
    return (
        db.session.execute(
            select(Delivery)
            .where(Delivery.petition_id == petition_id)
            .order_by(Delivery.delivered_on.desc(), Delivery.id.desc())
        )
        .scalars()
        .all()
    )


def verification(fingerprint_hex: str) -> tuple[Sequence[Bundle], Sequence[Delivery]]:
    """Return the bundles generated with this fingerprint and the deliveries recorded for it."""
    bundles = (
        db.session.execute(
            select(Bundle).where(Bundle.fingerprint == fingerprint_hex).order_by(Bundle.id)
        )
        .scalars()
        .all()
    )
    deliveries = (
        db.session.execute(
            select(Delivery).where(Delivery.fingerprint == fingerprint_hex).order_by(Delivery.id)
        )
        .scalars()
        .all()
    )
    return bundles, deliveries


def record_delivery(
    petition: Petition,
    bundle: Bundle,
    recipient: str,
    delivered_on: dt.date,
    note: str,
    organizer_id: int | None,
) -> Delivery:
    """Record a handover and announce it on the case's timeline, in one transaction."""
    title = ngettext(
        "%(num)s signature delivered to %(recipient)s",
        "%(num)s signatures delivered to %(recipient)s",
        bundle.signature_count,
        recipient=recipient,
    )
    entry = TimelineEntry(
        case_id=petition.case_id,
        happened_on=delivered_on,
        title=title,
        text=note,
        link=absolute_url("bundles.verify", fingerprint=bundle.fingerprint),
    )
    db.session.add(entry)
    db.session.flush()
    delivery = Delivery(
        petition_id=petition.id,
        recipient=recipient,
        delivered_on=delivered_on,
        fingerprint=bundle.fingerprint,
        signature_count=bundle.signature_count,
        note=note,
        recorded_by_id=organizer_id,
        timeline_entry_id=entry.id,
        created_at=utcnow(),
    )
    db.session.add(delivery)
    db.session.commit()
    return delivery


def bundle_of(petition_id: int, bundle_id: int) -> Bundle | None:
    """Return one of a petition's bundles, or None."""
    bundle = db.session.get(Bundle, bundle_id)
    return bundle if bundle is not None and bundle.petition_id == petition_id else None
