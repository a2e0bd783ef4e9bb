"""The embedded sign form (no session, so no CSRF cookie) and the organizer's partner form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired

from petitions.forms import Form, required
from petitions.signing.forms import SignForm


class EmbedSignForm(SignForm):
    class Meta:
        # Defended by the signed ticket and the Origin check instead: a third-party iframe has
        # no session cookie to bind a CSRF token to.
        csrf = False

    #: The site form's ticket field is named for its page; the embed's has always been "ticket".
    csrf_token = None  # type: ignore[assignment]
    ticket = HiddenField()
    #: A honeypot: hidden from people (and from screen readers), filled in by simple bots.
    website = StringField(_l("Leave this field empty"))


class PartnerForm(Form):
    name = required(StringField, _l("Partner's name"), _l("Please enter the partner's name."), 200)
    code = required(StringField, _l("Code"), _l("Please give the partner a short code."), 40)
    origins = TextAreaField(
        _l("Sites allowed to embed the form (one origin per line)"),
        validators=[DataRequired(_l("Please give at least one origin, like https://amnesty.nl."))],
    )
