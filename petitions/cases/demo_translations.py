"""The demo campaign (petitions/cases/demo.py) in Belarusian, Russian, Dutch and French.

Written as a native speaker at a human-rights NGO would write it, not word for word, with places
as each language names them (Мінск/Минск, Бабруйск/Бобруйск, Den Haag, La Haye…). Per language:
each translatable field of the case and the petition (translations.FIELDS), and a "timeline" in
demo.py's form: the English entries in their order, each a line of its day and title, then its
text. Plain texts are wrapped here (demo.py joins their lines); a body is Markdown. French
spaces before ; : and inside « » are plain here; demo.py makes them no-break.
"""

from __future__ import annotations

# --- Belarusian -----------------------------------------------------------------------------------

_BE_BIO = """\
Алесь Бяляцкі — заснавальнік Праваабарончага цэнтра «Вясна» ў Мінску і віцэ-прэзідэнт Міжнароднай
федэрацыі правоў чалавека (FIDH). Арыштаваны 4 жніўня 2011 года і асуджаны на чатыры з паловай
гады, ён утрымліваўся ў мінскім следчым ізалятары, а потым у папраўчай калоніі № 2 у Бабруйску,
пакуль 21 чэрвеня 2014 года яго не вызвалілі датэрмінова паводле амністыі. 14 ліпеня 2021 года,
падчас рэпрэсій пасля выбараў 2020 года, яго арыштавалі зноў, а ў 2022 годзе, яшчэ за кратамі, ён
стаў лаўрэатам Нобелеўскай прэміі міру. 3 сакавіка 2023 года яго асудзілі на дзесяць гадоў; ён
утрымліваўся ў папраўчай калоніі № 9 у Горках, у цяжкіх умовах, і доўгі час пра яго не было ніякіх
вестак. 13 снежня 2025 года яго вызвалілі разам са 122 іншымі зняволенымі і вывезлі ў Літву, дзе ён
заявіў, што працягне працу «Вясны».
"""

_BE_BODY = """\
Да ўладаў Рэспублікі Беларусь

**13 снежня 2025 года** разам са 122 іншымі зняволенымі быў вызвалены Алесь Бяляцкі — заснавальнік
Праваабарончага цэнтра «Вясна» і лаўрэат Нобелеўскай прэміі міру 2022 года. Арыштаваны 14 ліпеня
2021 года і асуджаны 3 сакавіка 2023 года на дзесяць гадоў, ён утрымліваўся ў папраўчай калоніі № 9
у Горках, у цяжкіх умовах, і доўгі час пра яго не было ніякіх вестак. Гэта было ўжо другое яго
зняволенне: арыштаваны ў 2011 годзе, ён быў датэрмінова вызвалены паводле амністыі ў 2014 годзе.

Яго вызваленне паказвае, што палітвязні могуць вярнуцца дадому. Але, паводле звестак «Вясны», у
снежні 2025 года ў Беларусі ўсё яшчэ заставаліся за кратамі каля **1100 палітвязняў**, сярод іх —
ягоныя калегі па «Вясне» Марфа Рабкова і Валянцін Стэфановіч.

Мы, ніжэйпадпісаныя, заклікаем вас:

1. неадкладна і безумоўна вызваліць усіх палітвязняў, у тым ліку Марфу Рабкову і Валянціна
   Стэфановіча;
2. да іх вызвалення берагчы іх здароўе і забяспечыць ім рэгулярную сувязь з сем’ямі і адвакатамі,
   каб ніводзін вязень не заставаўся без вестак;
3. спыніць пераслед праваабаронцаў за іх мірную дзейнасць.

Алесь Бяляцкі заявіў, што працягне працу «Вясны». Дазвольце і ягоным калегам вярнуцца дадому.
"""

