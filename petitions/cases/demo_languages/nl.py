"""The demo campaign in Dutch: the case, its periods in prison, its timeline, the petition.

How these texts are written, and what demo.py does with them: petitions/cases/demo_translations.py.
"""

from __future__ import annotations

_BIO = """\
Ales Bialiatski richtte in Minsk het mensenrechtencentrum Viasna op en is vicevoorzitter van de
Internationale Federatie voor de Mensenrechten (FIDH). Op 4 augustus 2011 werd hij gearresteerd en
tot vierenhalf jaar veroordeeld. Hij zat vast in het huis van bewaring in Minsk en daarna in
strafkolonie nr. 2 in Babroejsk, tot hij op 21 juni 2014 dankzij een amnestie vervroegd vrijkwam.
Op 14 juli 2021, tijdens de repressie na de verkiezingen van 2020, werd hij opnieuw opgepakt; in
2022 kreeg hij, nog in de gevangenis, de Nobelprijs voor de Vrede. Op 3 maart 2023 werd hij tot
tien jaar veroordeeld. Hij zat vast in strafkolonie nr. 9 in Horki, onder zware omstandigheden en
vaak lange tijd zonder dat er nieuws van hem kwam. Op 13 december 2025 kwam hij met 122 andere
gevangenen vrij en werd hij naar Litouwen gebracht, waar hij zei het werk van Viasna voort te
zetten.
"""

_BODY = """\
Aan de autoriteiten van de Republiek Belarus,

Op **13 december 2025** is Ales Bialiatski, oprichter van het mensenrechtencentrum Viasna en
winnaar van de Nobelprijs voor de Vrede 2022, samen met 122 andere gevangenen vrijgelaten. Hij was
op 14 juli 2021 gearresteerd en op 3 maart 2023 tot tien jaar veroordeeld, en zat vast in
strafkolonie nr. 9 in Horki, onder zware omstandigheden en vaak lange tijd zonder nieuws. Het was
de tweede keer dat hij gevangen zat: na zijn arrestatie in 2011 kwam hij in 2014 dankzij een
amnestie vervroegd vrij.

Zijn vrijlating laat zien dat politieke gevangenen naar huis kunnen. Maar volgens Viasna zaten er
in december 2025 nog altijd ongeveer **1.100 politieke gevangenen** vast in Belarus, onder wie zijn
Viasna-collega's Marfa Rabkova en Valiantsin Stefanovitsj.

Wij, ondergetekenden, vragen u:

1. alle politieke gevangenen onmiddellijk en onvoorwaardelijk vrij te laten, onder wie Marfa
   Rabkova en Valiantsin Stefanovitsj;
2. tot hun vrijlating te zorgen voor hun gezondheid en voor geregeld contact met hun familie en
   advocaten, zodat geen gevangene zonder nieuws blijft;
3. te stoppen met de vervolging van mensenrechtenverdedigers voor hun vreedzame werk.

Ales Bialiatski heeft gezegd dat hij het werk van Viasna voortzet. Laat ook zijn collega's naar
huis gaan.
"""

