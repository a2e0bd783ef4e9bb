"""WSGI entry point: `flask --app wsgi …`, gunicorn `wsgi:app`."""

from petitions import create_app

app = create_app()
