"""One spelling per mailbox: the canonical form of an address, by its domain's rule.

The canonical form is the key of "one signature per person per petition" (a unique constraint
on signatures) and of the block-list's addresses. Providers differ: Gmail ignores dots in the
local part and delivers ``me+news@`` to ``me@``; Yandex also delivers ``me-news@``; some
providers' mailboxes may hold a ``+``. Each domain's rule says which, and an alias domain
(``googlemail.com``, ``ya.ru``) takes the rule of the domain whose mailboxes it names.

The built-in rules are the ones the service always had; an admin overrides or adds rules per
domain (``flask email-rules``, or /organizer/email-rules/). A rule applies to addresses reduced
from then on: a stored signature keeps its key, so changing a rule never merges or splits
signatures already made.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

import idna
from cachetools import TTLCache
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from petitions.clock import utcnow
from petitions.defence.models import EmailDomainRule
from petitions.extensions import db
from petitions.memo import Memo

#: The characters that may start a tag; None: the whole local part is the mailbox.
SEPARATORS = ("+", "-")


@dataclass(frozen=True)
class Rule:
    """How one domain spells a mailbox (an alias's own dots and tag are never used)."""

    domain: str
    ignore_dots: bool = False
    tag_separator: str | None = "+"
    alias_of: str | None = None
    note: str = ""
    #: Who set it and when; empty and None for a built-in rule.
    by: str = ""
    updated_at: dt.datetime | None = None
    #: Whether an admin set it (in the table), rather than it being built in.
    edited: bool = False
    #: Whether a built-in rule of the same domain lies under it (back when it is removed).
    overrides_built_in: bool = False


#: Every domain without a rule: dots matter, ``+tag`` is dropped (nearly every provider,
#: and a tag dropped by mistake merges only one person's own spellings).
DEFAULT = Rule(domain="")

#: The rules the service has always had, in force until an admin overrides one.
BUILT_IN: Mapping[str, Rule] = {
    "gmail.com": Rule(domain="gmail.com", ignore_dots=True, note="Gmail ignores dots."),
    "googlemail.com": Rule(
        domain="googlemail.com", alias_of="gmail.com", note="Gmail's old name (Germany, UK)."
    ),
}


class RuleRefused(ValueError):
    """The rule asked for is not one the service takes (the message says why)."""


class NoSuchRule(RuleRefused):
    """There is no edited rule for the domain (built-in rules are overridden, not removed)."""


# --- reducing an address ------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _idna_domain(domain: str) -> str | None:
    # IDNA 2008 with UTS 46 mapping, as email-validator (which signing uses) reads a domain.
    try:
        return str(idna.decode(idna.encode(domain, uts46=True)))
    except (idna.IDNAError, UnicodeError):
        return None


def domain_key(domain: str) -> str:
    """The form a domain is looked up in: lower case, IDNA-normalised, in Unicode.

    An ASCII name with no ``xn--`` label is its lower case already (the cheap path every sign
    POST of a common provider takes); one that IDNA cannot read is kept as it is written.
    """
    domain = domain.strip().lower().rstrip(".")
    if domain.isascii() and "xn--" not in domain:
        return domain
    return _idna_domain(domain) or domain


def reduce(address: str, rules: Mapping[str, Rule]) -> str:
    """Reduce ``address`` by ``rules`` (a domain's own, or its alias target's, or DEFAULT)."""
    local, _at, domain = address.strip().lower().rpartition("@")
    domain = domain_key(domain)
    rule = rules.get(domain, DEFAULT)
    if rule.alias_of is not None:
        # Chains are refused when rules are set, so the target's rule is never an alias.
        domain = rule.alias_of
        rule = rules.get(domain, DEFAULT)
    if rule.tag_separator is not None:
        local = local.split(rule.tag_separator, 1)[0]
    if rule.ignore_dots:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def canonical(address: str) -> str:
    """Reduce an address to one spelling per mailbox, by the rules in force now."""
    return reduce(address, _current())


# --- the rules in force -------------------------------------------------------------------

#: The rules in force, read at most every few seconds per process: a sign POST under a crowd
#: costs no query for them. A change through this module forgets them at once in its process;
#: other processes see it within the TTL.
_rules: Memo[str, Mapping[str, Rule]] = Memo(
    "petitions.defence.addresses", lambda config: TTLCache(maxsize=1, ttl=10)
)


def _rule_of(row: EmailDomainRule) -> Rule:
    return Rule(
        domain=row.domain,
        ignore_dots=row.ignore_dots,
        tag_separator=row.tag_separator,
        alias_of=row.alias_of,
        note=row.note,
        by=row.by,
        updated_at=row.updated_at,
        edited=True,
        overrides_built_in=row.domain in BUILT_IN,
    )


def _merged(edited: list[Rule]) -> dict[str, Rule]:
    merged = dict(BUILT_IN)
    merged.update((rule.domain, rule) for rule in edited)
    return merged


def _edited() -> list[Rule]:
    rows = db.session.execute(select(EmailDomainRule)).scalars()
    return [_rule_of(row) for row in rows]


def _current() -> Mapping[str, Rule]:
    found = _rules.get("all")
    if found is None:
        found = _merged(_edited())
        _rules.set("all", found)
    return found


def rules() -> list[Rule]:
    """Every rule in force, built-in and edited, by domain (read afresh, not from the cache)."""
    return sorted(_merged(_edited()).values(), key=lambda rule: rule.domain)


# --- changing the rules -------------------------------------------------------------------


def parse_domain(text: str) -> str:
    """Read a mail domain as an admin types it; refuse what is not one.

    :raises RuleRefused: for an empty name, an address, a single label or a bad label.
    """
    typed = text.strip()
    if "@" in typed:
        raise RuleRefused(
            _("“%(text)s” is an address: give only its domain, after the @.", text=typed)
        )
    domain = domain_key(typed)
    try:
        ascii_form = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        ascii_form = ""
    if "." not in domain or not ascii_form or len(ascii_form) > 253:
        raise RuleRefused(_("“%(text)s” is not a mail domain (such as example.org).", text=typed))
    return domain


def parse_separator(text: str | None) -> str | None:
    """Read a tag separator as typed: ``+``, ``-``, or ``none`` (or nothing) for none.

    :raises RuleRefused: for any other character or word.
    """
    if text is None or text.strip().lower() in ("", "none"):
        return None
    if text.strip() in SEPARATORS:
        return text.strip()
    raise RuleRefused(_("“%(text)s” is not a tag separator: use +, - or none.", text=text.strip()))


def _check(proposed: Mapping[str, Rule], changed: str) -> None:
    """Refuse a rule set where an alias points at an alias (a chain, or a cycle).

    One hop is all :func:`reduce` follows, so a chain would quietly stop half-way.
    """
    # The changed domain's own alias first, so the message speaks of what was asked.
    for domain, rule in sorted(proposed.items(), key=lambda item: item[0] != changed):
        target = proposed.get(rule.alias_of) if rule.alias_of is not None else None
        if target is None or target.alias_of is None:
            continue
        if target.alias_of == domain:
            raise RuleRefused(
                _(
                    "%(target)s is an alias of %(domain)s, so %(domain)s cannot be an alias of "
                    "%(target)s: that would be a cycle.",
                    target=target.domain,
                    domain=domain,
                )
            )
        if domain == changed:
            raise RuleRefused(
                _(
                    "%(target)s is itself an alias of %(final)s: make %(domain)s an alias of "
                    "%(final)s instead.",
                    target=target.domain,
                    final=target.alias_of,
                    domain=domain,
                )
            )
        raise RuleRefused(
            _(
                "%(domain)s is an alias of %(target)s, so %(target)s cannot be an alias of "
                "%(final)s: change %(domain)s first.",
                domain=domain,
                target=target.domain,
                final=target.alias_of,
            )
        )


def set_rule(
    domain: str,
    *,
    ignore_dots: bool = False,
    tag_separator: str | None = "+",
    alias_of: str | None = None,
    note: str = "",
    by: str,
) -> Rule:
    """Set how ``domain`` spells a mailbox, for addresses reduced from now on.

    :param tag_separator: ``+``, ``-`` or None (the whole local part is the mailbox).
    :param alias_of: the domain whose mailboxes these are; its rule applies, so this rule's
        own ``ignore_dots`` and ``tag_separator`` are not used (they are kept as False, None).
    :param by: who set it, for the record.
    :raises RuleRefused: for a bad domain or separator, a domain its own alias, or an alias
        that would point at an alias (a chain or a cycle). Nothing is changed then.
    """
    domain = parse_domain(domain)
    if tag_separator is not None and tag_separator not in SEPARATORS:
        raise RuleRefused(
            _("“%(text)s” is not a tag separator: use +, - or none.", text=tag_separator)
        )
    if alias_of is not None and alias_of.strip():
        alias_of = parse_domain(alias_of)
        if alias_of == domain:
            raise RuleRefused(_("%(domain)s cannot be an alias of itself.", domain=domain))
        ignore_dots, tag_separator = False, None
    else:
        alias_of = None
    now = utcnow()
    rule = Rule(
        domain=domain,
        ignore_dots=ignore_dots,
        tag_separator=tag_separator,
        alias_of=alias_of,
        note=note.strip()[:200],
        by=by[:320],
        updated_at=now,
        edited=True,
        overrides_built_in=domain in BUILT_IN,
    )
    _check({**_merged(_edited()), domain: rule}, domain)
    row = db.session.execute(
        select(EmailDomainRule).where(EmailDomainRule.domain == domain)
    ).scalar_one_or_none()
    if row is None:
        row = EmailDomainRule(domain=domain)
        db.session.add(row)
    row.ignore_dots = rule.ignore_dots
    row.tag_separator = rule.tag_separator
    row.alias_of = rule.alias_of
    row.note, row.by, row.updated_at = rule.note, rule.by, now
    try:
        db.session.commit()
    except IntegrityError:
        # Two admins adding the same domain at once: the unique domain lets one win.
        db.session.rollback()
        raise RuleRefused(
            _(
                "The rule for %(domain)s was changed at the same moment elsewhere; look at it "
                "and try again.",
                domain=domain,
            )
        ) from None
    _rules.forget("all")
    return rule


def remove_rule(domain: str) -> Rule | None:
    """Remove the edited rule of ``domain``; return the built-in rule now in force, if any.

    :raises NoSuchRule: if no edited rule names the domain.
    :raises RuleRefused: if the built-in rule coming back would make an alias chain.
    """
    domain = parse_domain(domain)
    row = db.session.execute(
        select(EmailDomainRule).where(EmailDomainRule.domain == domain)
    ).scalar_one_or_none()
    if row is None:
        raise NoSuchRule(
            _(
                "There is no edited rule for %(domain)s; a built-in rule is changed by setting "
                "one.",
                domain=domain,
            )
        )
    proposed = {rule.domain: rule for rule in _edited() if rule.domain != domain}
    merged = _merged(list(proposed.values()))
    if domain in BUILT_IN:
        try:
            _check(merged, domain)
        except RuleRefused as refused:
            raise RuleRefused(
                _(
                    "Removing the rule for %(domain)s would bring back its built-in rule. %(why)s",
                    domain=domain,
                    why=str(refused),
                )
            ) from None
    db.session.delete(row)
    db.session.commit()
    _rules.forget("all")
    return merged.get(domain)


def applying(rule: Rule, rules_in_force: Mapping[str, Rule]) -> Rule:
    """The rule that reduces ``rule``'s addresses: its own, or its alias target's."""
    if rule.alias_of is None:
        return rule
    return rules_in_force.get(rule.alias_of, replace(DEFAULT, domain=rule.alias_of))
