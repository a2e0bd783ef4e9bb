"""Does a signer's mail domain accept mail? DNS, asked once per domain and never for long.

Left to itself, email-validator asks dnspython's default resolver for every address, with no
cache and a 15 s timeout. Inside a sign request that holds a sync worker for as long as a
domain's DNS is slow, and a flood of addresses at one slow domain would hold every worker.
Here each process keeps one resolver that caches answers for their DNS lifetime (TTL) and gives
up after EMAIL_DNS_TIMEOUT seconds. email-validator lets a domain that did not answer in time
through (its deliverability is unknown); mail to a bad address then bounces.
"""

from __future__ import annotations

import logging

import dns.nameserver
import dns.resolver
from flask import current_app

log = logging.getLogger(__name__)

_EXTENSION_KEY = "petitions.dns_resolver"

#: Where the system names its name servers (read when EMAIL_DNS_NAMESERVERS is empty).
RESOLV_CONF = "/etc/resolv.conf"


def resolver() -> dns.resolver.Resolver:
    """Return this app's caching resolver, built on first use."""
    found: dns.resolver.Resolver | None = current_app.extensions.get(_EXTENSION_KEY)
    if found is None:
        found = _build(
            current_app.config["EMAIL_DNS_TIMEOUT"], current_app.config["EMAIL_DNS_NAMESERVERS"]
        )
        current_app.extensions[_EXTENSION_KEY] = found
    return found


def _build(timeout: float, nameservers: list[tuple[str, int]]) -> dns.resolver.Resolver:
    # Set here rather than through email_validator.caching_resolver, whose timeout is whole
    # seconds only.
    if nameservers:
        built = dns.resolver.Resolver(configure=False)
        built.nameservers = [
            dns.nameserver.Do53Nameserver(host, port) for host, port in nameservers
        ]
    else:
        try:
            built = dns.resolver.Resolver(filename=RESOLV_CONF)
        except dns.resolver.NoResolverConfiguration:
            # No name servers known: every domain's deliverability is unknown and signing goes
            # on, rather than every sign failing with a 500.
            log.warning(
                "no DNS configuration: mail domains are not checked (EMAIL_DNS_NAMESERVERS)"
            )
            built = dns.resolver.Resolver(configure=False)
    built.lifetime = timeout
    built.cache = dns.resolver.LRUCache()
    return built
