"""Belarusian and Russian: pages and mails speak the supporter's language; catalogs are complete.

Many supporters of Belarusian political prisoners read Belarusian or Russian rather than
English. These tests pin what they see (the sign form, the confirmation mail, plural forms) and
guard the catalogs themselves: nothing untranslated or fuzzy, the compiled .mo files in step
with the .po files, and messages.pot in step with the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po
from bs4 import Tag
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, ngettext
from jinja2 import TemplateSyntaxError

from petitions.extensions import db
from petitions.signing.models import Signature
from tests.conftest import SmtpServer, Supporter
from tests.factories import open_petition
from tests.helpers import main_text, parse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = PROJECT_ROOT / "petitions" / "translations"
POT = TRANSLATIONS / "messages.pot"
#: The keywords `make messages` passes to pybabel (-k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
CATALOG_LANGUAGES = ["be", "ru", "uk", "pl", "lt", "nl", "fr", "de"]
#: Plural forms per catalog (CLDR's categories for whole numbers, as gettext counts them).
PLURAL_FORMS = {"be": 3, "ru": 3, "uk": 3, "pl": 3, "lt": 3, "nl": 2, "fr": 3, "de": 2}
#: The quotation marks each language's typography uses (opening, closing); the others are
#: refused, and each opening one must be closed.
QUOTES = {
    "be": ("«", "»"),
    "ru": ("«", "»"),
    "uk": ("«", "»"),
    "fr": ("«", "»"),
    "pl": ("„", "”"),
    "lt": ("„", "“"),
    "de": ("„", "“"),
    "nl": ("“", "”"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def page(client: FlaskClient, path: str, accept_language: str | None = None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


# --- pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What a reader of a page meets: its language, its words, the sign form's labels and button."""

    lang: str
    words: str
    labels: frozenset[str]
    buttons: tuple[str, ...]


def seen(html: str) -> Seen:
    soup = parse(html)
    root = soup.find("html")
    assert isinstance(root, Tag)
    return Seen(
        lang=str(root.get("lang", "")),
        words=main_text(html),
        labels=frozenset(label.get_text(" ", strip=True) for label in soup.select("main label")),
        buttons=tuple(
            button.get_text(" ", strip=True)
            for button in soup.select("main form[action*='/sign'] button[type=submit]")
        ),
    )


@pytest.mark.parametrize("accept_language", ["be", "be-BY,be;q=0.9,ru;q=0.8,en;q=0.5"])
def test_petition_page_in_belarusian_for_a_belarusian_browser(
    client: FlaskClient, accept_language: str
) -> None:
    petition = open_petition()

    html = page(client, f"/p/{petition.slug}", accept_language)
    shown = seen(html)

    assert shown.lang == "be"
    assert "Падпішыце гэтую петыцыю" in shown.words
    assert shown.buttons == ("Падпісаць",)
    assert "Імя і прозвішча" in shown.labels
    assert "Электронная пошта" in shown.labels
    assert "Краіна" in shown.labels
    assert "Горад або населены пункт" in shown.labels
    assert "Каментар (неабавязкова)" in shown.labels
    assert "Паказваць маё імя ў публічным спісе падпісантаў" in shown.labels
    assert "Абярыце краіну" in shown.words
    # 0 takes the genitive plural in Belarusian: "0 подпісаў".
    assert "подпісаў" in shown.words
    assert "Sign this petition" not in shown.words
    assert "Sign" not in shown.buttons


def test_lang_parameter_shows_russian_whatever_the_browser_says(client: FlaskClient) -> None:
    petition = open_petition()

    html = page(client, f"/p/{petition.slug}?lang=ru", "be-BY,be;q=0.9,en;q=0.5")
    shown = seen(html)

    assert shown.lang == "ru"
    assert "Подпишите эту петицию" in shown.words
    assert shown.buttons == ("Подписать",)
    assert "Имя и фамилия" in shown.labels
    assert "Электронная почта" in shown.labels
    assert "Страна" in shown.labels
    assert "Город или населённый пункт" in shown.labels
    assert "Комментарий (необязательно)" in shown.labels
    assert "Падпішыце" not in shown.words
    assert "Sign this petition" not in shown.words


