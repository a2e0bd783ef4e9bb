"""Organizer login and logout."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from petitions.accounts import services
from petitions.accounts.access import keep_out_of_caches
from petitions.accounts.forms import LoginForm
from petitions.extensions import limiter
from petitions.privacy.hashing import keyed_hash

bp = Blueprint("accounts", __name__, url_prefix="/organizer")
bp.after_request(keep_out_of_caches)


def _login_address_key() -> str:
    # Limits guessing against one account from many IPs; hashed so the store holds no address.
    return keyed_hash((request.form.get("email") or "").strip().lower(), "login-limit")


def _login_ip_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _login_account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _safe_next(target: str | None) -> str:
    # Only paths inside the organizer area: an open redirect would let a phishing link bounce
    # through our login page.
    if target and target.startswith("/organizer/") and not target.startswith("//"):
        return target
    return url_for("manage.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=_login_address_key)
def login() -> ResponseReturnValue:
    """Show the login form; on POST log in and go to the dashboard (or the page asked for)."""
    form = LoginForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("accounts/login.html", form=form), 422
        organizer = services.authenticate(str(form.email.data), str(form.password.data))
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
        session.clear()  # nothing from before the login survives into the organizer's session
        login_user(organizer)
        return redirect(next_page, code=303)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (POST with CSRF, so a link on another site cannot log anyone out)."""
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("accounts.login"), code=303)
