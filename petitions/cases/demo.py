"""A real-looking campaign for a newcomer's first run: the case of Ales Bialiatski.

Facts follow the campaign page this project started from (shared/seed), told in our own words.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from petitions.cases.models import Case, CaseStatus, Petition, PetitionStatus, TimelineEntry
from petitions.clock import utcnow
from petitions.extensions import db

DEMO_CASE_SLUG = "ales-bialiatski"
DEMO_PETITION_SLUG = "free-ales-bialiatski"

_BIO = (
    "Ales Bialiatski founded the Human Rights Centre \u201cViasna\u201d in Minsk and is a "
    "vice-president of the International Federation for Human Rights (FIDH). He was arrested on "
    "4 August 2011 for his human rights work and sentenced to four and a half years in a "
    "severe-regime colony. He was held first in the Minsk detention centre, then in penal "
    "colony No. 2 in Babruisk. His arrest set off a wave of solidarity around the world."
)

_PETITION_BODY = """\
Your Excellency,

Ales Bialiatski, chairman of the Human Rights Centre "Viasna" and vice-president of FIDH, has
been behind bars since **4 August 2011**. His only "offence" was defending the rights of others.

We, the undersigned, ask the authorities of the Republic of Belarus to:

1. release Ales Bialiatski immediately and unconditionally;
2. until his release, guarantee his health, regular contact with his family and lawyers, and
   detention conditions that meet Belarus's obligations under the ICESCR;
3. end the prosecution of human rights defenders for their peaceful work.

He has been named an Honorary Citizen of Paris and received the Václav Havel Human Rights
Prize while in prison. The world is watching, and waiting for him to come home.
"""

#: The case's timeline, one action a paragraph: its day and title on the first line, then its
#: text (lines joined by spaces). Written as text rather than as tuples: eight entries of one
#: shape would repeat the same code eight times.
_TIMELINE = """\
2011-08-04 Arrested in Minsk
Ales Bialiatski is detained and later sentenced to four and a half years in a
severe-regime colony for his human rights work.

2012-10-01 Honorary Citizen of Paris
The Paris city council grants him honorary citizenship at the suggestion of the mayor and
the council of the 11th arrondissement.

2013-09-25 Birthday visit to the Belarus embassy in The Hague
On his 51st birthday, Amnesty International Netherlands brings a birthday cake, fresh
fruit and vegetables, and thousands of signatures demanding his freedom to the embassy.

2013-09-25 Birthday wishes from around the world
Supporters send cards and letters to the penal colony in Babruisk for his third birthday
behind bars.

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
"""


def _timeline() -> list[TimelineEntry]:
    entries = []
    for paragraph in _TIMELINE.strip().split("\n\n"):
        heading, *lines = paragraph.splitlines()
        day, title = heading.split(" ", 1)
        entries.append(
            TimelineEntry(
                happened_on=dt.date.fromisoformat(day), title=title, text=" ".join(lines), link=None
            )
        )
    return entries


def load_demo_data() -> bool:
    """Create the demo case and its open petition in an empty database.

    :returns: False, changing nothing, if any case exists already.
    """
    if db.session.execute(select(func.count()).select_from(Case)).scalar_one():
        return False
    case = Case(
        slug=DEMO_CASE_SLUG,
        prisoner_name="Ales Bialiatski",
        detention_country="BY",
        detention_place="Penal colony No. 2, Babruisk",
        arrested_on=dt.date(2011, 8, 4),
        sentence="4 years and 6 months, severe regime",
        status=CaseStatus.DETAINED,
        bio=_BIO,
    )
    case.timeline = _timeline()
    petition = Petition(
        slug=DEMO_PETITION_SLUG,
        case=case,
        title="Free Ales Bialiatski",
        summary=(
            "A human rights defender jailed since 4 August 2011 for defending others. "
            "Ask the Belarusian authorities to release him now."
        ),
        body=_PETITION_BODY,
        addressee="Embassy of the Republic of Belarus, The Hague",
        addressee_country="BY",
        goal=5000,
        status=PetitionStatus.DRAFT,
    )
    petition.open(utcnow())
    db.session.add_all([case, petition])
    db.session.commit()
    return True
