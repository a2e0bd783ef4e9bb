"""WSGI entry point of the installed package: gunicorn `petitions.wsgi:app`."""

from __future__ import annotations

from petitions import create_app

app = create_app()
