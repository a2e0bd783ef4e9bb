"""The demo campaign (petitions/cases/demo.py) in Belarusian, Russian, Dutch and French.

Written as a native speaker at a human-rights NGO would write it, not word for word, with places
as each language names them (Мінск/Минск, Бабруйск/Бобруйск, Den Haag, La Haye…). One module per
language in demo_languages/, each with the place and note of each period in prison (PERIODS), each
translatable field of the case and the petition (translations.FIELDS), and a "timeline" in
demo.py's form: the English entries in their order, each a line of its day and title, then its
text. Plain texts are wrapped there (demo.py joins their lines); a body is Markdown. French
spaces before ; : and inside « » are plain there; demo.py makes them no-break.
"""

from __future__ import annotations

from petitions.cases.demo_languages import be, fr, nl, ru

#: Per language, each translatable field's text, and the timeline.
TRANSLATIONS: dict[str, dict[str, str]] = {
    "be": be.TRANSLATION,
    "ru": ru.TRANSLATION,
    "nl": nl.TRANSLATION,
    "fr": fr.TRANSLATION,
}

#: Per language, the place and note of each period in prison, in demo.py's order.
PERIOD_TRANSLATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "be": be.PERIODS,
    "ru": ru.PERIODS,
    "nl": nl.PERIODS,
    "fr": fr.PERIODS,
}
