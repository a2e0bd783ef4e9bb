"""The organizers' forms for printed letters: a batch, a delivery's outcome, a reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from petitions.clock import utcnow
from petitions.forms import Form, required
from petitions.letters.models import Channel, Consent, Outcome, PaperSize


def _not_in_the_future(_form: Any, field: Any) -> None:
    if isinstance(field.data, dt.date) and field.data > utcnow().date() + dt.timedelta(days=1):
        raise ValidationError(_l("Please enter a day that has come: not one in the future."))


class BatchForm(Form):
    size = RadioField(
        _l("Paper size"),
        choices=lambda: [(PaperSize.A4.value, "A4"), (PaperSize.A5.value, "A5")],
        default=PaperSize.A4.value,
        validators=[InputRequired(_l("Please choose A4 or A5."))],
    )


class DeliveryForm(Form):
    #: Its choices are the case's batches (set by the page); another case's batch is a 404.
    batch = SelectField(
        _l("Batch"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(_l("Please choose the batch."))],
    )
    channel = SelectField(
        _l("How it went"),
        choices=lambda: [
            (Channel.POST.value, _l("By post to the place of detention")),
            (Channel.FAMILY.value, _l("Through the family")),
            (Channel.LAWYER.value, _l("Through the lawyer")),
            (Channel.HELD.value, _l("Kept until release")),
        ],
        validators=[InputRequired(_l("Please choose how the letters went."))],
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=lambda: [
            (Outcome.SENT.value, _l("Sent")),
            (Outcome.DELIVERED.value, _l("Delivered")),
            (Outcome.REFUSED.value, _l("Refused")),
            (Outcome.RETURNED.value, _l("Returned")),
            (Outcome.REPLY_RECEIVED.value, _l("Reply received")),
        ],
        validators=[InputRequired(_l("Please choose the outcome."))],
    )
    happened_on = DateField(
        _l("Day"),
        validators=[InputRequired(_l("Please enter the day.")), _not_in_the_future],
    )


def _consent_choices() -> list[tuple[str, Any]]:
    return [
        (Consent.NONE.value, _l("Not yet: keep it unpublished")),
        (Consent.PRISONER.value, _l("The prisoner agreed to publish it")),
        (Consent.FAMILY.value, _l("The family agreed to publish it")),
    ]


class ReplyForm(Form):
    text = required(
        TextAreaField,
        _l("The reply"),
        _l("Please enter the reply's text."),
        10000,
        too_long=_l("Please shorten the reply to 10000 characters."),
    )
    received_on = DateField(
        _l("Received on"),
        validators=[InputRequired(_l("Please enter the day.")), _not_in_the_future],
    )
    consent = RadioField(
        _l("Consent to publish it on the case page"),
        choices=_consent_choices,
        default=Consent.NONE.value,
        validators=[InputRequired(_l("Please say whether it may be published."))],
    )


class ConsentForm(Form):
    consent = RadioField(
        _l("Consent to publish it on the case page"),
        choices=_consent_choices,
        validators=[InputRequired(_l("Please say whether it may be published."))],
    )
