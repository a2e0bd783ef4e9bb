"""Warm a server before it forks its workers: templates compiled, catalogs and locale data loaded.

gunicorn loads the app once in its master (``preload_app``) and forks the workers from it; it
also replaces each worker after ``max_requests``. Without this, every new worker compiled the
petition page's templates, parsed the catalogs and loaded Babel's locale data on its first
requests (about 100 ms for the first petition page in-process, several times that while four
threads all met the cold page at once), and that showed as a 300 ms p99 for readers each time a
worker was replaced under a crowd. Done once in the master, the work is inherited by every fork.

Nothing here touches the database, Redis or the network: a master that cannot reach them still
starts, and no connection is opened before the fork.
"""

from __future__ import annotations

import gc
import logging

from flask import Flask
from flask_babel import force_locale, get_translations

from petitions.i18n import country_choices

log = logging.getLogger(__name__)


def warm(app: Flask) -> int:
    """Compile every template and load every language's catalog and locale data; the templates."""
    environment = app.jinja_env
    names = environment.list_templates()
    for name in names:
        environment.get_template(name)
    with app.app_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                get_translations()
                country_choices()  # Babel's locale data for the language, its sorted countries
    return len(names)


def before_fork(app: Flask) -> None:
    """Warm ``app``, then freeze what the master holds (the workers' copy-on-write stays shared).

    ``gc.freeze()`` moves every object alive now out of the collector's reach, as the Python
    documentation advises before forking: the workers then neither traverse the app's many
    long-lived objects on each full collection, nor write to their pages (which would copy them).
    A failure to warm is logged and the server starts cold; it never stops the start.
    """
    try:
        templates = warm(app)
    except Exception:  # noqa: BLE001 - warming is an optimisation; a cold start still works
        log.exception("warming before fork failed; workers start cold")
    else:
        languages = len(app.config["LANGUAGES"])
        log.info("warmed before fork: %d templates, %d languages", templates, languages)
    gc.freeze()