def test_russian_browser_gets_russian(client: FlaskClient) -> None:
    petition = open_petition()

    html = page(client, f"/p/{petition.slug}", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")
    shown = seen(html)

    assert shown.lang == "ru"
    assert shown.buttons == ("Подписать",)


@pytest.mark.parametrize(
    ("query", "accept_language"),
    [
        ("", "ja-JP,ja;q=0.9"),
        ("", None),
        ("?lang=es", "ja"),
        ("?lang=../../etc", None),
    ],
)
def test_unsupported_language_falls_back_to_english(
    client: FlaskClient, query: str, accept_language: str | None
) -> None:
    petition = open_petition()

    html = page(client, f"/p/{petition.slug}{query}", accept_language)
    shown = seen(html)

    assert shown.lang == "en"
    assert "Sign this petition" in shown.words
    assert shown.buttons == ("Sign",)
    assert "Full name" in shown.labels


def test_unsupported_lang_parameter_falls_back_to_the_browser_languages(
    client: FlaskClient,
) -> None:
    petition = open_petition()

    html = page(client, f"/p/{petition.slug}?lang=es", "es-ES,es;q=0.9,ru;q=0.8")
    shown = seen(html)

    assert shown.lang == "ru"
    assert shown.buttons == ("Подписать",)


# One language per test: the app fixture keeps one application context for the whole test,
# and Flask-Babel caches the chosen locale on `g`, so a second request in another language
# within the same test would still see the first one.


def test_list_of_petitions_in_belarusian(client: FlaskClient) -> None:
    open_petition()

    html = page(client, "/", "be")
    shown = seen(html)

    assert shown.lang == "be"
    assert "Адкрытыя петыцыі" in shown.words
    assert "Пра справу" in shown.words


def test_case_page_in_russian(client: FlaskClient) -> None:
    petition = open_petition()

    html = page(client, f"/cases/{petition.case.slug}", "ru")
    shown = seen(html)

    assert shown.lang == "ru"
    assert "Хроника солидарности" in shown.words
    assert "В заключении" in shown.words
    assert "Беларусь" in shown.words  # the country name comes from CLDR in the page's language


def test_not_found_page_in_belarusian(client: FlaskClient) -> None:
    answer = client.get("/p/no-such-petition", headers={"Accept-Language": "be"})

    assert answer.status_code == 404
    shown = seen(answer.get_data(as_text=True))
    assert shown.lang == "be"
    assert "Старонка не знойдзена" in shown.words


def test_validation_errors_in_russian(supporter: Supporter, client: FlaskClient) -> None:
    petition = open_petition()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"

    answer = supporter.sign(petition.slug, full_name="", city="")

    assert answer.status_code == 422
    shown = seen(answer.get_data(as_text=True))
    assert "Пожалуйста, исправьте отмеченные поля и отправьте форму ещё раз." in shown.words
    assert "Пожалуйста, введите своё имя." in shown.words
    assert "Пожалуйста, укажите свой город или населённый пункт." in shown.words
    assert db.session.execute(db.select(db.func.count()).select_from(Signature)).scalar() == 0


# --- mails ---------------------------------------------------------------------------------


class MailExpectation(TypedDict):
    inbox_heading: str
    subject: str
    lines: list[str]
    button: str


MAIL_EXPECTATIONS: dict[str, MailExpectation] = {
    "be": {
        "inbox_heading": "Праверце пошту",
        "subject": "Пацвердзіце, калі ласка, свой подпіс: Free Ales Bialiatski",
        "lines": [
            "Калі ласка, пацвердзіце свой подпіс пад петыцыяй «Free Ales Bialiatski» "
            "(адрасат: Embassy of the Republic of Belarus, The Hague).",
            "Вы падпісалі петыцыю як: Christie Miedema, Den Haag",
            "Адкрыйце гэтую спасылку і націсніце кнопку на старонцы:",
            "Спасылка дзейнічае 7 дзён. Подпіс будзе ўлічаны толькі пасля пацверджання.",
            "Каб у любы момант адклікаць подпіс і выдаліць свае даныя:",
        ],
        "button": "Пацвердзіць подпіс",
    },
    "ru": {
        "inbox_heading": "Проверьте почту",
        "subject": "Пожалуйста, подтвердите свою подпись: Free Ales Bialiatski",
        "lines": [
            "Пожалуйста, подтвердите свою подпись под петицией «Free Ales Bialiatski» "
            "(адресат: Embassy of the Republic of Belarus, The Hague).",
            "Вы подписали петицию как: Christie Miedema, Den Haag",
            "Откройте эту ссылку и нажмите кнопку на странице:",
            "Ссылка действует 7 дней. Подпись будет учтена только после подтверждения.",
            "Чтобы в любой момент отозвать подпись и удалить свои данные:",
        ],
        "button": "Подтвердить подпись",
    },
}


@pytest.mark.parametrize("lang", sorted(MAIL_EXPECTATIONS))
def test_signer_gets_the_confirmation_mail_in_the_language_they_signed_in(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient, lang: str
) -> None:
    expected = MAIL_EXPECTATIONS[lang]
    petition = open_petition()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang

    answer = supporter.sign(petition.slug)

    assert answer.status_code == 303
    assert expected["inbox_heading"] in page(client, answer.headers["Location"])
    signature = db.session.execute(db.select(Signature)).scalar_one()
    assert signature.locale == lang

    # The worker runs outside any request, in whatever language its machine has.
    supporter.deliver()
    mail = smtp.take_one()
    assert mail.message["Subject"] == expected["subject"]
    text = mail.text
    for line in expected["lines"]:
        assert line in text, f"{line!r} not in:\n{text}"
    assert "Please confirm" not in text
    assert "Hello" not in text
    assert mail.link("confirm").startswith("/confirm/")
    assert mail.link("withdraw").startswith("/withdraw/")
    assert f'<html lang="{lang}">' in mail.html
    assert expected["button"] in mail.html


@pytest.mark.parametrize("lang", sorted(set(CATALOG_LANGUAGES) - set(MAIL_EXPECTATIONS)))
def test_every_language_mails_the_signer_in_itself(
    supporter: Supporter, smtp: SmtpServer, client: FlaskClient, lang: str
) -> None:
    catalog = read_catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    subject = str(catalog["Please confirm your signature: %(title)s"].string)
    petition = open_petition()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang

    assert supporter.sign(petition.slug).status_code == 303
    supporter.deliver()

    mail = smtp.take_one()
    # Headers are written on one line, whitespace made plain spaces (French has no-break ones).
    expected = " ".join((subject % {"title": petition.title}).split())
    assert mail.message["Subject"] == expected
    assert f'<html lang="{lang}">' in mail.html
    assert "Please confirm" not in mail.text


# --- plural forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("be", 1, "1 подпіс"),
        ("be", 2, "2 подпісы"),
        ("be", 4, "4 подпісы"),
        ("be", 5, "5 подпісаў"),
        ("be", 11, "11 подпісаў"),
        ("be", 12, "12 подпісаў"),
        ("be", 21, "21 подпіс"),
        ("be", 22, "22 подпісы"),
        ("be", 111, "111 подпісаў"),
        ("be", 1001, "1001 подпіс"),
        ("ru", 1, "1 подпись"),
        ("ru", 3, "3 подписи"),
        ("ru", 7, "7 подписей"),
        ("ru", 14, "14 подписей"),
        ("ru", 21, "21 подпись"),
        ("ru", 24, "24 подписи"),
        ("ru", 0, "0 подписей"),
    ],
)
def test_plural_forms(app: Flask, lang: str, count: int, expected: str) -> None:
    with force_locale(lang):
        assert ngettext("%(num)s signature", "%(num)s signatures", count) == expected


