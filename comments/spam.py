"""Defences against spam and abuse that need no CAPTCHA and no third party."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.cache import cache

from adda_site.clients import client_ip

from .models import BlockedWord

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


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
