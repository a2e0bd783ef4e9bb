"""Organizer login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from petitions import limits
from petitions.accounts import services
from petitions.accounts.access import current_organizer, keep_out_of_caches, mark_seen
from petitions.accounts.forms import LoginForm, PasswordChangeForm

bp = Blueprint("accounts", __name__, url_prefix="/organizer")
bp.after_request(keep_out_of_caches)


def _safe_next(target: str | None) -> str:
    # Only paths inside the organizer area: an open redirect would let a phishing link bounce
    # through our login page.
    if target and target.startswith("/organizer/") and not target.startswith("//"):
        return target
    return url_for("manage.dashboard")


def _refused(form: LoginForm, refusal: limits.Refusal) -> ResponseReturnValue:
    if refusal.reason == "client":
        message = _(
            "Too many wrong passwords for this account from your connection. Please wait "
            "%(minutes)s minutes, then try again.",
            minutes=refusal.minutes,
        )
    else:
        message = _(
            "This account has had too many wrong passwords from many places, so for now it can "
            "only be logged into from a browser that has logged into it before. Please use that "
            "browser, or wait %(minutes)s minutes and try again.",
            minutes=refusal.minutes,
        )
    page = render_template("accounts/login.html", form=form, failed=message)
    return page, 429, {"Retry-After": str(refusal.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
@limits.login_per_ip
def login() -> ResponseReturnValue:
    """Show the login form; on POST log in and go to the dashboard (or the page asked for)."""
    form = LoginForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("accounts/login.html", form=form), 422
        email, password = str(form.email.data), str(form.password.data)
        try:
            organizer = limits.check_password_limited(
                email, lambda: services.log_in(email, password)
            )
        except limits.LoginRefused as refused:
            return _refused(form, refused.refusal)
        if organizer is None:
            # One message for an unknown address and a wrong password alike.
            return (
                render_template(
                    "accounts/login.html",
                    form=form,
                    failed=_("That email address and password do not match an organizer account."),
                ),
                401,
            )
        next_page = _safe_next(request.args.get("next"))
        # Nothing from before the login survives into the organizer's session but the
        # language they chose: it is theirs, and names nobody.
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        login_user(organizer)
        mark_seen()
        response = redirect(next_page, code=303)
        limits.remember_browser(response, email)
        return response
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out everywhere (POST with CSRF, so a link on another site cannot log anyone out)."""
    if current_user.is_authenticated:
        # Every session of the account ends, not just this cookie: a copy taken before (from
        # a shared computer, a stolen backup) must stop working too.
        services.end_sessions(current_organizer())
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's password; every other session of the account ends, this one goes on."""
    form = PasswordChangeForm()
    if request.method != "POST":
        return render_template("accounts/password.html", form=form)
    if not form.validate():
        return render_template("accounts/password.html", form=form), 422
    organizer = current_organizer()
    current, new = str(form.current_password.data), str(form.new_password.data)
    try:
        # The current password is guessed here as on the login page: the same limits hold.
        changed = limits.check_password_limited(
            organizer.email, lambda: services.change_own_password(organizer, current, new)
        )
    except limits.LoginRefused as refused:
        form.current_password.errors = [
            _(
                "Too many wrong passwords. Please wait %(minutes)s minutes, then try again.",
                minutes=refused.refusal.minutes,
            )
        ]
        return render_template("accounts/password.html", form=form), 429
    except services.AccountError as weak:
        form.new_password.errors = [str(weak)]
        return render_template("accounts/password.html", form=form), 422
    if not changed:
        form.current_password.errors = [_("That is not your current password.")]
        return render_template("accounts/password.html", form=form), 422
    login_user(organizer)  # under the new session version: this browser stays logged in
    mark_seen()
    flash(_("Your password is changed. Every other session of your account has ended."))
    return redirect(url_for("manage.dashboard"), code=303)
