"""What the pages about the service state: who runs it, and exactly what it keeps about signers.

Every fact is read from the code or the settings that make it true (the Signature columns, the
fields withdrawal erases, the retention limits), so the privacy page cannot drift from them:
a new column with no description here fails tests/about/test_privacy.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from petitions.letters.services import ERASED_ON_WITHDRAWAL as LETTER_ERASED_ON_WITHDRAWAL
from petitions.organization import organization_address, organization_name
from petitions.privacy.retention import RetentionLimit, retention_limits
from petitions.signing.services import ERASED_ON_WITHDRAWAL


@dataclass(frozen=True)
class Kept:
    """One thing a signature keeps about its signer: the columns, what they are, and why."""

    columns: tuple[str, ...]
    what: LazyString
    why: LazyString


#: Everything a signature row holds (signing/models.py), said as a signer would ask about it.
KEPT = (
    Kept(
        ("full_name",),
        _l("Your name."),
        _l(
            "It is printed in the bundle handed to the addressee if you agree, and shown on "
            "the petition page only if you ask for it."
        ),
    ),
    Kept(
        ("email", "email_normalized"),
        _l("Your email address, as you typed it and in one form per mailbox."),
        _l(
            "To send you the confirmation link, and news from the organizers only if you "
            "agree; and so that one mailbox signs a petition once. It is never shown or "
            "printed."
        ),
    ),
    Kept(
        ("city", "country"),
        _l("Your city and country."),
        _l(
            "They are printed beside your name; the country is counted, and only the country "
            "is printed when you are not named."
        ),
    ),
    Kept(
        ("comment", "comment_hidden_at", "comment_hidden_by_id"),
        _l("Your comment, if you write one, and whether the organizers hid it."),
        _l("It is a message to the addressee, printed with your name."),
    ),
    Kept(
        ("show_name_publicly", "name_in_bundle", "may_contact"),
        _l(
            "Your choices: whether your name may be shown publicly, whether it may be printed "
            "for the addressee, and whether the organizers may email you."
        ),
        _l("So that your details are used only as you chose."),
    ),
    Kept(
        ("locale",),
        _l("The language you signed in."),
        _l("So that the mails speak it."),
    ),
    Kept(
        ("source", "return_url"),
        _l(
            "Where the signature came from: a campaign code in the link you followed, or the "
            "partner site whose form you used and the address of its page."
        ),
        _l("To show which campaigns work, and to take you back to the partner's page."),
    ),
    Kept(
        ("origin",),
        _l("Whether you signed online or on a paper sheet."),
        _l("So that online and paper signatures are counted apart, and a person once."),
    ),
    Kept(
        ("client_key_id", "client_hash", "client_group_hash"),
        _l(
            "Evidence of the connection you signed from: keyed hashes of it and of its "
            "network, made with a key of that day. Your IP address itself is not stored with it."
        ),
        _l(
            "To tell a flood of forged signatures from a real campaign, and to set such a "
            "flood aside."
        ),
    ),
    Kept(
        ("state", "set_aside_reason", "created_at", "confirmed_at", "withdrawn_at"),
        _l(
            "Whether and when the signature was made, confirmed or withdrawn, and why it was "
            "set aside if it was."
        ),
        _l("So that the count is exactly the confirmed signatures, and its history explained."),
    ),
    Kept(
        ("mails_sent", "last_mail_at"),
        _l("How many mails the signature has caused, and when the last one was sent."),
        _l("So that the sign form cannot be used to flood anyone's inbox."),
    ),
)

#: Columns that only tie a signature to its petition: nothing about the signer.
NOT_ABOUT_THE_SIGNER = frozenset({"id", "petition_id"})

#: What withdrawing erases (signing/services.py::ERASED_ON_WITHDRAWAL), said as a signer would:
#: the columns of each thing, and its name.
ERASED: tuple[tuple[tuple[str, ...], LazyString], ...] = (
    (("full_name",), _l("your name")),
    (("email", "email_normalized"), _l("your email address")),
    (("city",), _l("your city")),
    (("comment",), _l("your comment")),
    (("return_url",), _l("the address of the partner's page you signed on")),
    (("show_name_publicly",), _l("your consent to be named publicly")),
    (("may_contact",), _l("your consent to be emailed by the organizers")),
    (("client_key_id", "client_hash", "client_group_hash"), _l("the evidence of your connection")),
)


#: Everything a letter row holds (letters/models.py), said as a writer would ask about it.
LETTER_KEPT = (
    Kept(
        ("body", "language", "occasion", "holiday_id", "occasion_year", "ready_text_id"),
        _l("Your letter, its language and its occasion, and the ready text it started from."),
        _l(
            "The organizers read it, and once they approve it it goes on to the prisoner; it "
            "is shown on the case's public wall if the case has one."
        ),
    ),
    Kept(
        ("writer_name", "show_name"),
        _l("The name or pseudonym you sign with, and whether it may be shown on the wall."),
        _l("It goes with your letter; on the wall only if you agree."),
    ),
    Kept(
        ("city", "country"),
        _l("Your city and country, if you give them."),
        _l("They go with your letter; the wall shows the country when it does not name you."),
    ),
    Kept(
        ("email", "email_normalized"),
        _l("Your email address, as you typed it and in one form per mailbox."),
        _l(
            "To send you the confirmation link and to limit how many mails one mailbox gets. "
            "It is never shown, printed or passed on."
        ),
    ),
    Kept(
        ("tell_writer",),
        _l("Whether you asked to be told what happens to your letter."),
        _l("So that you get one mail if it is sent another way, or not sent at all."),
    ),
    Kept(
        ("locale",),
        _l("The language of the page you wrote on."),
        _l("So that the mail about your letter speaks it."),
    ),
    Kept(
        ("set_aside_reason",),
        _l("Whether the letter came in a flood from one connection, mail domain or country."),
        _l("So that the organizers read such letters with extra care."),
    ),
    Kept(
        ("created_at", "confirmed_at", "withdrawn_at"),
        _l("When you wrote, confirmed and withdrew it."),
        _l("So that the organizers' queue and the case's history are in order."),
    ),
)
#: A letter's columns that say nothing about its writer: the case, its number, its state,
#: the organizers' decision on it, the batch it was printed in, and its holding (why and when
#: it was held, who re-routed or released it and when).
NOT_ABOUT_THE_WRITER = frozenset(
    {"id", "case_id", "number", "state", "decided_at", "decided_by", "decided_by_id",
     "decision_reason", "batch_id", "held_at", "held_reason", "resolved_at", "resolved_by"}
)  # fmt: skip

#: What withdrawing a letter erases (letters/services.py::ERASED_ON_WITHDRAWAL).
LETTER_ERASED: tuple[tuple[tuple[str, ...], LazyString], ...] = (
    (("body", "ready_text_id"), _l("your letter")),
    (("writer_name", "show_name"), _l("your name and your consent to show it")),
    (("city", "country"), _l("your city and country")),
    (("email", "email_normalized"), _l("your email address")),
    (("tell_writer",), _l("whether you asked to be told what happens to it")),
)


@dataclass(frozen=True)
class PrivacyFacts:
    """What the privacy page states, each read from where the code decides it."""

    organization: str
    contact_email: str
    kept: tuple[Kept, ...]
    limits: list[RetentionLimit]
    #: What withdrawal erases, one entry per thing a signer would name.
    erased: list[LazyString]
    #: Fewest signers of one country before its count is public (PUBLIC_COUNTRY_MIN).
    public_country_min: int
    session_cookie: str
    #: What a letter keeps about its writer, and what withdrawing it erases.
    letter_kept: tuple[Kept, ...] = LETTER_KEPT
    letter_erased: tuple[LazyString, ...] = ()


def erased_on_withdrawal() -> list[LazyString]:
    """Name what withdrawing a signature erases: each thing whose columns it all erases."""
    return [label for columns, label in ERASED if set(columns) <= set(ERASED_ON_WITHDRAWAL)]


def privacy_facts() -> PrivacyFacts:
    """Gather what the privacy page states, in the current language."""
    config = current_app.config
    return PrivacyFacts(
        organization=organization_name(),
        contact_email=str(config["CONTACT_EMAIL"]),
        kept=KEPT,
        limits=retention_limits(),
        erased=erased_on_withdrawal(),
        public_country_min=int(config["PUBLIC_COUNTRY_MIN"]),
        session_cookie=str(config["SESSION_COOKIE_NAME"]),
        letter_erased=tuple(
            label
            for columns, label in LETTER_ERASED
            if set(columns) <= set(LETTER_ERASED_ON_WITHDRAWAL)
        ),
    )


@dataclass(frozen=True)
class Organization:
    """Who runs the service and how to reach them (the about and contact pages)."""

    name: str
    address: list[str]
    website: str
    contact_email: str
    security_email: str
    source_url: str


def organization() -> Organization:
    """Return who runs the service, as the settings name it."""
    config = current_app.config
    return Organization(
        name=organization_name(),
        address=organization_address(),
        website=str(config["ORGANIZATION_URL"]),
        contact_email=str(config["CONTACT_EMAIL"]),
        security_email=str(config["SECURITY_EMAIL"]),
        source_url=str(config["SOURCE_URL"]),
    )
