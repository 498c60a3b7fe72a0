"""Defences against spam and abuse that need no CAPTCHA and no third party."""

import hashlib
import hmac
import ipaddress
import re

from django.conf import settings
from django.core.cache import cache

from .models import BlockedWord

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the nearest address a trusted proxy reports in X-Forwarded-For."""
    address = request.META.get("REMOTE_ADDR", "")
    trusted = settings.COMMENTS_TRUSTED_PROXIES
    if address not in trusted:
        return address
    # Walk from the nearest hop outwards and stop at the first one we do not run.
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        if hop not in trusted:
            return hop
    return address


def ip_hash(request) -> str:
    key = (settings.SECRET_KEY + "comments.ip").encode()
    return hmac.new(key, client_ip(request).encode(), hashlib.sha256).hexdigest()


def over_rate_limit(ip_digest: str) -> bool:
    """Count this attempt; true when the visitor has posted too often recently."""
    limit, window = settings.COMMENTS_RATE_LIMIT
    key = f"comments:rate:{ip_digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def link_count(text: str) -> int:
    return len(LINK.findall(text))


def blocked_phrase(*texts: str) -> str | None:
    haystack = " ".join(texts).casefold()
    for phrase in BlockedWord.objects.values_list("phrase", flat=True):
        if phrase.casefold() in haystack:
            return phrase
    return None
