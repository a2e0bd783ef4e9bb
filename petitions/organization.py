"""Who runs this service, as the settings name it: one answer for pages, bundles and mails."""

from __future__ import annotations

from flask import current_app

from petitions.links import site_host


def organization_name() -> str:
    """Return who runs the service: ORGANIZATION_NAME, else the host name of BASE_URL."""
    configured = str(current_app.config.get("ORGANIZATION_NAME") or "").strip()
    return configured or site_host()


def organization_address() -> list[str]:
    """Return the lines of the organization's postal address (none when it is not set)."""
    address = str(current_app.config.get("ORGANIZATION_ADDRESS") or "")
    return [line.strip() for line in address.splitlines() if line.strip()]
