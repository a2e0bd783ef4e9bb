"""A petition's link preview image per language: what it shows, and the drawn PNG, kept.

Drawing takes tens of milliseconds (counting/preview_image.py), so no request draws unless
what the image shows has changed. Two things are kept in Flask-Caching's ``cache`` (Redis in
production: shared by every instance):

- per petition and language, *what the image shows* (:class:`Preview`: the title in that
  language, the count as words, the site's name, the portrait's digest), for
  COUNT_CACHE_SECONDS, like the public counts: a busy image costs a cache lookup, not a query;
- per digest of that, the PNG itself, for a day: the digest names the image's content, so
  two instances never draw the same image twice and a changed title or portrait is a new key.

**The count is rounded** down to its two leading digits (12,345 shows as "more than 12,000";
987 as "more than 980"; below 100 it is exact), so the image changes as the count grows, about
ninety times per power of ten, and not at every signature: a preview is a picture of a
petition's size, and a crawler's copy of it is out of date within minutes anyway.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass

from flask import current_app
from flask_babel import force_locale, format_number, get_translations

from petitions.cases import services as cases
from petitions.cases import translations
from petitions.counting import preview_image
from petitions.extensions import cache
from petitions.organization import organization_name

#: Part of every key and digest: a change to the drawing (colours, layout) is a new image.
DESIGN = "1"
#: Seconds a drawn image is kept in the cache (its key names its content; a day bounds memory).
_IMAGE_SECONDS = 86400


def shown_count(count: int) -> int:
    """Round a count down to its two leading digits (12,345 → 12,000); exact below 100."""
    if count < 100:
        return count
    step: int = 10 ** (len(str(count)) - 2)
    return count // step * step


def count_words(count: int) -> str:
    """The rounded count as the current language says it: "57 signatures", "More than 12,000
    signatures" (numbers formatted for the language)."""
    shown = shown_count(count)
    # The catalog's plural by the number, then the number as this language groups its digits
    # (ngettext would put it in as a bare int), as bundles/services.py does.
    catalog = get_translations()
    text: str = (
        catalog.ungettext("%(num)s signature", "%(num)s signatures", shown)
        if shown == count
        else catalog.ungettext("More than %(num)s signature", "More than %(num)s signatures", shown)
    )
    return text % {"num": format_number(shown)}


@dataclass(frozen=True)
class Preview:
    """What one petition's image in one language shows (and where its portrait is)."""

    slug: str
    language: str
    title: str
    count: str
    site: str
    case_slug: str
    #: The portrait's digest (its address), or "" for the plain design.
    portrait_digest: str

    @property
    def digest(self) -> str:
        """Name the image's content: the ETag and the key of the drawn PNG."""
        text = "\x1f".join((DESIGN, *astuple(self)))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _spec_key(slug: str, language: str) -> str:
    return f"preview-spec:v{DESIGN}:{slug}:{language}"


def preview_of(slug: str, language: str) -> Preview | None:
    """Return what a public petition's image in ``language`` shows (kept COUNT_CACHE_SECONDS),
    or None for a draft, an unknown petition or a language the service does not offer."""
    if language not in current_app.config["LANGUAGES"]:
        return None
    key = _spec_key(slug, language)
    kept = cache.get(key)
    if isinstance(kept, Preview):
        return kept
    petition = cases.public_petition(slug)
    if petition is None:
        return None
    portrait = petition.case.portrait
    with force_locale(language):
        found = Preview(
            slug=slug,
            language=language,
            title=str(translations.text(petition, "title", language)),
            count=count_words(petition.signature_count),
            site=organization_name(),
            case_slug=petition.case.slug,
            portrait_digest=portrait.digest if portrait else "",
        )
    seconds = int(current_app.config["COUNT_CACHE_SECONDS"])
    if seconds > 0:  # Flask-Caching keeps a timeout of 0 for ever, not for no time
        cache.set(key, found, timeout=seconds)
    return found


def fonts() -> preview_image.PreviewFonts:
    """Return the fonts of PDF_FONTS (or found on the system), loaded once per process.

    :raises FontsMissing: with the package to install when no usable font is found.
    """
    return preview_image.load_preview_fonts(tuple(current_app.config["PDF_FONTS"]))


def image_of(preview: Preview) -> bytes:
    """Return the PNG of ``preview``: the kept one, or a new drawing (then kept).

    :raises FontsMissing: when no font is installed to draw one with.
    """
    key = f"preview-image:{preview.digest}"
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    portrait = (
        cases.portrait_of(preview.case_slug, preview.portrait_digest)
        if preview.portrait_digest
        else None
    )
    content = preview_image.PreviewContent(
        title=preview.title,
        count=preview.count,
        site=preview.site,
        portrait=portrait.data if portrait else None,
    )
    png = preview_image.render(content, fonts())
    cache.set(key, png, timeout=_IMAGE_SECONDS)
    return png
