"""Organizer accounts: creation, login, passwords, sessions, and the roles they hold on cases.

Cases sit above accounts: a role names its case by id only, and the case-side queries (which
cases an organizer runs, assigning one by slug) live in :mod:`petitions.cases.access`.

Each function that writes commits once, at its end (views never commit); :func:`grant` alone
adds to its caller's transaction, so a case and its creator's role are one commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from petitions.accounts.models import CaseRole, Organizer
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.transactions import commit_or_raise

#: Shorter passwords are refused when an account is created.
MIN_PASSWORD_LENGTH = 10

# Checked against when the address is unknown, so a wrong address costs the same time as a
# wrong password and the timing does not tell an attacker which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing-only")


class AccountError(Exception):
    """An account could not be created or changed; the message says why."""


def check_password(password: str, email: str) -> None:
    """Refuse a password that is short, blank or easy to guess.

    zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words) scores
    how many guesses a password would take; below 3 it falls within reach of an attacker who
    has the scrypt hash, e.g. "password123", "qwertyuiop" or ten spaces.

    :raises AccountError: saying what to choose instead.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must have at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
        )
    if not password.strip():
        raise AccountError(_("The password must not be only spaces. Please choose a few words."))
    # Only the start: zxcvbn's time grows with length, and 100 characters are plenty.
    strength = zxcvbn(password[:100], user_inputs=[email, *email.replace("@", ".").split(".")])
    if strength["score"] < 3:
        raise AccountError(
            _(
                "The password is too easy to guess (it is, or is close to, a common password). "
                "Please choose a longer one, e.g. four words that do not belong together."
            )
        )


def create_organizer(email: str, password: str, *, admin: bool = False) -> Organizer:
    """Create an organizer account.

    :raises AccountError: if the address is taken or the password too weak.
    """
    address = email.strip().lower()
    if "@" not in address:
        raise AccountError(f"{email!r} is not an email address.")
    check_password(password, address)
    organizer = Organizer(
        email=address,
        password_hash=generate_password_hash(password),
        is_admin=admin,
        created_at=utcnow(),
    )
    db.session.add(organizer)
    commit_or_raise(AccountError(f"An organizer with the address {address} exists already."))
    return organizer


def organizer_by_email(email: str) -> Organizer | None:
    """Return the organizer with this login address (any case, spaces around it ignored)."""
    return db.session.execute(
        select(Organizer).where(Organizer.email == email.strip().lower())
    ).scalar_one_or_none()


def log_in(email: str, password: str) -> Organizer | None:
    """Check an address and password and, if they match, record the login (and commit).

    A wrong password or an unknown address writes nothing: its failure is counted by the
    caller's rate limit (:func:`petitions.limits.check_password_limited`).

    :returns: the organizer, or None for a wrong password and an unknown address alike.
    """
    organizer = organizer_by_email(email)
    if organizer is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(organizer.password_hash, password):
        return None
    organizer.last_login_at = utcnow()
    db.session.commit()
    return organizer


def load_organizer(session_id: str) -> Organizer | None:
    """Return the organizer a login session names, or None once its version has moved on.

    :param session_id: ``"<organizer id>:<session version>"`` as ``Organizer.get_id`` makes it;
        sessions from before versions existed (a bare id) are over too.
    """
    organizer_id, _, version = session_id.partition(":")
    if not (organizer_id.isdigit() and version.isdigit()):
        return None
    organizer = db.session.get(Organizer, int(organizer_id))
    if organizer is None or organizer.session_version != int(version):
        return None
    return organizer


def end_sessions(organizer: Organizer) -> None:
    """End every login session of the organizer, on every device (one SQL increment)."""
    db.session.execute(
        update(Organizer)
        .where(Organizer.id == organizer.id)
        .values(session_version=Organizer.session_version + 1)
    )
    db.session.commit()


def change_own_password(organizer: Organizer, current: str, new: str) -> bool:
    """Change an organizer's password if ``current`` is right, ending every other session.

    :returns: False, changing nothing, if the current password is wrong.
    :raises AccountError: if the new password is too weak.
    """
    if not check_password_hash(organizer.password_hash, current):
        return False
    change_password(organizer.email, new)
    return True


def change_password(email: str, password: str) -> Organizer:
    """Set an organizer's new password and end every session made with the old one.

    :raises AccountError: if there is no such organizer or the password is too weak.
    """
    organizer = organizer_by_email(email)
    if organizer is None:
        raise AccountError(f"There is no organizer with the address {email}.")
    check_password(password, organizer.email)
    organizer.password_hash = generate_password_hash(password)
    organizer.session_version = Organizer.session_version + 1
    db.session.commit()
    return organizer


def grant(organizer: Organizer, case_id: int) -> None:
    """Add a role for organizer on the case to the current transaction unless it exists."""
    already = db.session.execute(
        select(exists().where(CaseRole.organizer_id == organizer.id, CaseRole.case_id == case_id))
    ).scalar()
    if not already:
        db.session.add(CaseRole(organizer_id=organizer.id, case_id=case_id, created_at=utcnow()))


def may_run(organizer: Organizer, case_id: int) -> bool:
    """Tell whether an organizer may see and change a case."""
    if organizer.is_admin:
        return True
    return bool(
        db.session.execute(
            select(
                exists().where(CaseRole.organizer_id == organizer.id, CaseRole.case_id == case_id)
            )
        ).scalar()
    )
