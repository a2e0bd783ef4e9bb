"""The organizer login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo

from petitions.forms import Form, required


# No field here strips its input (filters=()): a space may be part of a password, and the
# accounts service trims and lower-cases the address itself.
class LoginForm(Form):
    email = required(
        EmailField, _l("Email"), _l("Please enter your email address."), 320, filters=()
    )
    password = required(
        PasswordField, _l("Password"), _l("Please enter your password."), 500, filters=()
    )


class PasswordChangeForm(Form):
    current_password = required(
        PasswordField,
        _l("Current password"),
        _l("Please enter your current password."),
        500,
        filters=(),
    )
    new_password = required(
        PasswordField, _l("New password"), _l("Please enter a new password."), 500, filters=()
    )
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Please enter the new password a second time.")),
            EqualTo("new_password", _l("The two new passwords differ. Please type them again.")),
        ],
    )
