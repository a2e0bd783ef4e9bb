"""What the service holds about an address, mailed to that address when its owner asks.

Every mail carries a link (templates/mail/_holdings.*) whose token names the signature or
letter the mail was about, never the address (tokens.HOLDINGS). Its page shows no personal
data, since a forwarded mail would hand it to whoever opened it; the button queues a mail to
the address of that signature or letter, and the mail, built when the worker sends it, lists
everything kept under the same address: signatures on every petition with their fields,
letters, and an organizer account if one uses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from petitions.accounts.models import Organizer
from petitions.cases import translations
from petitions.extensions import db
from petitions.i18n import country_name
from petitions.letters.models import Letter
from petitions.links import absolute_url
from petitions.mail import messages
from petitions.mail.messages import Mail, NotSendable, unlinkable
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.paper import services as paper
from petitions.paper.models import PaperRow
from petitions.signing.consent import consent_of
from petitions.signing.models import Signature, SignatureState
from petitions.tokens import holdings_token, letter_withdraw_token, withdraw_token

#: The mail to a signer (its outbox row names the signature) and to a letter writer (the letter).
FOR_SIGNER = "holdings_for_signer"
FOR_WRITER = "holdings_for_writer"


@dataclass(frozen=True)
class Holdings:
    """Everything kept under one address."""

    email: str
    locale: str
    signatures: list[Signature] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    organizer: Organizer | None = None


def _source(kind: str, source_id: int) -> Signature | Letter | None:
    model: Any = Signature if kind == "s" else Letter
    found: Signature | Letter | None = db.session.get(model, source_id, populate_existing=True)
    return found if found is not None and found.email is not None else None


def holds_anything(kind: str, source_id: int) -> bool:
    """Tell whether the signature or letter a link names still keeps an address to write to."""
    return _source(kind, source_id) is not None


def request_mail(kind: str, source_id: int) -> bool:
    """Queue the holdings mail to the address of the signature (``s``) or letter (``l``).

    One such mail waits in the outbox at a time per signature or letter: a second press
    before it went out queues nothing more.

    :returns: False if that signature or letter keeps no address any more (nothing is held).
    """
    found = _source(kind, source_id)
    if found is None:
        db.session.rollback()
        return False
    column = OutboxMessage.signature_id if kind == "s" else OutboxMessage.letter_id
    mail_kind = FOR_SIGNER if kind == "s" else FOR_WRITER
    waiting = db.session.execute(
        select(OutboxMessage.id).where(
            column == source_id,
            OutboxMessage.kind == mail_kind,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).first()
    if waiting is None:
        if kind == "s":
            messages.queue(mail_kind, source_id)
        else:
            messages.queue(mail_kind, None, letter_id=source_id)
    db.session.commit()
    return True


def holdings_of(source: Signature | Letter) -> Holdings:
    """Collect what is kept under the address of this signature or letter."""
    assert source.email is not None
    normalized = source.email_normalized or source.email
    # A paper signature keeps the address written on its sheet in its row, not in signatures.
    on_paper = select(PaperRow.signature_id).where(PaperRow.email_normalized == normalized)
    signatures = db.session.execute(
        select(Signature)
        .where(or_(Signature.email_normalized == normalized, Signature.id.in_(on_paper)))
        .order_by(Signature.created_at, Signature.id)
    ).scalars()
    letters = db.session.execute(
        select(Letter)
        .where(Letter.email_normalized == normalized)
        .order_by(Letter.created_at, Letter.id)
    ).scalars()
    organizer = db.session.execute(
        select(Organizer).where(Organizer.email == source.email.strip().lower())
    ).scalar_one_or_none()
    return Holdings(source.email, source.locale, list(signatures), list(letters), organizer)


#: A signature's state as its owner reads it.
SIGNATURE_STATES = {
    SignatureState.PENDING: _l("not confirmed"),
    SignatureState.CONFIRMED: _l("confirmed and counted"),
    SignatureState.QUARANTINED: _l("confirmed, waiting for the organizers' review"),
    SignatureState.INVALIDATED: _l("set aside by the organizers, not counted"),
    SignatureState.WITHDRAWN: _l("withdrawn"),
}


def _when(moment: dt.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "—"


def _news(signature: Signature) -> str:
    """The signer's consent to updates as they read it: when given, when taken back."""
    consent = consent_of(signature.id)
    if consent is None or consent.given_at is None:
        return str(_("not asked for"))
    if consent.withdrawn_at is not None:
        return str(
            _(
                "asked for on %(given)s, stopped on %(stopped)s",
                given=_when(consent.given_at),
                stopped=_when(consent.withdrawn_at),
            )
        )
    return str(_("asked for on %(given)s", given=_when(consent.given_at)))


