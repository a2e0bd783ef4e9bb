"""What a letter is checked for (letters/checks.py): links in any script, and the words to avoid
in their other forms or as prefixes."""

from __future__ import annotations

import pytest
from flask import Flask

from petitions.letters import checks

LINK = "Please remove the links and addresses: letters with links are not delivered."


def said(app: Flask, text: str, language: str = "be", avoided: tuple[str, ...] = ()) -> list[str]:
    """What the checks tell the writer of ``text`` (of at least their shortest length)."""
    with app.test_request_context():
        return checks.problems(
            text.ljust(checks.MIN_LENGTH), language, [language], 5000, [*avoided]
        )


def avoided_named(problems: list[str]) -> list[str]:
    """The words to avoid the problems name, as the writer reads them."""
    return [each.split("“", 1)[1].split("”", 1)[0] for each in problems if "leave out" in each]


@pytest.mark.parametrize(
    "text",
    [
        "spring96.org",
        "Look at spring96.org/ru for news",
        "вясна.бел",
        "пример.рф",
        "ПРИМЕР.РФ",
        "навіны на сайце мова.укр штодня",
        "сайт.қаз",
        "сайт.срб",
        "xn--80a1acny.xn--90ais",
        "дапамога.xn--90ais",
        "news.spring96.org",
        "उदाहरण.भारत",
        "пішы на t.me/viasna",
        "Пішыце: вясна.бел.",
        "https://example.org",
        "www.example",
        "ales@example.org",
    ],
)
def test_a_link_in_any_script_is_found(app: Flask, text: str) -> None:
    assert LINK in said(app, text)


@pytest.mark.parametrize(
    "text",
    [
        "Кнігі, музыка, кіно і т.д.",
        "Кнігі, музыка і т.п.",
        "Мы з г. Мінска.",
        "Мы з г.Мінска.",
        "Прывітанне. Як ты?",
        "Добры дзень.Як справы?",
        "Hello. How are you?",
        "e.g. books, i.e. music",
        "Mr.Smith says hello",
        "Пі роўна 3.14, а сёння 12.05.2024.",
        "Віншуем! Мы памятаем пра цябе...",
        "U.S.A.",
    ],
)
def test_abbreviations_and_sentences_are_no_links(app: Flask, text: str) -> None:
    assert LINK not in said(app, text)


@pytest.mark.parametrize(
    ("language", "text", "avoided", "found"),
    [
        # Russian: the stemmer finds the word's cases; a word that only looks alike is not it.
        ("ru", "Нет войне!", ["война"], ["войне"]),
        ("ru", "После войны всё будет иначе.", ["война"], ["войны"]),
        ("ru", "Мы против войн.", ["Война"], ["войн"]),
        ("ru", "Он смелый воин.", ["война"], []),
        ("ru", "Привет из Минска", ["Минск"], ["минска"]),
        # English: "wars" is "war", "warm" is not.
        ("en", "No more wars.", ["war"], ["wars"]),
        ("en", "The war is long.", ["war"], ["war"]),
        ("en", "Keep warm this winter.", ["war"], []),
        ("en", "A warm hug from Vilnius.", ["war"], []),
        ("en", "Political prisoners are heroes.", ["political prisoner"], ["political prisoners"]),
        # Belarusian has no stemmer: the exact form, or a prefix with "*".
        ("be", "Каб не было вайны.", ["вайна"], []),
        ("be", "Каб не было вайны.", ["вайн*"], ["вайны"]),
        ("be", "Няхай скончыцца вайна.", ["вайн*"], ["вайна"]),
        ("be", "Няхай скончыцца вайна.", ["вайна"], ["вайна"]),
        ("be", "Мы не забываем.", ["вайн*"], []),
        ("be", "Шмат сонца.", ["*"], []),
        # A prefix works in a language with a stemmer too; without "*" no prefix is matched.
        ("en", "Warmest wishes.", ["warm*"], ["warmest"]),
        ("en", "Warmest wishes.", ["war"], []),
    ],
)
def test_words_to_avoid_are_found_in_their_forms_and_named_as_the_letter_has_them(
    app: Flask, language: str, text: str, avoided: list[str], found: list[str]
) -> None:
    assert avoided_named(said(app, text, language, tuple(avoided))) == found


def test_the_writer_is_told_the_word_of_their_letter_not_the_organizers_pattern(app: Flask) -> None:
    assert said(app, "Каб ніколі не было вайны.", "be", ("вайн*",)) == [
        "Please leave out “вайны”: the organizers ask writers to avoid it, or the letter will "
        "not be delivered."
    ]


def test_a_letter_with_a_cyrillic_link_is_told_to_remove_it(app: Flask) -> None:
    assert said(app, "Чытай навіны на вясна.бел кожны дзень.") == [LINK]
