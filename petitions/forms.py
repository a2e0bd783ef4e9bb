"""The base of every form: Flask-WTF's, with WTForms' own messages translated once per process.

Flask-WTF reads WTForms' message catalog from disk on every request that builds a form (it caches
per request only); on the sign form that was a tenth of the request's time.
"""

from __future__ import annotations

import functools
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


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
