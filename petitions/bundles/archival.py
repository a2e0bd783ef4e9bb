"""PDF/A-2b for bundles: a delivered bundle is a record that must open the same in 30 years.

What PDF/A-2b (ISO 19005-2, level B) asks of a file, and where this module gives it:

- **every font embedded**: the bundle draws only its TrueType faces (subset and embedded by
  reportlab); :class:`ArchivalCanvas` starts each page in the bundle's own font, so reportlab's
  Helvetica, which it would otherwise reference unembedded in every page's preamble, is never
  named;
- **device-independent colour**: an OutputIntent (``GTS_PDFA1``) carrying the sRGB ICC profile
  shipped in ``icc/sRGB.icc`` (from Debian ``icc-profiles-free``, zlib licence; see
  ``icc/README.md``), so the DeviceRGB colours of the pages have a meaning;
- **XMP metadata** declaring ``pdfaid:part=2``, ``pdfaid:conformance=B``, with the same title,
  author, subject, producer, creator tool and dates as the Info dictionary (the dates are the
  bundle's generation time, so a bundle's metadata says when its signatures were counted);
- **annotations printable**: every link annotation has its Print flag set (``/F 4``);
- a **document ID** in the trailer (reportlab writes one), no encryption, no transparency, no
  JavaScript, no external content.

No validator runs here (veraPDF needs Java and is not packaged in Debian); the tests check the
structure with pikepdf and the fonts with poppler's ``pdffonts``.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfgen.canvas import Canvas

#: The sRGB profile every bundle declares as its output intent.
SRGB_PROFILE = Path(__file__).with_name("icc") / "sRGB.icc"
_SRGB = "sRGB IEC61966-2.1"

#: Annotation flag "Print": PDF/A wants every annotation printed as it is shown.
_PRINT_FLAG = 4


class ArchivalCanvas(Canvas):
    """A reportlab canvas whose pages name no unembedded font and whose links print."""

    def __init__(self, out: Any, *, initial_font: str, **options: Any) -> None:
        # A TrueType initial font: reportlab then writes no "BT /F1 12 Tf ET" preamble naming
        # the standard (unembedded) Helvetica on every page.
        super().__init__(out, initialFontName=initial_font, **options)  # type: ignore[arg-type]

    def linkURL(  # noqa: N802 - reportlab's name
        self,
        url: Any,
        rect: Any,
        relative: bool | Literal[0, 1] = 0,
        thickness: int = 0,
        color: Color | None = None,
        dashArray: Any = None,  # noqa: N803
        kind: str = "URI",
        **kw: Any,
    ) -> None:
        """Add a link annotation with the Print flag (also used by paragraph <a> tags)."""
        kw.setdefault("F", _PRINT_FLAG)
        super().linkURL(url, rect, relative, thickness, color, dashArray, kind, **kw)


class _PlainStream(PDFStream):
    """A stream written without filters: PDF/A forbids a Filter on the XMP metadata stream."""

    def format(self, document: Any) -> bytes:
        content: bytes = self.content
        dictionary = PDFDictionary(self.dictionary.dict.copy())
        dictionary["Length"] = len(content)
        header: bytes = dictionary.format(document)
        return header + b"\nstream\n" + content + b"\nendstream\n"


def _xmp_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def xmp_packet(
    *,
    title: str,
    author: str,
    subject: str,
    producer: str,
    creator: str,
    created: datetime,
    languages: Sequence[str] = (),
) -> bytes:
    """The XMP metadata of a PDF/A-2b file, matching its Info dictionary entry for entry.

    ``languages`` (BCP 47 codes, the main one first) become dc:language, which Info lacks.
    """
    when = _xmp_date(created)
    title, author, subject = escape(title), escape(author), escape(subject)
    spoken = "".join(f"<rdf:li>{escape(code)}</rdf:li>" for code in languages)
    dc_language = f"\n   <dc:language><rdf:Bag>{spoken}</rdf:Bag></dc:language>" if spoken else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>{dc_language}
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="x-default">{subject}</rdf:li>
   </rdf:Alt></dc:description>
   <pdf:Producer>{escape(producer)}</pdf:Producer>
   <xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def make_archival(
    canvas: Canvas,
    *,
    title: str,
    author: str,
    subject: str,
    created: datetime,
    languages: Sequence[str] = (),
) -> None:
    """Give ``canvas`` (before ``save``) the metadata and output intent of PDF/A-2b.

    ``created`` is naive UTC; the Info dates and the XMP dates are both set from it.
    ``languages`` are the document's, main one first (its /Lang is the canvas's ``lang``).
    """
    producer = "petitions (ReportLab)"
    creator = "petitions"
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator(creator)
    canvas.setProducer(producer)
    document: Any = canvas._doc  # type: ignore[attr-defined]
    document._timeStamp = _utc_timestamp(created)

    metadata = _PlainStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        xmp_packet(
            title=title,
            author=author,
            subject=subject,
            producer=producer,
            creator=creator,
            created=created,
            languages=languages,
        ),
    )
    profile = PDFStream(PDFDictionary({"N": 3}), SRGB_PROFILE.read_bytes())
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString(_SRGB),
            "Info": PDFString(_SRGB),
            "RegistryName": PDFString("http://www.color.org"),
            "DestOutputProfile": document.Reference(profile),
        }
    )
    catalog = document.Catalog
    catalog.Metadata = document.Reference(metadata)
    catalog.OutputIntents = PDFArray([intent])
    # reportlab's catalog writes only the keys it lists; this one lists OutputIntents too.
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]


def _utc_timestamp(moment: datetime) -> TimeStamp:
    """A reportlab timestamp for a naive UTC moment (Info's CreationDate and ModDate)."""
    stamp = TimeStamp(invariant=1)
    seconds = calendar.timegm(moment.timetuple())
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp
