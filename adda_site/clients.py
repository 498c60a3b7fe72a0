"""Who is asking: the visitor's address, as far as our own proxies vouch for it.

Rate limits, comment hashes and django-axes (AXES_CLIENT_IP_CALLABLE) all read the
address through client_ip(), never a raw X-Forwarded-For, which any client can write.
"""

import ipaddress
import logging
from functools import cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    """TRUSTED_PROXIES: addresses and CIDR ranges of the proxies we run."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the nearest address a trusted proxy reports in X-Forwarded-For."""
    address = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks()
    if not _is_trusted(address, networks):
        _warn_if_behind_an_untrusted_local_proxy(address)
        return address
    # Walk from the nearest hop outwards and stop at the first one we do not run.
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        if not _is_trusted(hop, networks):
            return hop
    return address


def client_group(request: HttpRequest) -> str:
    """The address a rate limit counts: IPv4 as it is, IPv6 by its /64, since one
    household or office gets a whole /64 and can pick any address in it."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


_warned = False


def _warn_if_behind_an_untrusted_local_proxy(address: str) -> None:
    global _warned
    if _warned or settings.DEBUG or not address:
        return
    try:
        is_loopback = ipaddress.ip_address(address).is_loopback
    except ValueError:
        return
    if is_loopback:
        _warned = True
        logger.warning(
            "Requests arrive from %s, which TRUSTED_PROXIES does not name: behind a reverse "
            "proxy every visitor shares one address, one rate limit and one login lockout. "
            "Add the proxy's address to TRUSTED_PROXIES.",
            address,
        )
