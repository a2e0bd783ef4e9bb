"""Organizers' pages for a case's letters: how it takes them, and the moderation queue.

Every page names the case in its URL and answers 404 for a case the organizer does not run;
a letter, ready text or holiday of another case is a 404 too (the services take only this
case's). The services are the letters area's; nothing here writes to the database itself.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from petitions.accounts.access import current_organizer, organizers_only
from petitions.cases import translations
from petitions.cases.access import case_or_404
from petitions.cases.models import Case
from petitions.cases.translations import Content
from petitions.forms import Form
from petitions.letters import holding, moderation, settings
from petitions.letters.forms import DecisionForm, HolidayForm, ReadyTextForm, SettingsForm
from petitions.letters.models import LetterSettings, Occasion
from petitions.manage import translating

bp = organizers_only(
    Blueprint("manage_letters", __name__, url_prefix="/organizer/cases/<slug>/letters")
)


def _settings_page(
    case: Case,
    form: SettingsForm,
    ready_form: ReadyTextForm | None = None,
    holiday_form: HolidayForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    found = settings.settings_of(case)
    ready = settings.ready_texts_of(case.id)
    holidays = settings.holidays_of(case.id)
    accepted = (found or settings.new_settings(case)).language_codes
    return (
        render_template(
            "manage/letters_settings.html",
            case=case,
            form=form,
            saved=found is not None,
            ready_texts=ready,
            holidays=holidays,
            ready_form=ready_form or ReadyTextForm(accepted, formdata=None, prefix="ready"),
            holiday_form=holiday_form or HolidayForm(formdata=None, prefix="holiday"),
            button=Form(formdata=None),
            languages=_translation_languages([found, *ready, *holidays] if found else []),
        ),
        status,
    )


def _translation_languages(contents: list[Content]) -> list[str]:
    """The languages something of the contents can be translated into: every language but
    that of the case (the rules' and holidays'), and that one too while a ready text is
    written in another."""
    written = {translations.original_language(each) for each in contents}
    return [code for code in current_app.config["LANGUAGES"] if written - {code}]


def _filled(current: LetterSettings) -> SettingsForm:
    """The settings form showing the settings as saved (or the defaults)."""
    data = {name: getattr(current, name) for name in settings.SETTINGS_FIELDS}
    data.update(languages=current.language_codes, channel=current.channel.value)
    return SettingsForm(formdata=None, data=data)


@bp.route("/settings", methods=["GET", "POST"])
def edit_settings(slug: str) -> ResponseReturnValue:
    """Set whether and how the case takes letters."""
    case = case_or_404(slug)
    current = settings.settings_of(case) or settings.new_settings(case)
    if request.method == "GET":
        return _settings_page(case, _filled(current))
    form = SettingsForm()
    if not form.validate():
        return _settings_page(case, form, status=422)
    settings.save_settings(case, form.values(), current_organizer().email)
    flash(_("The letter settings were saved."))
    return redirect(url_for("manage_letters.edit_settings", slug=slug), 303)


@bp.post("/ready-texts")
def add_ready_text(slug: str) -> ResponseReturnValue:
    """Add a ready text in one of the languages the case takes."""
    case = case_or_404(slug)
    current = settings.settings_of(case) or settings.new_settings(case)
    form = ReadyTextForm(current.language_codes, prefix="ready")
    if form.validate():
        occasion = Occasion(form.occasion.data) if form.occasion.data else None
        settings.add_ready_text(case, str(form.language.data), str(form.text.data), occasion)
        flash(_("The ready text was added."))
        return redirect(url_for("manage_letters.edit_settings", slug=slug), 303)
    return _settings_page(case, _filled(current), ready_form=form, status=422)


@bp.post("/ready-texts/<int:text_id>/delete")
def delete_ready_text(slug: str, text_id: int) -> ResponseReturnValue:
    """Remove one of the case's ready texts."""
    case = case_or_404(slug)
    if not Form().validate() or not settings.remove_ready_text(case, text_id):
        abort(404)
    flash(_("The ready text was removed."))
    return redirect(url_for("manage_letters.edit_settings", slug=slug), 303)


