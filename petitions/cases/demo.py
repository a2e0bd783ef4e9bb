"""A real-looking campaign for a newcomer's first run: the case of Ales Bialiatski.

The 2011–2013 entries follow the campaign page this project started from (shared/seed); the
later ones bring the case up to his release in December 2025. All told in our own words, in
English (the originals), with translations into be, ru, nl and fr (demo_translations.py,
one module a language in demo_languages/).
"""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app
from sqlalchemy import func, select

from petitions.cases import translations
from petitions.cases.demo_translations import PERIOD_TRANSLATIONS, TRANSLATIONS
from petitions.cases.models import (
    Case,
    CaseStatus,
    DetentionPeriod,
    EntryKind,
    Petition,
    PetitionStatus,
    TimelineEntry,
)
from petitions.clock import utcnow
from petitions.extensions import db

DEMO_CASE_SLUG = "ales-bialiatski"
DEMO_PETITION_SLUG = "free-ales-bialiatski"

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRENCH_SPACE = re.compile(r"(?<=«) | (?=»)")
_FRENCH_NARROW = re.compile(r" (?=[;:!?])|(?<=\d) (?=\d{3}(?!\d))")

_BIO = (
    "Ales Bialiatski founded the Human Rights Centre \u201cViasna\u201d in Minsk and is a "
    "vice-president of the International Federation for Human Rights (FIDH). Arrested on "
    "4 August 2011 and sentenced to four and a half years, he was held in the Minsk detention "
    "centre, then in penal colony No. 2 in Babruisk, until an amnesty freed him early on "
    "21 June 2014. He was arrested again on 14 July 2021, in the crackdown after the 2020 "
    "election, and awarded the Nobel Peace Prize in 2022 while in prison. Sentenced to ten "
    "years on 3 March 2023, he was held in penal colony No. 9 in Gorki, in harsh conditions "
    "and for long periods without news. He was released on 13 December 2025 with 122 other "
    "prisoners and taken to Lithuania, where he said he would continue Viasna's work."
)

_PETITION_BODY = """\
To the authorities of the Republic of Belarus,

On **13 December 2025** Ales Bialiatski, founder of the Human Rights Centre "Viasna" and
winner of the 2022 Nobel Peace Prize, was released together with 122 other prisoners. Arrested
on 14 July 2021 and sentenced on 3 March 2023 to ten years, he had been held in penal colony
No. 9 in Gorki, in harsh conditions and for long periods without news. It was his second time
in prison: arrested in 2011, he had been freed early under an amnesty in 2014.

His release shows that political prisoners can come home. Yet according to Viasna, about
**1,100 political prisoners** were still held in Belarus in December 2025, among them his
Viasna colleagues Marfa Rabkova and Valiantsin Stefanovich.

We, the undersigned, ask you to:

1. release all political prisoners immediately and unconditionally, including Marfa Rabkova
   and Valiantsin Stefanovich;
2. until their release, guarantee their health and regular contact with their families and
   lawyers, and let no prisoner be held without news;
3. end the prosecution of human rights defenders for their peaceful work.

Ales Bialiatski has said he will continue Viasna's work. Let his colleagues go home too.
"""

