"""The demo campaign in French: the case, its periods in prison, its timeline, the petition.

How these texts are written, and what demo.py does with them: petitions/cases/demo_translations.py.
"""

from __future__ import annotations

_BIO = """\
Ales Bialiatski a fondé le Centre des droits humains « Viasna » à Minsk et il est vice-président de
la Fédération internationale pour les droits humains (FIDH). Arrêté le 4 août 2011 et condamné à
quatre ans et demi de prison, il a été détenu au centre de détention de Minsk, puis à la colonie
pénitentiaire n° 2 de Babrouïsk, jusqu’à sa libération anticipée, grâce à une amnistie, le 21 juin
2014. Arrêté de nouveau le 14 juillet 2021, lors de la répression qui a suivi l’élection de 2020,
il a reçu le prix Nobel de la paix en 2022 alors qu’il était en prison. Condamné à dix ans le 3
mars 2023, il a été détenu à la colonie pénitentiaire n° 9 de Gorki, dans des conditions très dures
et souvent longtemps sans nouvelles. Libéré le 13 décembre 2025 avec 122 autres prisonniers, il a
été conduit en Lituanie, où il a dit qu’il poursuivrait le travail de Viasna.
"""

_BODY = """\
Aux autorités de la République du Bélarus,

Le **13 décembre 2025**, Ales Bialiatski, fondateur du Centre des droits humains « Viasna » et
lauréat du prix Nobel de la paix 2022, a été libéré avec 122 autres prisonniers. Arrêté le 14
juillet 2021 et condamné le 3 mars 2023 à dix ans de prison, il était détenu à la colonie
pénitentiaire n° 9 de Gorki, dans des conditions très dures et souvent longtemps sans nouvelles.
C’était sa deuxième incarcération : arrêté en 2011, il avait été libéré par anticipation grâce à
une amnistie en 2014.

Sa libération montre que les prisonniers politiques peuvent rentrer chez eux. Pourtant, selon
Viasna, environ **1 100 prisonniers politiques** étaient encore détenus au Bélarus en décembre
2025, parmi lesquels ses collègues de Viasna Marfa Rabkova et Valiantsin Stefanovitch.

Nous, soussignés, vous demandons :

1. de libérer immédiatement et sans condition tous les prisonniers politiques, dont Marfa Rabkova
   et Valiantsin Stefanovitch ;
2. d’ici leur libération, de veiller à leur santé et de leur garantir des contacts réguliers avec
   leur famille et leurs avocats, afin qu’aucun prisonnier ne reste sans nouvelles ;
3. de mettre fin aux poursuites contre les défenseurs des droits humains pour leur travail
   pacifique.

Ales Bialiatski a déclaré qu’il poursuivrait le travail de Viasna. Laissez ses collègues rentrer
chez eux, eux aussi.
"""

_TIMELINE = """\
2011-08-04 Arrêté à Minsk
Ales Bialiatski est arrêté. Le 24 novembre 2011, il est condamné pour son travail de défense des
droits humains à quatre ans et demi de colonie à régime renforcé.
2012-10-01 Citoyen d’honneur de Paris
Le Conseil de Paris le fait citoyen d’honneur, sur proposition du maire et du conseil du 11e
arrondissement.
2013-09-25 Visite d’anniversaire à l’ambassade du Bélarus à La Haye
Pour ses 51 ans, Amnesty International Pays-Bas apporte à l’ambassade un gâteau d’anniversaire, des
fruits et légumes frais et des milliers de signatures réclamant sa libération.
2013-09-25 Des vœux d’anniversaire du monde entier
Pour son troisième anniversaire derrière les barreaux, ses soutiens envoient cartes et lettres à la
colonie pénitentiaire de Babrouïsk.
2013-09-25 Une lettre du maire de Paris
Pour ses 51 ans, la FIDH et Viasna publient la lettre que le maire de Paris, Bertrand Delanoë, lui
a adressée en septembre, deux ans après son arrestation. Le maire l’assure de son soutien et dit
son admiration pour son courage et sa ténacité dans les dures conditions où il purge sa peine.
2013-09-30 Prix des droits de l’homme Václav Havel
L’Assemblée parlementaire du Conseil de l’Europe lui décerne le prix des droits de l’homme Václav
Havel 2013.
2013-09-30 Finaliste du prix Sakharov
La commission des affaires étrangères du Parlement européen le retient, avec d’autres prisonniers
politiques bélarusses, parmi les finalistes du prix Sakharov pour la liberté de l’esprit.
2013-12-02 Solidarité depuis une prison de Bahreïn
Nabeel Rajab, lui-même emprisonné à Bahreïn, adresse un message de solidarité à son collègue de la
FIDH.
2013-12-10 Paris lui rend hommage lors de la Journée des droits de l’homme
À l’Hôtel de Ville, le maire de Paris remet la citoyenneté d’honneur à son fils, Adam Bialiatski.
2014-06-21 Libéré par anticipation grâce à une amnistie
Ales Bialiatski est libéré en vertu d’une amnistie, avant la fin de sa peine de quatre ans et demi.
2021-07-14 De nouveau arrêté
Il est de nouveau arrêté, lors de la répression qui suit l’élection de 2020.
2022-10-07 Prix Nobel de la paix
Le prix Nobel de la paix 2022 est attribué à Ales Bialiatski, conjointement avec Memorial et le
Centre pour les libertés civiles. Il est alors en prison.
2023-03-03 Condamné à dix ans
Il est condamné à dix ans de prison, puis détenu à la colonie pénitentiaire n° 9 de Gorki, dans des
conditions très dures et souvent longtemps sans nouvelles.
2025-12-13 Libéré et conduit en Lituanie
Il est libéré avec 122 autres prisonniers dans le cadre d’un accord entre le Bélarus et les
États-Unis (allègement des sanctions sur la potasse), puis conduit à Vilnius. Il affirme qu’il
poursuivra le travail de Viasna.
"""


#: Per language, each translatable field's text, and the timeline.

#: The place and note of each of his periods in prison (demo.py's _PERIODS), in their order.
PERIODS = (
    ("Centre de détention de Minsk, puis colonie pénitentiaire n° 2, Babrouïsk",
     "Libéré par anticipation grâce à une amnistie."),
    ("Colonie pénitentiaire n° 9, Gorki",
     "Libéré avec 122 autres prisonniers et conduit en Lituanie."),
)  # fmt: skip

#: Each translatable field of the case and the petition (translations.FIELDS), and the timeline.
TRANSLATION: dict[str, str] = {
    "prisoner_name": "Ales Bialiatski",
    "detention_place": "Colonie pénitentiaire n° 9, Gorki (jusqu’au 13 décembre 2025)",
    "sentence": "10 ans de prison (3 mars 2023) ; libéré le 13 décembre 2025",
    "bio": _BIO,
    "title": ("Libérez les prisonniers politiques du Bélarus, comme Ales Bialiatski a été libéré"),
    "summary": (
        "Lauréat du prix Nobel de la paix, Ales Bialiatski a été libéré le 13 décembre 2025. "
        "Selon Viasna, environ 1 100 prisonniers politiques étaient encore détenus au Bélarus "
        "ce mois-là. Demandez aux autorités bélarusses de les libérer tous."
    ),
    "body": _BODY,
    "addressee": "les autorités de la République du Bélarus",
    "timeline": _TIMELINE,
}