_BE_TIMELINE = """\
2011-08-04 Арышт у Мінску
Алеся Бяляцкага затрымліваюць. 24 лістапада 2011 года яго асуджаюць за праваабарончую дзейнасць на
чатыры з паловай гады калоніі ўзмоцненага рэжыму.
2012-10-01 Ганаровы грамадзянін Парыжа
Па прапанове мэра і рады 11-й акругі Парыжская гарадская рада прысвойвае яму званне ганаровага
грамадзяніна.
2013-09-25 У дзень нараджэння — да пасольства Беларусі ў Гаазе
У ягоны 51-ы дзень нараджэння нідэрландская секцыя Amnesty International прыносіць у пасольства
святочны торт, свежую садавіну і гародніну і тысячы подпісаў з патрабаваннем вызваліць яго.
2013-09-25 Віншаванні з усяго свету
Прыхільнікі дасылаюць паштоўкі і лісты ў калонію ў Бабруйску: гэта ўжо трэці ягоны дзень нараджэння
за кратамі.
2013-09-30 Прэмія Вацлава Гавела ў галіне правоў чалавека
Парламенцкая асамблея Рады Еўропы прысуджае яму Прэмію імя Вацлава Гавела ў галіне правоў чалавека
за 2013 год.
2013-09-30 У кароткім спісе Прэміі імя Сахарава
Камітэт Еўрапарламента па замежных справах уключае яго разам з іншымі беларускімі палітвязнямі ў
кароткі спіс Прэміі імя Сахарава «За свабоду думкі».
2013-12-02 Салідарнасць з турмы ў Бахрэйне
Набіль Раджаб, які сам знаходзіцца ў зняволенні ў Бахрэйне, перадае словы салідарнасці свайму
калегу па FIDH.
2013-12-10 Парыж ушаноўвае яго ў Дзень правоў чалавека
У Парыжскай ратушы мэр Парыжа ўручае ганаровае грамадзянства ягонаму сыну Адаму Бяляцкаму.
2014-06-21 Датэрміновае вызваленне паводле амністыі
Алеся Бяляцкага вызваляюць паводле амністыі, раней за канец тэрміну ў чатыры з паловай гады.
2021-07-14 Новы арышт
Яго зноў арыштоўваюць падчас рэпрэсій, якія пачаліся пасля выбараў 2020 года.
2022-10-07 Нобелеўская прэмія міру
Абвешчана, што Нобелеўская прэмія міру 2022 года прысуджана Алесю Бяляцкаму разам з «Мемарыялам» і
Цэнтрам грамадзянскіх свабод. У гэты час ён знаходзіцца за кратамі.
2023-03-03 Прысуд: дзесяць гадоў
Яго асуджаюць на дзесяць гадоў пазбаўлення волі. Потым ён утрымліваецца ў папраўчай калоніі № 9 у
Горках, у цяжкіх умовах, і доўгі час пра яго няма ніякіх вестак.
2025-12-13 Вызваленне і вываз у Літву
Яго вызваляюць разам са 122 іншымі зняволенымі паводле дамоўленасці паміж Беларуссю і ЗША
(паслабленне санкцый на беларускі калій) і вывозяць у Вільнюс. Ён кажа, што працягне працу «Вясны».
"""

# --- Russian --------------------------------------------------------------------------------------

_RU_BIO = """\
Алесь Беляцкий — основатель Правозащитного центра «Весна» в Минске и вице-президент Международной
федерации за права человека (FIDH). Арестованный 4 августа 2011 года и приговорённый к четырём с
половиной годам, он содержался в минском СИЗО, а затем в исправительной колонии № 2 в Бобруйске,
пока 21 июня 2014 года его не освободили досрочно по амнистии. 14 июля 2021 года, во время
репрессий после выборов 2020 года, его снова арестовали, а в 2022 году, ещё в заключении, он стал
лауреатом Нобелевской премии мира. 3 марта 2023 года его приговорили к десяти годам; он содержался
в исправительной колонии № 9 в Горках, в тяжёлых условиях, и подолгу о нём не было никаких вестей.
13 декабря 2025 года его освободили вместе со 122 другими заключёнными и вывезли в Литву, где он
заявил, что продолжит работу «Весны».
"""

