"""What the sign form refuses, what it takes, and how the signer's input comes back to them.

Every request goes through the public pages as a browser would send it: the petition page is
read, its form filled in and posted.
"""

from __future__ import annotations

import unicodedata

import pytest
import pyuca
from flask.testing import FlaskClient

from petitions.signing.models import SignatureState
from tests.conftest import SmtpServer, Supporter, csrf_token
from tests.factories import open_petition
from tests.helpers import main_text, parse
from tests.signing.sign_form import (
    TYPED,
    FormPage,
    form_post_data,
    sign_in_browser,
    stored_rows,
)

# --- refused input --------------------------------------------------------------------------

EMPTY_NAME = "Please enter your name."
EMPTY_EMAIL = "Please enter your email address"
EMPTY_CITY = "Please enter your city or town."
EMPTY_COUNTRY = "Please choose your country."
NAME_TOO_LONG = "Please shorten your name to 120 characters."
CITY_TOO_LONG = "Please shorten the city to 120 characters."
COMMENT_TOO_LONG = "Please shorten your comment to 500 characters."
SINGLE_LINE = "Please use letters, spaces and punctuation only."
COMMENT_SPECIAL = "Please remove the special characters from your comment."
EMAIL_SPECIAL = "Please enter a valid email address."
EMAIL_BAD = "This does not look like a working email address. Please check it."
EMAIL_TOO_LONG = "This email address is too long."
COUNTRY_UNKNOWN = "Please choose your country from the list."
INVISIBLE = "This contains invisible or special characters"
NAME_NO_LETTER = "Please write your name in letters."
CITY_NO_LETTER = "Please write the name of your city or town in letters."
NAME_LINK = "Please enter only your name, without a web address."

