"""petitions: solidarity campaigns for political prisoners."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import format_date, format_number
from werkzeug.middleware.proxy_fix import ProxyFix

from petitions import cli, errors, inputs, public_pages, robots
from petitions.about.views import bp as about_bp
from petitions.accounts.access import load_session_organizer
from petitions.accounts.views import bp as accounts_bp
from petitions.api.views import bp as api_bp
from petitions.bundles.views import bp as bundles_bp
from petitions.cases import translations
from petitions.cases.rendering import render_markdown
from petitions.cases.views import bp as cases_bp
from petitions.config import from_environment
from petitions.counting.views import bp as counting_bp
from petitions.embeds.views import bp as embeds_bp
from petitions.exports.views import bp as exports_bp
from petitions.extensions import (
    babel,
    cache,
    cors,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    talisman,
)
from petitions.health import bp as health_bp
from petitions.i18n import (
    country_name,
    digit_grouping,
    language_name,
    og_locale,
    plural_samples,
    select_locale,
    template_globals,
)
from petitions.letters.views import bp as letters_bp
from petitions.links import absolute_url, language_alternates, this_page_url
from petitions.mail.views import bp as mailbox_bp
from petitions.manage.case_story import bp as case_story_bp
from petitions.manage.email_rules_views import bp as email_rules_bp
from petitions.manage.invalidating import bp as invalidations_bp
from petitions.manage.letter_batches import bp as manage_letter_batches_bp
from petitions.manage.letters import bp as manage_letters_bp
from petitions.manage.paper import bp as paper_bp
from petitions.manage.partners import bp as partners_bp
from petitions.manage.retention import bp as manage_retention_bp
from petitions.manage.review import bp as review_bp
from petitions.manage.translating import bp as translations_bp
from petitions.manage.updates import bp as manage_updates_bp
from petitions.manage.views import bp as manage_bp
from petitions.privacy import redaction
from petitions.retention.views import bp as retention_bp
from petitions.sessions import PublicAnswersSessionInterface
from petitions.signing.views import bp as signing_bp
from petitions.updates.views import bp as updates_bp

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = Path(__file__).resolve().parent


def _shipped(folder: str) -> Path:
    # A checkout keeps templates/, static/ and migrations/ at the top of the repository; a wheel
    # carries them inside the package (pyproject.toml maps them there).
    inside = PACKAGE_ROOT / folder
    return inside if inside.is_dir() else PROJECT_ROOT / folder


def _instance_path() -> Path:
    # INSTANCE_PATH wins; a checkout keeps its instance/ at the top; an installed package keeps
    # it in the directory the service is started from, never in site-packages.
    chosen = os.environ.get("INSTANCE_PATH", "").strip()
    if chosen:
        return Path(chosen).resolve()
    if (PACKAGE_ROOT / "templates").is_dir():
        return Path.cwd() / "instance"
    return PROJECT_ROOT / "instance"


#: Content-Security-Policy: our own scripts, styles and images only; no framing anywhere.
#: Images come only from us (portraits are uploaded): an image on another host would tell it
#: every visitor's IP address.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, error handlers.

    :param config: overrides applied after the environment (tests pass theirs here).
    """
    redaction.install()
    app = Flask(
        __name__,
        template_folder=str(_shipped("templates")),
        static_folder=str(_shipped("static")),
        instance_path=str(_instance_path()),
    )
    app.config.update(from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    # Kept whatever the overrides say: bound parameters are signers' details.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        "hide_parameters": True,
    }

    app.session_interface = PublicAnswersSessionInterface()

    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count
        )

    # First of the before-request hooks: CSRFProtect's would read the body before the cap.
    inputs.register(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_shipped("migrations")), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    cache.init_app(app)
    # Anyone may read the public numbers from a browser on any site; nothing else is shared.
    cors.init_app(
        app,
        resources={r"/api/v1/*": {"origins": "*"}, r"/badge/*": {"origins": "*"}},
        methods=["GET", "HEAD", "OPTIONS"],
        expose_headers=["ETag"],
        # "*" rather than the caller's origin: one cached copy serves every partner site.
        send_wildcard=True,
        supports_credentials=False,
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_session_organizer)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # Confirm and withdraw links carry tokens; never hand them to another site.
        strict_transport_security=app.config["FORCE_HTTPS"],
    )

    app.register_blueprint(cases_bp)
    app.register_blueprint(signing_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(bundles_bp)
    app.register_blueprint(counting_bp)
    app.register_blueprint(embeds_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(paper_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(invalidations_bp)
    app.register_blueprint(email_rules_bp)
    app.register_blueprint(translations_bp)
    app.register_blueprint(case_story_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(about_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(manage_letters_bp)
    app.register_blueprint(manage_letter_batches_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(manage_retention_bp)
    app.register_blueprint(updates_bp)
    app.register_blueprint(manage_updates_bp)
    if app.config["PETITIONS_ENV"] == "development" and not app.config["MAIL_URL"]:
        app.register_blueprint(mailbox_bp)

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        country_name=country_name,
        language_name=language_name,
        digit_grouping=digit_grouping,
        format_date=format_date,
        format_number=format_number,
        plural_samples=plural_samples,
        tr=translations.text,
        language_alternates=language_alternates,
        this_page_url=this_page_url,
        lang_attr=translations.lang_attr,
        og_locale=og_locale,
        in_lang=translations.in_lang,
    )
    app.context_processor(template_globals)

    robots.install(app)
    public_pages.install(app)
    cli.register(app)
    errors.register(app)
    return app
