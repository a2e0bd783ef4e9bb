"""gunicorn settings: `gunicorn wsgi:app` reads this file from the project root.

The settings live in the package (petitions/gunicorn_conf.py), so an installed service has them
too: `gunicorn -c python:petitions.gunicorn_conf petitions.wsgi:app`.
"""

from petitions.gunicorn_conf import *  # noqa: F403