REFUSED = [
    pytest.param("full_name", "", EMPTY_NAME, id="name-empty"),
    pytest.param("full_name", "   \t ", EMPTY_NAME, id="name-blank"),
    pytest.param("full_name", "N" * 121, NAME_TOO_LONG, id="name-121-chars"),
    pytest.param("full_name", "Ales\x00 Bialiatski", SINGLE_LINE, id="name-nul"),
    pytest.param("full_name", "Ales\x07 Bialiatski", SINGLE_LINE, id="name-bell"),
    pytest.param("full_name", "Ales\x1b[31m", SINGLE_LINE, id="name-escape-sequence"),
    pytest.param("full_name", "Eve\r\nBcc: victim@example.org", SINGLE_LINE, id="name-crlf-bcc"),
    pytest.param("full_name", "Eve\nBcc: victim@example.org", SINGLE_LINE, id="name-lf-bcc"),
    pytest.param("full_name", "Eve\rBcc: victim@example.org", SINGLE_LINE, id="name-cr-bcc"),
    pytest.param("full_name", "Eve\u2028Bcc: victim@example.org", SINGLE_LINE, id="name-u2028"),
    pytest.param("full_name", "Eve \u202egnirts", SINGLE_LINE, id="name-rtl-override"),
    pytest.param("city", "Minsk\u2066 isolate", SINGLE_LINE, id="city-bidi-isolate"),
    pytest.param("email", "", EMPTY_EMAIL, id="email-empty"),
    pytest.param("email", "not-an-email", EMAIL_BAD, id="email-no-at"),
    pytest.param("email", "hanna@", EMAIL_BAD, id="email-no-domain"),
    pytest.param("email", "hanna@example", EMAIL_BAD, id="email-no-dot-in-domain"),
    pytest.param("email", "han na@example.org", EMAIL_BAD, id="email-space"),
    pytest.param("email", "hanna@@example.org", EMAIL_BAD, id="email-two-ats"),
    pytest.param("email", "h" * 250 + "@example.org", EMAIL_TOO_LONG, id="email-too-long"),
    pytest.param(
        "email", "eve@example.org\r\nBcc: victim@example.org", EMAIL_SPECIAL, id="email-crlf-bcc"
    ),
    pytest.param(
        "email", "eve@example.org\nBcc: victim@example.org", EMAIL_SPECIAL, id="email-lf-bcc"
    ),
    pytest.param("email", "eve\x00@example.org", EMAIL_SPECIAL, id="email-nul"),
    pytest.param("country", "", EMPTY_COUNTRY, id="country-empty"),
    pytest.param("country", "XX", COUNTRY_UNKNOWN, id="country-XX"),
    pytest.param("country", "lt", COUNTRY_UNKNOWN, id="country-lowercase"),
    pytest.param("country", "Lithuania", COUNTRY_UNKNOWN, id="country-name-not-code"),
    pytest.param("city", "", EMPTY_CITY, id="city-empty"),
    pytest.param("city", "C" * 121, CITY_TOO_LONG, id="city-121-chars"),
    pytest.param("city", "Vil\x00nius", SINGLE_LINE, id="city-nul"),
    pytest.param("city", "Vilnius\r\nBcc: victim@example.org", SINGLE_LINE, id="city-crlf"),
    pytest.param("comment", "c" * 501, COMMENT_TOO_LONG, id="comment-501-chars"),
    pytest.param("comment", "Free them\x00 all", COMMENT_SPECIAL, id="comment-nul"),
    pytest.param("comment", "Free them\x07 all", COMMENT_SPECIAL, id="comment-bell"),
    # Invisible characters (Unicode categories Cf, Co, Cn) and text without a letter.
    pytest.param("full_name", "Ales\u200bBialiatski", INVISIBLE, id="name-zero-width-space"),
    pytest.param("full_name", "Ales\u200dBialiatski", INVISIBLE, id="name-zwj-in-latin"),
    pytest.param("full_name", "Ales\u2060Bialiatski", INVISIBLE, id="name-word-joiner"),
    pytest.param("full_name", "\ufeffAles Bialiatski", INVISIBLE, id="name-bom"),
    pytest.param("full_name", "Ales Bia\u00adliatski", INVISIBLE, id="name-soft-hyphen"),
    pytest.param("full_name", "Ales\U000e0041\U000e0042", INVISIBLE, id="name-tag-characters"),
    pytest.param("full_name", "Ales Bialiatski\u200f", INVISIBLE, id="name-rlm"),
    pytest.param("full_name", "\u200eAles Bialiatski", INVISIBLE, id="name-lrm"),
    pytest.param("full_name", "نبيل\u061c رجب", INVISIBLE, id="name-alm"),
    pytest.param("full_name", "Ales \ue000", INVISIBLE, id="name-private-use"),
    pytest.param("full_name", "Ales \u0378", INVISIBLE, id="name-unassigned"),
    pytest.param("full_name", "\u0301", NAME_NO_LETTER, id="name-only-combining-mark"),
    pytest.param("full_name", "\u0301\u0302\u0303", NAME_NO_LETTER, id="name-only-marks"),
    pytest.param("full_name", "12345", NAME_NO_LETTER, id="name-only-digits"),
    pytest.param("full_name", "...", NAME_NO_LETTER, id="name-only-dots"),
    pytest.param("city", "Min\u200bsk", INVISIBLE, id="city-zero-width-space"),
    pytest.param("city", "\ufeffMinsk", INVISIBLE, id="city-bom"),
    pytest.param("city", "Minsk\u200f", INVISIBLE, id="city-rlm"),
    pytest.param("city", "\u0301", CITY_NO_LETTER, id="city-only-combining-mark"),
    pytest.param("city", "1234", CITY_NO_LETTER, id="city-only-digits"),
]


@pytest.mark.parametrize(("field", "value", "message"), REFUSED)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    client: FlaskClient, smtp: SmtpServer, field: str, value: str, message: str
) -> None:
    petition = open_petition()

    answer = sign_in_browser(
        client, f"/p/{petition.slug}", **{**TYPED, field: value}, show_name_publicly=True
    )

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    form = FormPage(html)
    # The message sits under the field, is tied to it for screen readers, and marks it invalid.
    assert message in form.errors[field], form.errors
    assert set(form.errors) == {field}, f"only {field} should complain: {form.errors}"
    assert field in form.invalid
    assert f"{field}-error" in form.described_by[field]
    assert "Please correct the marked fields" in form.summary
    # Everything else the signer typed (and ticked) is still there.
    for other, typed in TYPED.items():
        if other != field:
            shown = form.comment_text() if other == "comment" else form.values[other]
            assert shown == typed, f"{other} lost: {shown!r}"
    assert form.checked["show_name_publicly"] is True
    assert form.checked["may_contact"] is False
    # A fresh CSRF token comes with the re-shown form, so fixing and resending just works.
    assert csrf_token(html)

    assert stored_rows() == ([], 0)
    assert 'data-testid="signature-count">0<' in html


