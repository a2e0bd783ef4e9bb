"""Honest counts under attack: which signatures are set aside, why, and how many (issue #13)."""