_RU_BODY = """\
Властям Республики Беларусь

**13 декабря 2025 года** вместе со 122 другими заключёнными был освобождён Алесь Беляцкий —
основатель Правозащитного центра «Весна» и лауреат Нобелевской премии мира 2022 года. Арестованный
14 июля 2021 года и приговорённый 3 марта 2023 года к десяти годам, он содержался в исправительной
колонии № 9 в Горках, в тяжёлых условиях, и подолгу о нём не было никаких вестей. Это было уже
второе его заключение: арестованный в 2011 году, он был досрочно освобождён по амнистии в 2014
году.

Его освобождение показывает, что политзаключённые могут вернуться домой. Однако, по данным «Весны»,
в декабре 2025 года в Беларуси за решёткой всё ещё оставались около **1100 политзаключённых**,
среди них его коллеги по «Весне» Марфа Рабкова и Валентин Стефанович.

Мы, нижеподписавшиеся, призываем вас:

1. немедленно и безоговорочно освободить всех политзаключённых, в том числе Марфу Рабкову и
   Валентина Стефановича;
2. до их освобождения беречь их здоровье и обеспечить им регулярную связь с семьями и адвокатами,
   чтобы ни один заключённый не оставался без вестей;
3. прекратить преследование правозащитников за их мирную деятельность.

Алесь Беляцкий заявил, что продолжит работу «Весны». Позвольте и его коллегам вернуться домой.
"""

_RU_TIMELINE = """\
2011-08-04 Арест в Минске
Алеся Беляцкого задерживают. 24 ноября 2011 года его приговаривают за правозащитную деятельность к
четырём с половиной годам колонии усиленного режима.
2012-10-01 Почётный гражданин Парижа
По предложению мэра и совета 11-го округа Совет Парижа присваивает ему звание почётного гражданина.
2013-09-25 В день рождения — к посольству Беларуси в Гааге
В день его 51-летия нидерландское отделение Amnesty International приносит в посольство праздничный
торт, свежие фрукты и овощи и тысячи подписей с требованием его освобождения.
2013-09-25 Поздравления со всего мира
Сторонники присылают открытки и письма в колонию в Бобруйске: это уже третий его день рождения за
решёткой.
2013-09-30 Премия Вацлава Гавела в области прав человека
Парламентская ассамблея Совета Европы присуждает ему Премию имени Вацлава Гавела в области прав
человека за 2013 год.
2013-09-30 В коротком списке премии Сахарова
Комитет Европарламента по иностранным делам включает его вместе с другими белорусскими
политзаключёнными в короткий список премии имени Сахарова «За свободу мысли».
2013-12-02 Солидарность из тюрьмы в Бахрейне
Набиль Раджаб, сам находящийся в заключении в Бахрейне, передаёт слова солидарности своему коллеге
по FIDH.
2013-12-10 Париж чествует его в День прав человека
В парижской мэрии мэр Парижа вручает почётное гражданство его сыну Адаму Беляцкому.
2014-06-21 Досрочное освобождение по амнистии
Алеся Беляцкого освобождают по амнистии, раньше окончания срока в четыре с половиной года.
2021-07-14 Новый арест
Его снова арестовывают во время репрессий, начавшихся после выборов 2020 года.
2022-10-07 Нобелевская премия мира
Объявлено, что Нобелевская премия мира 2022 года присуждена Алесю Беляцкому вместе с «Мемориалом» и
Центром гражданских свобод. В это время он находится в заключении.
2023-03-03 Приговор: десять лет
Его приговаривают к десяти годам лишения свободы. Затем он содержится в исправительной колонии № 9
в Горках, в тяжёлых условиях, и подолгу о нём нет никаких вестей.
2025-12-13 Освобождение и вывоз в Литву
Его освобождают вместе со 122 другими заключёнными по договорённости между Беларусью и США
(ослабление санкций на белорусский калий) и вывозят в Вильнюс. Он говорит, что продолжит работу
«Весны».
"""

# --- Dutch ----------------------------------------------------------------------------------------