@pytest.mark.parametrize("field", ["full_name", "city", "comment"])
def test_an_over_long_value_is_shown_again_for_shortening(
    client: FlaskClient, smtp: SmtpServer, field: str
) -> None:
    petition = open_petition()
    too_long = "Ж" * (501 if field == "comment" else 121)

    answer = sign_in_browser(client, f"/p/{petition.slug}", **{**TYPED, field: too_long})

    assert answer.status_code == 422
    form = FormPage(answer.get_data(as_text=True))
    shown = form.comment_text() if field == "comment" else form.values[field]
    assert shown == too_long
    assert stored_rows() == ([], 0)


@pytest.mark.parametrize(
    "token",
    [pytest.param(None, id="missing"), pytest.param("forged-token", id="forged")],
)
def test_a_missing_or_bad_csrf_token_keeps_the_input_and_writes_nothing(
    client: FlaskClient, smtp: SmtpServer, token: str | None
) -> None:
    petition = open_petition()

    answer = sign_in_browser(
        client, f"/p/{petition.slug}", **TYPED, may_contact=True, csrf_token=token
    )

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    form = FormPage(html)
    assert "The form had expired. Your input is kept: please send it again." in form.summary
    assert form.errors == {}, "no field is at fault"
    assert {name: form.values[name] for name in TYPED if name != "comment"} == {
        name: value for name, value in TYPED.items() if name != "comment"
    }
    assert form.comment_text() == TYPED["comment"]
    assert form.checked["may_contact"] is True
    assert stored_rows() == ([], 0)

    # Sending the re-shown form again (it carries a fresh token) goes through.
    again = client.post(form.action or "", data=form_post_data(form))
    assert again.status_code == 303
    assert [s.email for s in stored_rows()[0]] == [TYPED["email"]]