_TIMELINE = """\
2011-08-04 Gearresteerd in Minsk
Ales Bialiatski wordt opgepakt. Op 24 november 2011 wordt hij om zijn mensenrechtenwerk veroordeeld
tot vierenhalf jaar in een strafkolonie met verzwaard regime.
2012-10-01 Ereburger van Parijs
De gemeenteraad van Parijs maakt hem ereburger, op voorstel van de burgemeester en de raad van het
11e arrondissement.
2013-09-25 Verjaardagsbezoek aan de Belarussische ambassade in Den Haag
Op zijn 51e verjaardag brengt Amnesty International Nederland een verjaardagstaart, vers fruit en
groente en duizenden handtekeningen voor zijn vrijlating naar de ambassade.
2013-09-25 Verjaardagswensen uit de hele wereld
Voor zijn derde verjaardag achter de tralies sturen supporters kaarten en brieven naar de
strafkolonie in Babroejsk.
2013-09-25 Een brief van de burgemeester van Parijs
Voor zijn verjaardag publiceren de FIDH en Viasna de brief die de burgemeester van Parijs, Bertrand
Delanoë, hem in september schreef, twee jaar na zijn arrestatie. De burgemeester betuigt hem zijn
steun en bewondert zijn moed en volharding onder de zware omstandigheden waarin hij zijn straf
uitzit.
2013-09-30 Václav Havel-mensenrechtenprijs
De Parlementaire Vergadering van de Raad van Europa kent hem de Václav Havel-mensenrechtenprijs
2013 toe.
2013-09-30 Op de shortlist voor de Sacharovprijs
De commissie Buitenlandse Zaken van het Europees Parlement zet hem, samen met andere Belarussische
politieke gevangenen, op de shortlist voor de Sacharovprijs voor de vrijheid van denken.
2013-12-02 Solidariteit vanuit een cel in Bahrein
Nabeel Rajab, zelf gevangen in Bahrein, stuurt zijn FIDH-collega een steunbetuiging.
2013-12-10 Parijs eert hem op de Dag van de Mensenrechten
De burgemeester van Parijs reikt in het stadhuis het ereburgerschap uit aan zijn zoon, Adam
Bialiatski.
2014-06-21 Vervroegd vrij dankzij een amnestie
Ales Bialiatski komt dankzij een amnestie vrij, voordat zijn straf van vierenhalf jaar erop zit.
2021-07-14 Opnieuw gearresteerd
Hij wordt opnieuw opgepakt, tijdens de repressie die volgde op de verkiezingen van 2020.
2022-10-07 Nobelprijs voor de Vrede
Bekend wordt dat de Nobelprijs voor de Vrede 2022 naar Ales Bialiatski gaat, samen met Memorial en
het Centrum voor Burgerlijke Vrijheden. Hij zit op dat moment gevangen.
2023-03-03 Tien jaar cel
Hij wordt veroordeeld tot tien jaar cel en zit daarna vast in strafkolonie nr. 9 in Horki, onder
zware omstandigheden en vaak lange tijd zonder nieuws.
2025-12-13 Vrijgelaten en naar Litouwen gebracht
Hij komt vrij met 122 andere gevangenen, na een deal tussen Belarus en de Verenigde Staten
(versoepeling van de sancties op potas), en wordt naar Vilnius gebracht. Hij zegt het werk van
Viasna voort te zetten.
"""

#: The place and note of each of his periods in prison (demo.py's _PERIODS), in their order.
PERIODS = (
    ("Huis van bewaring in Minsk, daarna strafkolonie nr. 2, Babroejsk",
     "Vervroegd vrijgekomen dankzij een amnestie."),
    ("Strafkolonie nr. 9, Horki",
     "Vrijgelaten met 122 andere gevangenen en naar Litouwen gebracht."),
)  # fmt: skip

#: Each translatable field of the case and the petition (translations.FIELDS), and the timeline.
TRANSLATION: dict[str, str] = {
    "prisoner_name": "Ales Bialiatski",
    "detention_place": "Strafkolonie nr. 9, Horki (tot 13 december 2025)",
    "sentence": "10 jaar cel (3 maart 2023); vrijgelaten op 13 december 2025",
    "bio": _BIO,
    "title": "Laat de politieke gevangenen in Belarus vrij, zoals Ales Bialiatski vrijkwam",
    "summary": (
        "Nobelprijswinnaar Ales Bialiatski werd op 13 december 2025 vrijgelaten. Volgens Viasna"
        " zaten er die maand nog ongeveer 1.100 politieke gevangenen vast in Belarus. Vraag de "
        "Belarussische autoriteiten hen allemaal vrij te laten."
    ),
    "body": _BODY,
    "addressee": "de autoriteiten van de Republiek Belarus",
    "timeline": _TIMELINE,
}
