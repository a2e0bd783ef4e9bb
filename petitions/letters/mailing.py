"""The letter writer's mail: a confirmation link, and the withdraw link that erases the letter.

Registered with the outbox (mail/messages.py) when the letters blueprint joins the app; the
outbox row names the letter, and the mail is rendered at send time in the writer's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import current_app
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from petitions.cases import translations
from petitions.extensions import db
from petitions.letters.holding import RELEASED_KIND, REROUTED_KIND
from petitions.letters.models import Letter, LetterState
from petitions.letters.services import CONFIRMATION_KIND
from petitions.links import absolute_url
from petitions.mail import messages
from petitions.mail.messages import Mail, NotSendable, unlinkable
from petitions.tokens import holdings_token, letter_confirm_token, letter_withdraw_token


def _holdings_url(letter: Letter) -> str:
    """The link asking what the service holds about the writer's address (every mail has it)."""
    return absolute_url(
        "retention.holdings", token=holdings_token(letter_id=letter.id), lang=letter.locale
    )


def _confirmation(letter: Letter) -> Mail:
    """The mail whose link confirms a letter (and whose other link withdraws it)."""
    assert letter.email is not None
    name = translations.text(letter.case, "prisoner_name")
    withdraw_url = absolute_url(
        "letters.withdraw", token=letter_withdraw_token(letter.id), lang=letter.locale
    )
    return messages.render(
        CONFIRMATION_KIND,
        letter.email,
        _("Please confirm your letter to %(name)s", name=name),
        withdraw_url,
        letter.email_normalized,
        holdings_url=_holdings_url(letter),
        letter=letter,
        prisoner=name,
        written_as=unlinkable(letter.writer_name),
        confirm_url=absolute_url(
            "letters.confirm", token=letter_confirm_token(letter.id), lang=letter.locale
        ),
        withdraw_url=withdraw_url,
        max_age_days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def _after_hold(kind: str, letter: Letter) -> Mail:
    """The mail telling a writer who asked that their held letter was re-routed or released."""
    assert letter.email is not None
    name = translations.text(letter.case, "prisoner_name")
    withdraw_url = absolute_url(
        "letters.withdraw", token=letter_withdraw_token(letter.id), lang=letter.locale
    )
    subject = (
        _("Your letter to %(name)s will be sent to the new address", name=name)
        if kind == REROUTED_KIND
        else _("Your letter to %(name)s will not be sent", name=name)
    )
    return messages.render(
        kind,
        letter.email,
        subject,
        withdraw_url,
        letter.email_normalized,
        holdings_url=_holdings_url(letter),
        letter=letter,
        prisoner=name,
        written_as=unlinkable(letter.writer_name),
        withdraw_url=withdraw_url,
    )


def _prepare(letter_ids: Sequence[int | None]) -> list[Callable[[], Mail]]:
    """Read the rows' letters as they are now (a withdrawal may have erased one), in one query."""
    wanted = {each for each in letter_ids if each is not None}
    found = (
        {
            letter.id: letter
            for letter in db.session.execute(
                select(Letter)
                .where(Letter.id.in_(wanted))
                .execution_options(populate_existing=True)
            ).scalars()
        }
        if wanted
        else {}
    )
    return [_composer(found.get(each) if each is not None else None) for each in letter_ids]


def _prepare_after_hold(kind: str) -> Callable[[Sequence[int | None]], list[Callable[[], Mail]]]:
    wanted_state = LetterState.APPROVED if kind == REROUTED_KIND else LetterState.RELEASED

    def prepare(letter_ids: Sequence[int | None]) -> list[Callable[[], Mail]]:
        found = {
            letter.id: letter
            for letter in db.session.execute(
                select(Letter)
                .where(Letter.id.in_({each for each in letter_ids if each is not None}))
                .execution_options(populate_existing=True)
            ).scalars()
        }

        def composer(letter: Letter | None) -> Callable[[], Mail]:
            def build() -> Mail:
                if letter is None or letter.email is None or letter.resolved_at is None:
                    raise NotSendable("the letter was erased or never held")
                if kind == RELEASED_KIND and letter.state is not wanted_state:
                    raise NotSendable("the letter is no longer released")
                with force_locale(letter.locale):
                    return _after_hold(kind, letter)

            return build

        return [composer(found.get(each) if each is not None else None) for each in letter_ids]

    return prepare


def _composer(letter: Letter | None) -> Callable[[], Mail]:
    def build() -> Mail:
        if letter is None or letter.email is None or letter.state is not LetterState.PENDING:
            raise NotSendable("the letter was erased or confirmed already")
        with force_locale(letter.locale):
            return _confirmation(letter)

    return build


def register_mails(state: BlueprintSetupState) -> None:
    """Register the writers' mail with the outbox of the app the letters blueprint joins."""
    messages.register(state.app, CONFIRMATION_KIND, _prepare)
    for kind in (REROUTED_KIND, RELEASED_KIND):
        messages.register(state.app, kind, _prepare_after_hold(kind))