def test_every_field_left_empty_gets_its_own_message(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    answer = sign_in_browser(
        client, f"/p/{petition.slug}", full_name="", email="", country="", city="", comment=""
    )

    assert answer.status_code == 422
    form = FormPage(answer.get_data(as_text=True))
    assert form.errors.keys() == {"full_name", "email", "country", "city"}
    assert EMPTY_NAME in form.errors["full_name"]
    assert EMPTY_EMAIL in form.errors["email"]
    assert EMPTY_COUNTRY in form.errors["country"]
    assert EMPTY_CITY in form.errors["city"]
    assert form.invalid == {"full_name", "email", "country", "city"}
    assert stored_rows() == ([], 0)


# --- links in names (a table of both sides) -------------------------------------------------

NAMES_WITH_LINKS = [
    pytest.param("http://spam.example", id="http-url"),
    pytest.param("Ales https://spam.example/x", id="https-url-after-a-name"),
    pytest.param("ftp://files", id="other-scheme"),
    pytest.param("Visit www.spam", id="www"),
    pytest.param("WWW.SPAM.BIZ", id="www-upper-case"),
    pytest.param("example.com", id="domain"),
    pytest.param("SPAM.COM", id="domain-upper-case"),
    pytest.param("Cheap Pills.Xyz", id="common-tld-title-case"),
    pytest.param("Ales bit.ly/free", id="short-link-with-path"),
    pytest.param("Ales (spam.pizza)", id="lower-case-host-in-brackets"),
    pytest.param("пример.рф", id="cyrillic-domain"),
    pytest.param("mr.smith", id="lower-case-word-dot-word-looks-like-a-host"),
]

NAMES_WITH_DOTS = [
    pytest.param("J. R. R. Tolkien", id="initials-with-spaces"),
    pytest.param("J.R.R. Tolkien", id="initials-without-spaces"),
    pytest.param("J.R.R.Tolkien", id="initials-glued-to-the-name"),
    pytest.param("j.r.r.tolkien", id="initials-lower-case"),
    pytest.param("Mr.Smith", id="title-glued-to-the-name"),
    pytest.param("Dr.Müller", id="title-with-umlaut"),
    pytest.param("St.John Rivers", id="saint"),
    pytest.param("A.Li", id="two-letter-surname"),
    pytest.param("Алесь.Бяляцкі", id="cyrillic-with-dot"),
    pytest.param("Ales Bialiatski Jr.", id="trailing-dot"),
]


@pytest.mark.parametrize("name", NAMES_WITH_LINKS)
def test_a_name_with_a_link_is_refused_on_the_name(
    client: FlaskClient, smtp: SmtpServer, name: str
) -> None:
    petition = open_petition()

    answer = sign_in_browser(client, f"/p/{petition.slug}", **{**TYPED, "full_name": name})

    assert answer.status_code == 422
    form = FormPage(answer.get_data(as_text=True))
    assert form.errors == {"full_name": NAME_LINK}
    assert "full_name" in form.invalid
    assert form.values["full_name"] == name, "the input is kept for correcting"
    assert stored_rows() == ([], 0)


@pytest.mark.parametrize("name", NAMES_WITH_DOTS)
def test_a_name_with_dots_is_taken(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer, name: str
) -> None:
    petition = open_petition()

    answer = sign_in_browser(client, f"/p/{petition.slug}", **{**TYPED, "full_name": name})

    assert answer.status_code == 303, FormPage(answer.get_data(as_text=True)).errors
    assert [s.full_name for s in stored_rows()[0]] == [name]
    supporter.deliver()
    smtp.take_one()


# --- accepted input -------------------------------------------------------------------------

ACCEPTED = [
    pytest.param("Алесь Бяляцкі", "Шклоў", "Свабоду палітвязням! Жыве Беларусь!", id="belarusian"),
    pytest.param("نبيل رجب", "المنامة", "الحرية لجميع المعتقلين", id="arabic-rtl"),
    pytest.param("אלכסנדרה כהן", "ירושלים", "חופש", id="hebrew-rtl"),
    pytest.param("Olga 👩‍👩‍👧", "Kraków", "✊🏽 solidarity", id="emoji-zwj"),
    pytest.param("Ann ❤️‍🔥", "Gdańsk", "love", id="emoji-zwj-after-variation-selector"),
    pytest.param("محمد\u200cرضا شجریان", "تهران", "آزادی", id="persian-zwnj"),
    pytest.param("क्\u200dष Devi", "मुंबई", "मुक्ति", id="devanagari-zwj-after-virama"),
    pytest.param("Nguyễn Thị Minh Khai", "Hà Nội", "tự do", id="vietnamese-diacritics"),
    pytest.param(
        "<script>alert(1)</script>", "<b>Minsk</b>", "<img src=x onerror=alert(1)>", id="markup"
    ),
    pytest.param("N" * 120, "C" * 120, "line one\r\nline two\r\n" + "c" * 478, id="at-the-limits"),
]


@pytest.mark.parametrize(("name", "city", "comment"), ACCEPTED)
def test_names_in_any_script_are_stored_exactly_and_shown_escaped(
    client: FlaskClient,
    supporter: Supporter,
    smtp: SmtpServer,
    name: str,
    city: str,
    comment: str,
) -> None:
    petition = open_petition()

    answer = sign_in_browser(
        client,
        f"/p/{petition.slug}",
        full_name=name,
        email="signer@example.org",
        country="BY",
        city=city,
        comment=comment,
        show_name_publicly=True,
    )

    assert answer.status_code == 303, FormPage(answer.get_data(as_text=True)).errors
    assert answer.headers["Location"].endswith(f"/p/{petition.slug}/check-your-inbox")
    [signature], outbox = stored_rows()
    assert outbox == 1
    assert (signature.full_name, signature.city, signature.comment) == (name, city, comment)
    assert signature.country == "BY"
    assert signature.show_name_publicly is True

    supporter.deliver()
    mail = smtp.take_one()
    assert name in mail.text
    assert "<script>" not in mail.html
    assert "<img" not in mail.html

    assert "confirmed" in main_text(supporter.open_and_press(mail.link("confirm")))
    html = client.get(f"/p/{petition.slug}").get_data(as_text=True)
    assert 'data-testid="signature-count">1<' in html
    signers = html[html.index('id="signers-heading"') :]
    if "<" in name:
        assert (
            "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>, <bdi>&lt;b&gt;Minsk&lt;/b&gt;</bdi>"
            in signers
        )
        # The page's only script is its own static file; the name made none of its own.
        scripts = [tag.get("src") for tag in parse(html).find_all("script")]
        assert scripts == ["/static/js/live-count.js"]
        assert "<b>Minsk" not in html
    else:
        # Each name is isolated, so a right-to-left one cannot reorder the text around it.
        assert f"<bdi>{name}</bdi>, <bdi>{city}</bdi>" in signers


def test_a_decomposed_letter_is_stored_in_its_composed_form(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    # "ў" typed as "у" + combining breve, as some keyboards send it.
    typed_city = "Шкло\u0443\u0306"
    assert unicodedata.normalize("NFC", typed_city) == "Шклоў" != typed_city

    answer = sign_in_browser(client, f"/p/{petition.slug}", **{**TYPED, "city": typed_city})

    assert answer.status_code == 303
    [signature], _ = stored_rows()
    assert signature.city == "Шклоў"


def test_surrounding_spaces_are_trimmed(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    answer = sign_in_browser(
        client,
        f"/p/{petition.slug}",
        **{
            **TYPED,
            "full_name": "  Hanna Kovalenka\t",
            "email": " hanna@example.org ",
            "city": " Vilnius  ",
        },
    )

    assert answer.status_code == 303
    [signature], _ = stored_rows()
    assert (signature.full_name, signature.email, signature.city) == (
        "Hanna Kovalenka",
        "hanna@example.org",
        "Vilnius",
    )


def test_a_signer_without_consent_to_be_named_appears_nowhere_publicly(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()

    answer = sign_in_browser(client, f"/p/{petition.slug}", **TYPED, show_name_publicly=False)
    assert answer.status_code == 303
    supporter.deliver()
    supporter.open_and_press(smtp.take_one().link("confirm"))

    html = client.get(f"/p/{petition.slug}").get_data(as_text=True)
    signers = html[html.index('id="signers-heading"') :]
    # Not even their city: for a signer in Belarus, that and a date can be enough.
    assert "Vilnius" not in signers
    assert "Hanna" not in html
    assert "Kovalenka" not in html
    assert "Be the first to sign" not in signers
    api = client.get(f"/api/v1/petitions/{petition.slug}").get_data(as_text=True)
    assert "Hanna" not in api
    assert "Vilnius" not in api
    assert api.count("hanna@") == 0


# --- where a signature came from ------------------------------------------------------------


def test_a_good_ref_is_kept_as_the_source(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()
    page = FormPage(client.get(f"/p/{petition.slug}?ref=twitter").get_data(as_text=True))
    assert page.values["source"] == "twitter"

    answer = sign_in_browser(client, f"/p/{petition.slug}?ref=twitter", **TYPED)

    assert answer.status_code == 303
    [signature], _ = stored_rows()
    assert signature.source == "twitter"


@pytest.mark.parametrize(
    ("ref", "stored"),
    [
        pytest.param("amnesty_nl.2024-10", "amnesty_nl.2024-10", id="dots-dashes-underscores"),
        pytest.param("r" * 40, "r" * 40, id="40-chars"),
        pytest.param("r" * 41, None, id="41-chars"),
        pytest.param("r" * 5000, None, id="5000-chars"),
        pytest.param("<script>alert(1)</script>", None, id="markup"),
        pytest.param("javascript:alert(1)", None, id="javascript-url"),
        pytest.param("two words", None, id="space"),
        pytest.param("ref\r\nSet-Cookie: x=1", None, id="crlf"),
        pytest.param("../../admin", None, id="path"),
        pytest.param("twítter", None, id="non-ascii"),
        pytest.param("", None, id="empty"),
    ],
)
def test_a_malformed_ref_is_dropped_not_refused(
    client: FlaskClient, smtp: SmtpServer, ref: str, stored: str | None
) -> None:
    petition = open_petition()

    page = client.get(f"/p/{petition.slug}", query_string={"ref": ref})
    assert page.status_code == 200
    assert "<script>" not in page.get_data(as_text=True)
    answer = sign_in_browser(
        client, f"/p/{petition.slug}?{page.request.query_string.decode()}", **TYPED
    )

    assert answer.status_code == 303
    [signature], _ = stored_rows()
    assert signature.source == stored
    assert signature.state is SignatureState.PENDING


@pytest.mark.parametrize(
    ("lang", "placeholder", "lithuania"),
    [("en", "Choose your country", "Lithuania"), ("ru", "Выберите страну", "Литва")],
)
def test_the_country_list_is_in_the_signers_language_on_the_page_and_after_an_error(
    client: FlaskClient, smtp: SmtpServer, lang: str, placeholder: str, lithuania: str
) -> None:
    petition = open_petition()

    page = client.get(f"/p/{petition.slug}?lang={lang}").get_data(as_text=True)
    refused = sign_in_browser(client, f"/p/{petition.slug}?lang={lang}", **{**TYPED, "city": ""})

    assert refused.status_code == 422
    for html in (page, refused.get_data(as_text=True)):
        options = FormPage(html).options["country"]
        assert options[0] == ("", placeholder)
        assert ("LT", lithuania) in options
        assert len(options) > 240  # every ISO 3166 country and territory
        labels = [label for _, label in options[1:]]
        # In the alphabet's order (tests/test_country_order.py says what that means).
        assert labels == sorted(labels, key=pyuca.Collator().sort_key)
    assert stored_rows() == ([], 0)