#: The case's timeline, one action a paragraph: its day and title on the first line, then its
#: text (lines joined by spaces). Written as text rather than as tuples: a dozen entries of one
#: shape would repeat the same code a dozen times. The translations keep the same order.
#: The Mayor of Paris's letter is dated only "September 2013": it stands on 25 September, his
#: birthday (as the seed gives it), for which FIDH and Viasna published it.
_TIMELINE = """\
2011-08-04 Arrested in Minsk
Ales Bialiatski is detained. On 24 November 2011 he is sentenced to four and a half years in
a severe-regime colony for his human rights work.

2012-10-01 Honorary Citizen of Paris
The Paris city council grants him honorary citizenship at the suggestion of the mayor and
the council of the 11th arrondissement.

2013-09-25 Birthday visit to the Belarus embassy in The Hague
On his 51st birthday, Amnesty International Netherlands brings a birthday cake, fresh
fruit and vegetables, and thousands of signatures demanding his freedom to the embassy.

2013-09-25 Birthday wishes from around the world
Supporters send cards and letters to the penal colony in Babruisk for his third birthday
behind bars.

2013-09-25 A letter from the Mayor of Paris
For his birthday, FIDH and Viasna publish the letter that the Mayor of Paris, Bertrand
Delanoë, wrote to him in September on the anniversary of his imprisonment. The mayor assures
him of his support and admires his courage and tenacity in the harsh conditions of his sentence.

2013-09-30 Václav Havel Human Rights Prize
The Parliamentary Assembly of the Council of Europe awards him the 2013 Václav Havel Human
Rights Prize.

2013-09-30 Shortlisted for the Sakharov Prize
The European Parliament's Foreign Affairs Committee shortlists him, with other Belarusian
political prisoners, for the Sakharov Prize for Freedom of Thought.

2013-12-02 Solidarity from a prison in Bahrain
Nabeel Rajab, himself imprisoned in Bahrain, sends words of solidarity to his FIDH
colleague.

2013-12-10 Paris honours him on Human Rights Day
The mayor of Paris presents the honorary citizenship to his son, Adam Bialiatski, at City
Hall.

2014-06-21 Released early under an amnesty
Ales Bialiatski is freed under an amnesty, before the end of his four-and-a-half-year
sentence.

2021-07-14 Arrested again
He is arrested again during the crackdown that followed the 2020 election.

2022-10-07 Nobel Peace Prize
The 2022 Nobel Peace Prize is announced for Ales Bialiatski, shared with Memorial and the
Center for Civil Liberties. He is in prison at the time.

2023-03-03 Sentenced to ten years
He is sentenced to ten years and is then held in penal colony No. 9 in Gorki, in harsh
conditions and for long periods without news.

2025-12-13 Released and taken to Lithuania
He is released with 122 other prisoners in a deal between Belarus and the United States
(sanctions relief on potash) and taken to Vilnius. He says he will continue Viasna's work.
"""


#: The kind of each entry of _TIMELINE, in its order.
_KINDS = (
    EntryKind.OTHER,  # arrested
    EntryKind.HONORARY_CITIZENSHIP,  # Paris, October 2012
    EntryKind.VISIT,  # Amnesty Netherlands at the embassy
    EntryKind.LETTER,  # birthday wishes to the colony
    EntryKind.LETTER,  # Bertrand Delanoë's letter, published for his birthday
    EntryKind.AWARD,  # Václav Havel Prize
    EntryKind.OTHER,  # Sakharov shortlist: a nomination, not an award
    # Nabeel Rajab's words, by telephone from prison. The early release refused that day (the
    # seed's "his request", "three-quarters of the term") was Rajab's own, by a court in Bahrain
    # (FIDH, "Solidarité des prisonniers : Bahreïn – Bélarus"), so it is no entry of this case.
    EntryKind.OTHER,
    EntryKind.HONORARY_CITIZENSHIP,  # presented to his son
    EntryKind.OTHER,  # amnesty
    EntryKind.OTHER,  # arrested again
    EntryKind.AWARD,  # Nobel Peace Prize
    EntryKind.COURT_DECISION,  # ten years
    EntryKind.OTHER,  # released
)

#: His two periods in prison: (arrest, release, place, note); their translations are in
#: demo_translations.py.
_PERIODS = (
    (
        dt.date(2011, 8, 4),
        dt.date(2014, 6, 21),
        "Minsk detention centre, then penal colony No. 2, Babruisk",
        "Freed early under an amnesty.",
    ),
    (
        dt.date(2021, 7, 14),
        dt.date(2025, 12, 13),
        "Penal colony No. 9, Gorki",
        "Released with 122 other prisoners and taken to Lithuania.",
    ),
)