def _signature_rows(signature: Signature, email: str) -> list[tuple[str, str]]:
    yes, no = _("yes"), _("no")
    sheet = paper.paper_of([signature.id]).get(signature.id)
    return [
        (_("Petition"), translations.text(signature.petition, "title")),
        (_("State"), str(SIGNATURE_STATES[signature.state])),
        (
            _("Signed"),
            _("on paper, sheet %(number)s, line %(line)s", number=sheet[0], line=sheet[1])
            if sheet
            else _("online"),
        ),
        (_("Name"), unlinkable(signature.full_name)),
        (_("Email address"), signature.email or (email if sheet else "")),
        (_("News of this petition by email"), _news(signature)),
        (_("City"), unlinkable(signature.city)),
        (_("Country"), country_name(signature.country)),
        (_("Comment"), unlinkable(signature.comment or "")),
        (_("Name shown on public pages"), yes if signature.show_name_publicly else no),
        (_("Named in the delivered bundle"), yes if signature.name_in_bundle else no),
        (_("The organizers may email you"), yes if signature.may_contact else no),
        (_("Language"), signature.locale),
        (_("Came from"), signature.source or "—"),
        (_("Evidence of the connection kept"), yes if signature.client_hash else no),
        (_("Mails sent about it"), str(signature.mails_sent)),
        (_("Signed on"), _when(signature.created_at)),
        (_("Confirmed"), _when(signature.confirmed_at)),
    ]


def _letter_rows(letter: Letter) -> list[tuple[str, str]]:
    yes, no = _("yes"), _("no")
    return [
        (_("Letter to"), translations.text(letter.case, "prisoner_name")),
        (_("Number"), str(letter.number)),
        (_("State"), letter.state.value),
        (_("Signed with"), unlinkable(letter.writer_name)),
        (_("Email address"), letter.email or ""),
        (_("City"), unlinkable(letter.city)),
        (_("Country"), country_name(letter.country) if letter.country else "—"),
        (_("Name shown on the wall"), yes if letter.show_name else no),
        (_("Told if it is held"), yes if letter.tell_writer else no),
        (_("Language"), letter.language),
        (_("Written"), _when(letter.created_at)),
        (_("Confirmed"), _when(letter.confirmed_at)),
        (_("Text"), unlinkable(letter.body)),
    ]


def _mail(kind: str, source: Signature | Letter) -> Mail:
    holdings = holdings_of(source)
    if isinstance(source, Signature):
        withdraw = absolute_url(
            "signing.withdraw", token=withdraw_token(source.id), lang=source.locale
        )
        holdings_url = absolute_url(
            "retention.holdings", token=holdings_token(signature_id=source.id), lang=source.locale
        )
    else:
        withdraw = absolute_url(
            "letters.withdraw", token=letter_withdraw_token(source.id), lang=source.locale
        )
        holdings_url = absolute_url(
            "retention.holdings", token=holdings_token(letter_id=source.id), lang=source.locale
        )
    return messages.render(
        kind,
        holdings.email,
        _("What we hold about your email address"),
        withdraw,
        source.email_normalized,
        holdings_url=holdings_url,
        holdings=holdings,
        signatures=[_signature_rows(each, holdings.email) for each in holdings.signatures],
        letters=[_letter_rows(each) for each in holdings.letters],
        locale=source.locale,
        withdraw_url=withdraw,
        privacy_url=absolute_url("about.privacy", lang=source.locale),
    )


def _builder(kind: str) -> Callable[[Sequence[int | None]], list[Callable[[], Mail]]]:
    model: Any = Signature if kind == FOR_SIGNER else Letter

    def prepare(ids: Sequence[int | None]) -> list[Callable[[], Mail]]:
        wanted = {each for each in ids if each is not None}
        found = {
            row.id: row
            for row in db.session.execute(
                select(model).where(model.id.in_(wanted)).execution_options(populate_existing=True)
            ).scalars()
        }

        def composer(source: Signature | Letter | None) -> Callable[[], Mail]:
            def build() -> Mail:
                if source is None or source.email is None:
                    raise NotSendable("the signature or letter was erased")
                with force_locale(source.locale):
                    return _mail(kind, source)

            return build

        return [composer(found.get(each) if each is not None else None) for each in ids]

    return prepare


def register_mails(state: BlueprintSetupState) -> None:
    """Register the holdings mails with the outbox of the app the retention blueprint joins."""
    messages.register(state.app, FOR_SIGNER, _builder(FOR_SIGNER))
    messages.register(state.app, FOR_WRITER, _builder(FOR_WRITER))
