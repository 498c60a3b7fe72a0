"""Defences against spam and abuse that need no CAPTCHA and no third party."""

import hashlib
import hmac
import re

from django.conf import settings

from adda_site.clients import client_ip

from .models import BlockedWord

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def ip_hash(request) -> str:
    key = (settings.SECRET_KEY + "comments.ip").encode()
    return hmac.new(key, client_ip(request).encode(), hashlib.sha256).hexdigest()


def link_count(text: str) -> int:
    return len(LINK.findall(text))


def blocked_phrase(*texts: str) -> str | None:
    haystack = " ".join(texts).casefold()
    for phrase in BlockedWord.objects.values_list("phrase", flat=True):
        if phrase.casefold() in haystack:
            return phrase
    return None