_NL_BIO = """\
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

_NL_BODY = """\
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

_NL_TIMELINE = """\
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

# --- French ---------------------------------------------------------------------------------------

_FR_BIO = """\
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

_FR_BODY = """\
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

_FR_TIMELINE = """\
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
TRANSLATIONS: dict[str, dict[str, str]] = {
    "be": {
        "prisoner_name": "Алесь Бяляцкі",
        "detention_place": "Папраўчая калонія № 9, Горкі (да 13 снежня 2025 года)",
        "sentence": (
            "10 гадоў пазбаўлення волі (3 сакавіка 2023 года); вызвалены 13 снежня 2025 года"
        ),
        "bio": _BE_BIO,
        "title": "Вызваліце палітвязняў Беларусі, як вызвалілі Алеся Бяляцкага",
        "summary": (
            "Лаўрэата Нобелеўскай прэміі міру Алеся Бяляцкага вызвалілі 13 снежня 2025 года. "
            "Паводле «Вясны», у тым месяцы ў Беларусі за кратамі заставаліся каля 1100 палітвязняў."
            " Заклікайце беларускія ўлады вызваліць іх усіх."
        ),
        "body": _BE_BODY,
        "addressee": "улады Рэспублікі Беларусь",
        "timeline": _BE_TIMELINE,
    },
    "ru": {
        "prisoner_name": "Алесь Беляцкий",
        "detention_place": "Исправительная колония № 9, Горки (до 13 декабря 2025 года)",
        "sentence": "10 лет лишения свободы (3 марта 2023 года); освобождён 13 декабря 2025 года",
        "bio": _RU_BIO,
        "title": "Освободите политзаключённых Беларуси, как освободили Алеся Беляцкого",
        "summary": (
            "Лауреата Нобелевской премии мира Алеся Беляцкого освободили 13 декабря 2025 года. По "
            "данным «Весны», в том же месяце в Беларуси за решёткой оставались около 1100 "
            "политзаключённых. Призовите белорусские власти освободить всех."
        ),
        "body": _RU_BODY,
        "addressee": "власти Республики Беларусь",
        "timeline": _RU_TIMELINE,
    },
    "nl": {
        "prisoner_name": "Ales Bialiatski",
        "detention_place": "Strafkolonie nr. 9, Horki (tot 13 december 2025)",
        "sentence": "10 jaar cel (3 maart 2023); vrijgelaten op 13 december 2025",
        "bio": _NL_BIO,
        "title": "Laat de politieke gevangenen in Belarus vrij, zoals Ales Bialiatski vrijkwam",
        "summary": (
            "Nobelprijswinnaar Ales Bialiatski werd op 13 december 2025 vrijgelaten. Volgens Viasna"
            " zaten er die maand nog ongeveer 1.100 politieke gevangenen vast in Belarus. Vraag de "
            "Belarussische autoriteiten hen allemaal vrij te laten."
        ),
        "body": _NL_BODY,
        "addressee": "de autoriteiten van de Republiek Belarus",
        "timeline": _NL_TIMELINE,
    },
    "fr": {
        "prisoner_name": "Ales Bialiatski",
        "detention_place": "Colonie pénitentiaire n° 9, Gorki (jusqu’au 13 décembre 2025)",
        "sentence": "10 ans de prison (3 mars 2023) ; libéré le 13 décembre 2025",
        "bio": _FR_BIO,
        "title": (
            "Libérez les prisonniers politiques du Bélarus, comme Ales Bialiatski a été libéré"
        ),
        "summary": (
            "Lauréat du prix Nobel de la paix, Ales Bialiatski a été libéré le 13 décembre 2025. "
            "Selon Viasna, environ 1 100 prisonniers politiques étaient encore détenus au Bélarus "
            "ce mois-là. Demandez aux autorités bélarusses de les libérer tous."
        ),
        "body": _FR_BODY,
        "addressee": "les autorités de la République du Bélarus",
        "timeline": _FR_TIMELINE,
    },
}