def _entries(text: str) -> list[tuple[dt.date, str, str]]:
    """Read a timeline written as text: each entry a line of its day and title, then lines of
    its text (joined by spaces); blank lines between entries are optional."""
    entries: list[tuple[dt.date, str, list[str]]] = []
    for line in text.splitlines():
        head = line.split(" ", 1)
        if len(head) == 2 and _DAY.fullmatch(head[0]):
            entries.append((dt.date.fromisoformat(head[0]), head[1], []))
        elif line.strip():
            entries[-1][2].append(line.strip())
    return [(day, title, " ".join(lines)) for day, title, lines in entries]


def _timeline() -> list[TimelineEntry]:
    return [
        TimelineEntry(happened_on=day, kind=kind, title=title, text=text, link=None)
        for (day, title, text), kind in zip(_entries(_TIMELINE), _KINDS, strict=True)
    ]


def _periods() -> list[DetentionPeriod]:
    return [
        DetentionPeriod(started_on=start, ended_on=end, place=place, note=note)
        for start, end, place, note in _PERIODS
    ]


def _typeset(text: str, language: str) -> str:
    """French puts a no-break space inside guillemets, a narrow one before ; : ! ? and between
    groups of digits (1 100); the translations are typed with plain spaces."""
    if language != "fr":
        return text
    return _FRENCH_NARROW.sub("\u202f", _FRENCH_SPACE.sub("\u00a0", text))


def _translate(case: Case, petition: Petition, entries: list[TimelineEntry], language: str) -> None:
    """Store the demo's translations into one language (in the caller's transaction)."""
    for period, (place, note) in zip(case.detentions, PERIOD_TRANSLATIONS[language], strict=True):
        translations.save(
            period,
            language,
            {"place": _typeset(place, language), "note": _typeset(note, language)},
            by="demo data",
        )
    given = {field: _typeset(value, language) for field, value in TRANSLATIONS[language].items()}
    for content, subject in ((case, "case"), (petition, "petition")):
        values = {field: given[field] for field in translations.FIELDS[subject] if field in given}
        if subject == "case":
            values["bio"] = " ".join(values["bio"].split())
        translations.save(content, language, values, by="demo data")
    translated = _entries(given["timeline"])
    if [day for day, _, _ in translated] != [entry.happened_on for entry in entries]:
        raise ValueError(f"The {language} demo timeline is not the English one's, entry for entry.")
    for entry, (_, title, text) in zip(entries, translated, strict=True):
        translations.save(entry, language, {"title": title, "text": text}, by="demo data")


def load_demo_data() -> bool:
    """Create the demo case and its open petition in an empty database, with their
    translations into each demo language the service offers (LANGUAGES).

    :returns: False, changing nothing, if any case exists already.
    """
    if db.session.execute(select(func.count()).select_from(Case)).scalar_one():
        return False
    case = Case(
        slug=DEMO_CASE_SLUG,
        prisoner_name="Ales Bialiatski",
        detention_country="BY",
        detention_place="Penal colony No. 9, Gorki (until 13 December 2025)",
        arrested_on=_PERIODS[0][0],
        sentence="10 years (3 March 2023); released on 13 December 2025",
        status=CaseStatus.RELEASED,
        bio=_BIO,
        language="en",
    )
    entries = _timeline()
    case.timeline = list(entries)
    case.detentions = _periods()
    petition = Petition(
        slug=DEMO_PETITION_SLUG,
        case=case,
        title="Free Belarus's political prisoners, as Ales Bialiatski was freed",
        summary=(
            "Nobel Peace Prize laureate Ales Bialiatski was released on 13 December 2025. "
            "About 1,100 political prisoners were still held in Belarus that month, according "
            "to Viasna. Ask the Belarusian authorities to free them all."
        ),
        body=_PETITION_BODY,
        addressee="the authorities of the Republic of Belarus",
        addressee_country="BY",
        goal=5000,
        status=PetitionStatus.DRAFT,
        language="en",
    )
    petition.open(utcnow())
    db.session.add_all([case, petition])
    db.session.commit()
    # A translation into a language the service does not offer would be refused: skipped.
    offered = current_app.config["LANGUAGES"]
    for language in TRANSLATIONS:
        if language in offered:
            _translate(case, petition, entries, language)
    db.session.commit()
    return True
