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

_TIMELINE = [
    (
        dt.date(2011, 8, 4),
        "Arrested in Minsk",
        "Ales Bialiatski is detained and later sentenced to four and a half years in a "
        "severe-regime colony for his human rights work.",
        None,
    ),
    (
        dt.date(2012, 10, 1),
        "Honorary Citizen of Paris",
        "The Paris city council grants him honorary citizenship at the suggestion of the mayor "
        "and the council of the 11th arrondissement.",
        None,
    ),
    (
        dt.date(2013, 9, 25),
        "Birthday visit to the Belarus embassy in The Hague",
        "On his 51st birthday, Amnesty International Netherlands brings a birthday cake, fresh "
        "fruit and vegetables, and thousands of signatures demanding his freedom to the embassy.",
        None,
    ),
    (
        dt.date(2013, 9, 25),
        "Birthday wishes from around the world",
        "Supporters send cards and letters to the penal colony in Babruisk for his third "
        "birthday behind bars.",
        None,
    ),
    (
        dt.date(2013, 9, 30),
        "Václav Havel Human Rights Prize",
        "The Parliamentary Assembly of the Council of Europe awards him the 2013 Václav Havel "
        "Human Rights Prize.",
        None,
    ),
    (
        dt.date(2013, 9, 30),
        "Shortlisted for the Sakharov Prize",
        "The European Parliament's Foreign Affairs Committee shortlists him, with other Belarusian "
        "political prisoners, for the Sakharov Prize for Freedom of Thought.",
        None,
    ),
    (
        dt.date(2013, 12, 2),
        "Solidarity from a prison in Bahrain",
        "Nabeel Rajab, himself imprisoned in Bahrain, sends words of solidarity to his FIDH "
        "colleague.",
        None,
    ),
    (
        dt.date(2013, 12, 10),
        "Paris honours him on Human Rights Day",
        "The mayor of Paris presents the honorary citizenship to his son, Adam Bialiatski, at "
        "City Hall.",
        None,
    ),
]


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
    case.timeline = [
        TimelineEntry(happened_on=day, title=title, text=text, link=link)
        for day, title, text, link in _TIMELINE
    ]
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
