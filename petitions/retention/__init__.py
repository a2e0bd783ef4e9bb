"""Retention: what is erased when, and what the service holds about an address."""
