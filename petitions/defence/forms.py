"""The review queue's buttons: which quarantined signatures a decision is on."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from petitions.defence.reasons import SetAsideReason

REASON_CODES = frozenset(reason.value for reason in SetAsideReason)


class ReviewForm(FlaskForm):
    """One group of the queue (a reason, a domain or a country), or all of it.

    Each button of the page is one of these with its group in hidden fields, so what a press
    decides on is exactly the group the organizer read beside it.
    """

    reason = HiddenField()
    domain = HiddenField()
    country = HiddenField()
    everything = BooleanField()

    def validate(self, extra_validators: object = None) -> bool:
        if not super().validate():
            return False
        given = [bool(self.reason.data), bool(self.domain.data), bool(self.country.data)]
        if sum(given) + bool(self.everything.data) != 1:
            return False
        if self.reason.data and self.reason.data not in REASON_CODES:
            return False
        return len(str(self.domain.data or "")) <= 255 and len(str(self.country.data or "")) <= 2
