from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def record_key_is_set(app_configs, **kwargs):
    if settings.CONSENT_RECORD_KEY:
        return []
    return [
        Warning(
            "CONSENT_RECORD_KEY is not set: consent records are chained with plain SHA-256, "
            "which anyone who can write the database can recompute after changing a record.",
            hint="Set CONSENT_RECORD_KEY to a long random string of its own (not SECRET_KEY).",
            id="consent.W001",
        )
    ]
