"""WSGI entry point in a checkout: `flask --app wsgi …`, gunicorn `wsgi:app`."""

from petitions.wsgi import app

__all__ = ["app"]
