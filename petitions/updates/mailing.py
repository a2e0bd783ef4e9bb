"""An update's mail, built by the outbox worker from its recipient row when it is sent.

Each carries the one-click unsubscribe of RFC 8058 (List-Unsubscribe with its -Post header,
mail/sender.py sets both from the Mail's unsubscribe_url) and the same link in its body, plus a
link to the signer's preferences. No mailto: is offered: nobody reads the service's mailbox to
act on one, and a link that does nothing is worse than none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from petitions.accounts.models import Organizer
from petitions.cases import translations
from petitions.extensions import db
from petitions.links import absolute_url
from petitions.mail import messages
from petitions.mail.messages import Mail, NotSendable
from petitions.signing.consent import UpdateConsent
from petitions.signing.consent import standing as consent_standing
from petitions.signing.models import Signature, SignatureState
from petitions.tokens import holdings_token, updates_token
from petitions.updates.models import Update, UpdateRecipient
from petitions.updates.services import UPDATE_KIND

#: The token a test mail's links carry: it names nobody, so its pages say the link is not valid.
TEST_TOKEN = "test"  # noqa: S105 - a placeholder in a URL, no secret


def paragraphs(body: str) -> list[str]:
    """Split an update's plain text into paragraphs (blank lines between them)."""
    return [part.strip() for part in body.replace("\r\n", "\n").split("\n\n") if part.strip()]


def compose(
    update: Update, locale: str, recipient: str, token: str, signature_id: int | None = None
) -> Mail:
    """Render an update's mail in ``locale`` (its text there, or the original).

    ``signature_id``: the signature the mail goes out for, which its "what do you hold about
    me" link names; None for an organizer's test mail, whose link (as its others) names nobody.
    """
    text = update.text_for(locale)
    with force_locale(locale):
        unsubscribe_url = absolute_url("updates.unsubscribe", lang=locale, token=token)
        preferences_url = absolute_url("updates.preferences", lang=locale, token=token)
        holdings = holdings_token(signature_id) if signature_id is not None else TEST_TOKEN
        holdings_url = absolute_url("retention.holdings", lang=locale, token=holdings)
        about = (
            translations.text(update.petition, "title")
            if update.petition is not None
            else translations.text(update.case, "prisoner_name")
        )
        return messages.render(
            UPDATE_KIND,
            recipient,
            text.subject,
            unsubscribe_url,
            # Not counted against MAIL_PER_ADDRESS_LIMIT: an organizer's update goes once to
            # each address, and held back it would be lost, not delayed.
            None,
            update=update,
            text=text,
            paragraphs=paragraphs(text.body),
            about=about,
            locale=locale,
            stop_url=unsubscribe_url,
            preferences_url=preferences_url,
            holdings_url=holdings_url,
        )


def _prepare(recipient_ids: Sequence[int | None]) -> list[Callable[[], Mail]]:
    wanted = {each for each in recipient_ids if each is not None}
    found = (
        {
            recipient.id: recipient
            for recipient in db.session.execute(
                select(UpdateRecipient)
                .where(UpdateRecipient.id.in_(wanted))
                .options(selectinload(UpdateRecipient.update).selectinload(Update.texts))
                .execution_options(populate_existing=True)
            ).scalars()
        }
        if wanted
        else {}
    )
    return [_composer(found.get(each) if each is not None else None) for each in recipient_ids]


def _composer(recipient: UpdateRecipient | None) -> Callable[[], Mail]:
    def build() -> Mail:
        if recipient is None:
            raise NotSendable("the recipient was erased")
        update = recipient.update
        if recipient.organizer_id is not None:
            organizer = db.session.get(Organizer, recipient.organizer_id)
            if organizer is None:
                raise NotSendable("the organizer's account is gone")
            return compose(update, recipient.locale, organizer.email, TEST_TOKEN)
        signature = db.session.get(Signature, recipient.signature_id)
        if signature is None or signature.email is None:
            raise NotSendable("the signature was erased")
        # Read at send time: an unsubscribe (or withdrawal) since the mail was queued stops it.
        standing = db.session.execute(
            select(UpdateConsent.id).where(
                UpdateConsent.signature_id == signature.id,
                consent_standing(),
            )
        ).first()
        if standing is None or signature.state is not SignatureState.CONFIRMED:
            raise NotSendable("the signer no longer wants updates")
        token = updates_token(signature.id, update.case_id)
        return compose(update, recipient.locale, signature.email, token, signature.id)

    return build


def register_mails(state: BlueprintSetupState) -> None:
    """Register the update mail with the outbox of the app the updates blueprint joins."""
    messages.register(state.app, UPDATE_KIND, _prepare)