@bp.post("/holidays")
def add_holiday(slug: str) -> ResponseReturnValue:
    """Add a yearly holiday the case takes wishes for."""
    case = case_or_404(slug)
    form = HolidayForm(prefix="holiday")
    if form.validate() and form.day.data is not None:
        settings.add_holiday(case, str(form.name.data), form.day.data)
        flash(_("The holiday was added."))
        return redirect(url_for("manage_letters.edit_settings", slug=slug), 303)
    current = settings.settings_of(case) or settings.new_settings(case)
    return _settings_page(case, _filled(current), holiday_form=form, status=422)


@bp.post("/holidays/<int:holiday_id>/delete")
def delete_holiday(slug: str, holiday_id: int) -> ResponseReturnValue:
    """Remove one of the case's holidays."""
    case = case_or_404(slug)
    if not Form().validate() or not settings.remove_holiday(case, holiday_id):
        abort(404)
    flash(_("The holiday was removed."))
    return redirect(url_for("manage_letters.edit_settings", slug=slug), 303)


@bp.route("/translations/<language>", methods=["GET", "POST"])
def translate(slug: str, language: str) -> ResponseReturnValue:
    """Translate the rules, the ready texts and the holidays' names into one language (those
    written in it are left out: into the case's own language, only the ready texts in others)."""
    case = case_or_404(slug)
    found = settings.settings_of(case) or abort(404)
    back = url_for("manage_letters.edit_settings", slug=slug)
    contents: list[Content] = [
        found,
        *settings.ready_texts_of(case.id),
        *settings.holidays_of(case.id),
    ]
    return translating.page("letters", found, contents, language, back)


def _queue_page(case: Case, form: DecisionForm, status: int = 200) -> tuple[str, int]:
    # A refused decision shows the queue again with the organizer's ticks kept: losing a
    # selection of many letters to a missing reason would make them tick them all again.
    ticked = set(form.letter_ids.data or [])
    return (
        render_template(
            "manage/letters.html",
            case=case,
            waiting=moderation.queue_of(case.id),
            decided=moderation.decided_of(case.id),
            held=holding.held_of(case.id),
            form=form,
            ticked=ticked,
            found=settings.settings_of(case),
        ),
        status,
    )


@bp.get("/")
def index(slug: str) -> ResponseReturnValue:
    """Show the confirmed letters waiting for a decision, and the latest decisions."""
    return _queue_page(case_or_404(slug), DecisionForm(formdata=None))


@bp.post("/<any(approve, reject):action>")
def decide(slug: str, action: str) -> ResponseReturnValue:
    """Approve or reject the ticked letters (or one, from its own button), with a reason."""
    case = case_or_404(slug)
    form = DecisionForm()
    if not form.validate():
        return _queue_page(case, form, 422)
    ids = [int(each) for each in form.letter_ids.data or []]
    if not ids:
        form.letter_ids.errors = [_("Tick the letters to decide on.")]
        return _queue_page(case, form, 422)
    organizer = current_organizer()
    try:
        changed = moderation.decide(
            case,
            ids,
            action == "approve",
            str(form.reason.data or ""),
            organizer.email,
            organizer.id,
        )
    except moderation.DecisionRefused:
        form.reason.errors = [_("Please say why the letters are rejected: the reason is kept.")]
        return _queue_page(case, form, 422)
    if changed == 0:
        abort(404)  # none of them is a waiting letter of this case
    if action == "approve":
        flash(ngettext("%(num)s letter was approved.", "%(num)s letters were approved.", changed))
    else:
        flash(ngettext("%(num)s letter was rejected.", "%(num)s letters were rejected.", changed))
    return redirect(url_for("manage_letters.index", slug=slug), 303)


@bp.post("/held/<any(reroute, release):action>")
def resolve(slug: str, action: str) -> ResponseReturnValue:
    """Re-route the ticked held letters (printed next) or release them (never printed)."""
    case = case_or_404(slug)
    form = DecisionForm()
    if not form.validate():
        return _queue_page(case, form, 422)
    ids = [int(each) for each in form.letter_ids.data or []]
    if not ids:
        form.letter_ids.errors = [_("Tick the letters to decide on.")]
        return _queue_page(case, form, 422)
    changed = holding.resolve(case, ids, action == "reroute", current_organizer().email)
    if changed == 0:
        abort(404)  # none of them is a held letter of this case
    if action == "reroute":
        flash(ngettext("%(num)s letter was re-routed.", "%(num)s letters were re-routed.", changed))
    else:
        flash(ngettext("%(num)s letter was released.", "%(num)s letters were released.", changed))
    return redirect(url_for("manage_letters.index", slug=slug), 303)
