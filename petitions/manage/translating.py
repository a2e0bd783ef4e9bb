"""Organizers translate what they wrote: a petition, or a case with its timeline, per language.

Each page shows every translatable field's original beside its translation, says which
translations are missing or out of date since the original changed, and saves them all at once
(the services are cases/translations.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import Length

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases import translations
from petitions.cases.access import case_or_404, petition_or_404
from petitions.cases.translations import Content
from petitions.extensions import db
from petitions.forms import Form
from petitions.i18n import language_choices, language_name

bp = organizers_only(Blueprint("translations", __name__, url_prefix="/organizer"))

#: Each field's label, as the organizer's forms name it.
LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Text (Markdown)"),
    "addressee": _l("Addressed to"),
    "prisoner_name": _l("Prisoner's name"),
    "detention_place": _l("Place of detention"),
    "sentence": _l("Sentence"),
    "bio": _l("Story"),
    "text": _l("Text"),
    "portrait_alt": _l("Description of the portrait (alt text)"),
    "photo_alt": _l("Description of the photo (alt text)"),
    "place": _l("Place of detention"),
    "note": _l("Note"),
    "rules": _l("Rules every writer reads"),
    "name": _l("Holiday"),
}
_LONG = {"body", "bio", "text"}


def _name(content: Content, field: str) -> str:
    subject, subject_id = translations.subject_of(content)
    return f"{subject}-{subject_id}-{field}"


def _form_for(contents: list[Content], language: str) -> tuple[Form, list[Any]]:
    """A form with one field per translatable field of the contents, filled with the saved
    translations; and, per content, its fields as the page lists them."""
    attributes: dict[str, Field] = {}
    listed = []
    for content in contents:
        fields = translations.translations_of(content, language)
        for each in fields:
            limit = translations.MAX_LENGTH[each.field] or 20000
            kind = TextAreaField if each.field in _LONG else StringField
            attributes[_name(content, each.field)] = kind(
                LABELS[each.field], default=each.translated, validators=[Length(max=limit)]
            )
        listed.append((content, fields))
    form_class = type("TranslationForm", (Form,), attributes)
    return form_class(), listed


def page(
    kind: str, owner: Content, contents: list[Content], language: str, back: str
) -> ResponseReturnValue:
    """Show and save the translation of ``contents`` (``owner``'s first) into ``language``.

    Only the contents written in another language than ``language`` are listed: each original
    is edited on its own form. A content may be written in another language than its owner
    (a case's ready texts, in the languages its letters take), so a page into the owner's own
    language may still list some; with none to list it is a 404.
    """
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    contents = [each for each in contents if translations.original_language(each) != language]
    if not contents:
        abort(404)
    form, listed = _form_for(contents, language)
    if form.is_submitted():
        if form.validate():
            by = current_organizer().email
            changed = 0
            for content, fields in listed:
                values = {
                    each.field: form[_name(content, each.field)].data
                    for each in fields
                    if each.original
                }
                changed += translations.save(content, language, values, by)
            db.session.commit()
            flash(
                ngettext(
                    "The translation was saved (%(num)s field changed).",
                    "The translation was saved (%(num)s fields changed).",
                    changed,
                )
            )
            return redirect(back, 303)
        status = 422
    else:
        status = 200
    return render_template(
        "manage/translation.html",
        kind=kind,
        owner=owner,
        form=form,
        listed=listed,
        language=language,
        language_name=dict(language_choices())[language],
        # language_name names the target language (over the global of that name); name_of others:
        name_of=language_name,
        original_of=translations.original_language,
        field_name=_name,
        labels=LABELS,
        back=back,
    ), status


@bp.route("/petitions/<slug>/translations/<language>", methods=["GET", "POST"])
def petition(slug: str, language: str) -> ResponseReturnValue:
    """Translate a petition's title, summary, text and addressee into one language."""
    found = petition_or_404(slug)
    back = url_for("manage.petition", slug=slug)
    return page("petition", found, [found], language, back)


@bp.route("/cases/<slug>/translations/<language>", methods=["GET", "POST"])
def case(slug: str, language: str) -> ResponseReturnValue:
    """Translate a case (name as spelled in that language, place, sentence, story, portrait's
    description), its periods of detention and its timeline into one language."""
    found = case_or_404(slug)
    back = url_for("manage.case", slug=slug)
    return page("case", found, [found, *found.detentions, *found.timeline], language, back)
