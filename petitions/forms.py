"""The base of every form and the field helpers the areas declare their text fields with.

The base is Flask-WTF's form, with WTForms' own messages translated once per process: Flask-WTF
reads WTForms' message catalog from disk on every request that builds a form (it caches per
request only); on the sign form that was a tenth of the request's time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length

_F = TypeVar("_F", bound=Field)


@functools.cache
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _CachedTranslations:
    def gettext(self, string: str) -> str:
        return str(_wtforms_catalog(str(get_locale() or "en")).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalog(str(get_locale() or "en")).ungettext(singular, plural, n))


_translations = _CachedTranslations()


def strip_whitespace(value: Any) -> Any:
    """Form filter: drop surrounding whitespace from text input."""
    return value.strip() if isinstance(value, str) else value


def required(
    field_class: type[_F],
    label: Any,
    message: Any,
    max_length: int,
    *more_validators: Any,
    too_long: Any = None,
    filters: Sequence[Callable[[Any], Any]] = (strip_whitespace,),
    **kwargs: Any,
) -> _F:
    """Declare a text field that must be filled in and holds at most ``max_length`` characters.

    Nearly every text field of the site is this one shape; one call keeps each declaration to
    its label, its words and its limit. The labels and messages stay ``_l("...")`` literals in
    the area's own ``forms.py``, where Babel extracts them.

    :param field_class: ``StringField``, ``TextAreaField``, ``EmailField``, a ``LineField``…
    :param message: shown when the field is empty (``DataRequired``).
    :param more_validators: run after the two checks, in this order.
    :param too_long: the message of the ``Length`` check; WTForms' own (translated) if None.
    :param filters: what tidies the input first: surrounding whitespace goes. Pass ``()`` for
        what must be taken exactly as typed: a password (a space may be part of it).
    :param kwargs: the field's other arguments (``render_kw``, ``description``…).
    """
    return field_class(
        label,
        filters=list(filters),
        validators=[
            DataRequired(message),
            Length(max=max_length, message=too_long),
            *more_validators,
        ],
        **kwargs,
    )


def optional(
    field_class: type[_F],
    label: Any,
    max_length: int,
    *more_validators: Any,
    too_long: Any = None,
    filters: Sequence[Callable[[Any], Any]] = (strip_whitespace,),
    **kwargs: Any,
) -> _F:
    """Declare a text field that may stay empty and holds at most ``max_length`` characters.

    Only the length is checked (an empty value passes it); WTForms' ``Optional`` validator is
    not added, so a field that wants it (to skip its other checks when empty) says so itself.
    The parameters are those of :func:`required`.
    """
    return field_class(
        label,
        filters=list(filters),
        validators=[Length(max=max_length, message=too_long), *more_validators],
        **kwargs,
    )


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> _CachedTranslations:
            return _translations

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate the fields, and refuse a NUL byte in any of them next to its field.

        PostgreSQL cannot store or compare text holding NUL (a query with one is a 500), so no
        form may hand one on; forms with their own character rules say it in their words first.
        """
        valid = bool(super().validate(extra_validators=extra_validators))
        for field in self:
            raw = getattr(field, "raw_data", None) or []
            if not field.errors and any(isinstance(v, str) and "\x00" in v for v in raw):
                field.errors = [
                    *field.errors,
                    _l(
                        "This field holds an invisible control character. Please retype it "
                        "and send the form again."
                    ),
                ]
                valid = False
        return valid
