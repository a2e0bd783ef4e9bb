"""The review queue's forms: which quarantined signatures a decision is on; allowances; the
rules of mail domains."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from petitions.defence.evidence import parse_group
from petitions.defence.reasons import SetAsideReason
from petitions.defence.services import MAX_ALLOW_HOURS
from petitions.forms import Form

REASON_CODES = frozenset(reason.value for reason in SetAsideReason)


class ReviewForm(Form):
    """One group of the queue (a reason, a domain or a country), or all of it.

    Each button of the page is one of these with its group in hidden fields, so what a press
    decides on is exactly the group the organizer read beside it.
    """

    reason = HiddenField()
    domain = HiddenField()
    country = HiddenField()
    #: A connection group, "<key id>:<group hash>".
    group = HiddenField()
    #: The hour (UTC, ``YYYY-MM-DDTHH:00``) the signatures were made in.
    hour = HiddenField()
    everything = BooleanField()

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate():
            return False
        groups = (
            self.reason.data,
            self.domain.data,
            self.country.data,
            self.group.data,
            self.hour.data,
        )
        if sum(map(bool, groups)) + bool(self.everything.data) != 1:
            return False
        if self.reason.data and self.reason.data not in REASON_CODES:
            return False
        if self.hour.data and self.starting_hour() is None:
            return False
        if self.group.data and parse_group(str(self.group.data)) is None:
            return False
        return len(str(self.domain.data or "")) <= 255 and len(str(self.country.data or "")) <= 2

    def starting_hour(self) -> dt.datetime | None:
        """The hour the button is for, or None if none (or not one)."""
        try:
            hour = dt.datetime.strptime(str(self.hour.data or ""), "%Y-%m-%dT%H:00")
        except ValueError:
            return None
        return hour


class AllowForm(Form):
    """Let one connection (a street stall's) sign past the per-client limits for some hours."""

    network = StringField(_l("IP address or network"), validators=[DataRequired(), Length(max=50)])
    hours = IntegerField(
        _l("For how many hours"),
        default=24,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ALLOW_HOURS)],
    )
    note = StringField(_l("What it is for"), validators=[Length(max=200)])


def _tag_choices() -> list[tuple[str, Any]]:
    """The tag separators as the form offers them ("none": the whole local part is the mailbox)."""
    return [
        ("+", _l("+ (me+news@ reaches me@)")),
        ("-", _l("- (me-news@ reaches me@)")),
        ("none", _l("none: + and - are part of the mailbox")),
    ]


class EmailRuleForm(Form):
    """Set how one mail domain spells a mailbox (admins only)."""

    domain = StringField(_l("Mail domain"), validators=[DataRequired(), Length(max=253)])
    ignore_dots = BooleanField(_l("Dots do not matter (a.b@ reaches ab@)"))
    tag_separator = SelectField(_l("Tags start with"), choices=_tag_choices, default="+")
    alias_of = StringField(_l("Same mailboxes as (alias of)"), validators=[Length(max=253)])
    note = StringField(_l("Why"), validators=[Length(max=200)])
