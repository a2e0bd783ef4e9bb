"""The forms of updates: an organizer's text and schedule, a signer's choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from petitions.forms import Form
from petitions.i18n import language_choices


class UpdateTextForm(Form):
    """An update in one language: the original when writing it, or a translation."""

    locale = SelectField(_l("Language"), choices=language_choices)
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(_l("Please write a subject.")),
            Length(max=200, message=_l("Please shorten the subject to 200 characters.")),
        ],
    )
    body = TextAreaField(
        _l("Text"),
        description=_l("Plain text; a blank line starts a new paragraph."),
        validators=[
            DataRequired(_l("Please write the update.")),
            Length(max=20000, message=_l("Please shorten the update to 20,000 characters.")),
        ],
    )

    def validate(self, extra_validators: object = None) -> bool:
        ok = super().validate()
        subject = str(self.subject.data or "")
        if "\n" in subject or "\r" in subject:
            self.subject.errors = [_l("Please write the subject on one line.")]
            return False
        return ok


class ScheduleForm(Form):
    """When an update goes out; empty: now."""

    send_at = DateTimeLocalField(
        _l("Send at (UTC)"),
        format="%Y-%m-%dT%H:%M",
        description=_l("Leave empty to send now."),
        validators=[Optional()],
    )


class PreferenceForm(Form):
    """A signer's choice on the preferences page."""

    choice = HiddenField(validators=[AnyOf(["stop", "start"])])