@pytest.mark.parametrize(
    ("lang", "days", "expected"),
    [
        ("be", 1, "Спасылка дзейнічае 1 дзень."),
        ("be", 3, "Спасылка дзейнічае 3 дні."),
        ("be", 30, "Спасылка дзейнічае 30 дзён."),
        ("ru", 1, "Ссылка действует 1 день."),
        ("ru", 2, "Ссылка действует 2 дня."),
        ("ru", 14, "Ссылка действует 14 дней."),
    ],
)
def test_plural_forms_of_link_lifetime(app: Flask, lang: str, days: int, expected: str) -> None:
    with force_locale(lang):
        assert (
            ngettext("The link works for %(num)s day.", "The link works for %(num)s days.", days)
            == expected
        )


# --- the catalogs --------------------------------------------------------------------------


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


Msgid = str | tuple[str, ...]


def hashable(value: str | list[str] | tuple[str, ...] | None) -> Msgid:
    """Return a msgid or msgstr as read_po gives it (read_mo gives plural ones as lists)."""
    assert value is not None, "a message without a msgid or msgstr"
    return value if isinstance(value, str) else tuple(value)


def strings_of(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Return a msgid's or msgstr's strings: one, or one per plural form."""
    found = hashable(value)
    return (found,) if isinstance(found, str) else found


def msgids(catalog: Catalog) -> set[Msgid]:
    return {hashable(message.id) for message in catalog if message.id}


def test_every_catalog_language_is_offered(app: Flask) -> None:
    on_disk = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}

    assert on_disk == set(CATALOG_LANGUAGES)
    assert app.config["LANGUAGES"][0] == "en"
    assert set(app.config["LANGUAGES"]) == {"en", *on_disk}


def catalog_problems(path: Path, lang: str) -> list[str]:
    """Return what keeps a catalog from being complete: a message untranslated (a msgstr or a
    plural form empty), fuzzy, missing or left over against messages.pot, a placeholder
    dropped, or a header that babel's checks refuse."""
    catalog = read_catalog(path, locale=lang)
    problems = []
    if catalog.num_plurals != PLURAL_FORMS[lang]:
        problems.append(f"{lang}: {catalog.num_plurals} plural forms, not {PLURAL_FORMS[lang]}")
    if catalog.fuzzy:
        problems.append(f"{lang}: the catalog header is marked fuzzy")
    if catalog.obsolete:
        problems.append(f"{lang}: obsolete entries left in: {list(catalog.obsolete)}")
    for message in catalog:
        if not message.id:
            continue
        strings = strings_of(message.string)
        if not all(strings):
            problems.append(f"{lang}: untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"{lang}: fuzzy: {message.id!r}")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{lang}: {len(strings)} plural forms in {message.id!r}")
    problems += [f"{lang}: {message.id!r}: {errors}" for message, errors in catalog.check()]
    # babel's check accepts a translation that drops a placeholder; a petition title or an
    # addressee silently missing from a mail is worse than English, so demand every one.
    for message in catalog:
        if not message.id or not message.python_format:
            continue
        ids = strings_of(message.id)
        wanted = set().union(*(PLACEHOLDER.findall(msgid) for msgid in ids))
        for string in strings_of(message.string):
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{lang}: placeholders of {message.id!r} in {string!r}")
            else:
                try:
                    string % dict.fromkeys(wanted, "x")
                except (KeyError, ValueError, TypeError) as error:
                    problems.append(f"{lang}: {message.id!r}: {string!r}: {error}")
    in_pot = msgids(read_catalog(POT))
    for msgid in sorted(map(str, in_pot - msgids(catalog))):
        problems.append(f"{lang}: missing (run pybabel update): {msgid}")
    for msgid in sorted(map(str, msgids(catalog) - in_pot)):
        problems.append(f"{lang}: not in messages.pot (run pybabel update): {msgid}")
    return problems


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_catalog_is_complete(lang: str) -> None:
    problems = catalog_problems(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang)

    assert not problems, "\n".join(problems)


def changed_copy(lang: str, folder: Path, change: Callable[[Catalog], None]) -> Path:
    """Write a copy of a catalog with ``change`` made to it; return its path."""
    catalog = read_catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    change(catalog)
    copy = folder / f"{lang}.po"
    with copy.open("wb") as handle:
        write_po(handle, catalog)
    return copy


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_a_catalog_with_one_string_missing_is_refused(lang: str, tmp_path: Path) -> None:
    """The check above cannot pass a catalog short of one string, in any language."""
    singular = "Please confirm your signature: %(title)s"
    plural = ("%(num)s signature", "%(num)s signatures")
    assert catalog_problems(changed_copy(lang, tmp_path, lambda catalog: None), lang) == []

    def empty_one(catalog: Catalog) -> None:
        catalog[singular].string = ""

    def empty_one_plural_form(catalog: Catalog) -> None:
        message = catalog[plural[0]]
        message.string = (*strings_of(message.string)[:-1], "")

    def remove_one(catalog: Catalog) -> None:
        catalog.delete(singular)

    def drop_a_placeholder(catalog: Catalog) -> None:
        catalog[singular].string = str(catalog[singular].string).replace("%(title)s", "")

    for change, expected in (
        (empty_one, f"{lang}: untranslated: {singular!r}"),
        (empty_one_plural_form, f"{lang}: untranslated: {plural!r}"),
        (remove_one, f"{lang}: missing (run pybabel update): {singular}"),
        (drop_a_placeholder, f"{lang}: placeholders of {singular!r}"),
    ):
        problems = catalog_problems(changed_copy(lang, tmp_path, change), lang)
        assert any(problem.startswith(expected) for problem in problems), (change, problems)


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_translations_use_their_languages_quotation_marks(lang: str) -> None:
    catalog = read_catalog(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    opening, closing = QUOTES[lang]
    foreign = set('«»“”„"') - {opening, closing}

    for message in catalog:
        strings = strings_of(message.string)
        for string in strings:
            assert not foreign & set(string), (lang, message.id, string)
            if opening != closing:
                assert string.count(opening) == string.count(closing), (lang, message.id, string)


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_compiled_catalog_matches_its_source(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    source = read_catalog(folder / "messages.po", locale=lang)
    with (folder / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)

    expected = {hashable(m.id): hashable(m.string) for m in source if m.id}
    actual = {hashable(m.id): hashable(m.string) for m in compiled if m.id}
    assert actual == expected, "messages.mo is stale: run pybabel compile -d petitions/translations"


def extract_from_sources(config: Path = PROJECT_ROOT / "babel.cfg") -> set[Msgid]:
    """Extract as `make messages` does, but let a template that cannot be parsed fail loudly.

    Jinja's extractor skips such a template without a word by default, which silently drops
    its strings from every language.
    """
    with config.open() as handle:
        # Babel leaves this function unannotated.
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    strict = {
        pattern: {**options_map.get(pattern, {}), "silent": "false"}
        for pattern, _method in method_map
    }
    catalog = Catalog()
    current: list[str] = []

    def note_file(filename: str, method: str, options: dict[str, str]) -> None:
        current[:] = [filename]

    try:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(PROJECT_ROOT), method_map, strict, keywords=KEYWORDS, callback=note_file
        ):
            catalog.add(message, None, [(filename, lineno)], comments, context=context)
    except TemplateSyntaxError as error:
        where = current[0] if current else "a template"
        pytest.fail(
            f"{where}:{error.lineno} cannot be extracted ({error.message}); "
            "its strings would be missing from messages.pot. If it uses a Jinja extension, list "
            "the extension for its pattern in babel.cfg."
        )
    return msgids(catalog)


def test_pot_is_up_to_date_with_the_sources() -> None:
    in_sources = extract_from_sources()
    in_pot = msgids(read_catalog(POT))

    assert in_sources - in_pot == set(), "strings missing from messages.pot: run make messages"
    assert in_pot - in_sources == set(), "stale strings in messages.pot: run make messages"
