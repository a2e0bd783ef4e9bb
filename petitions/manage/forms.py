"""The invalidations page's form: a rule, as an organizer writes it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, StringField
from wtforms.validators import Length, Optional

from petitions.forms import Form
from petitions.i18n import COUNTRY_CODES
from petitions.signing.rules import Rule


class InvalidationForm(Form):
    """Which signatures to remove: every criterion given must match."""

    ip_range = StringField(_l("IP address or range"), validators=[Optional(), Length(max=50)])
    client_group = HiddenField()
    domain = StringField(_l("Email domain"), validators=[Optional(), Length(max=255)])
    name_pattern = StringField(_l("Name pattern"), validators=[Optional(), Length(max=120)])
    country = StringField(_l("Country code"), validators=[Optional(), Length(min=2, max=2)])
    signed_from = DateTimeLocalField(
        _l("Signed from (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    signed_until = DateTimeLocalField(
        _l("Signed before (UTC)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    source = StringField(_l("Source code"), validators=[Optional(), Length(max=40)])

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate():
            return False
        country = str(self.country.data or "").strip().upper()
        if country and country not in COUNTRY_CODES:
            self.country.errors = [_l("Give a two-letter country code such as BY or VA.")]
            return False
        return True

    def rule(self) -> Rule:
        """The rule the form names (check it with Rule.check)."""

        def text(value: object) -> str | None:
            return str(value).strip() or None if value else None

        country, domain = text(self.country.data), text(self.domain.data)
        return Rule(
            ip_range=text(self.ip_range.data),
            client_group=text(self.client_group.data),
            domain=domain.lower() if domain else None,
            name_pattern=text(self.name_pattern.data),
            country=country.upper() if country else None,
            signed_from=self.signed_from.data,
            signed_until=self.signed_until.data,
            source=text(self.source.data),
        )
