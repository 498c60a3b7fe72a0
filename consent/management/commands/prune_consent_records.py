from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from consent.models import ConsentRecord, CookieCategory, WeeklyConsentCount


class Command(BaseCommand):
    help = "Deletes consent records older than the retention period, keeping weekly counts."

    @transaction.atomic
    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.CONSENT_RECORD_RETENTION_DAYS)
        required = set(
            CookieCategory.objects.filter(is_required=True).values_list("slug", flat=True)
        )
        old = ConsentRecord.objects.filter(created_at__lt=cutoff)
        counts = Counter()
        rows = old.values_list("created_at", "policy_version__number", "method", "choices")
        for created_at, version, method, choices in rows.iterator(chunk_size=2000):
            local = timezone.localtime(created_at).date()
            week = local - timedelta(days=local.weekday())
            optional_accepted = any(v for slug, v in choices.items() if slug not in required)
            counts[week, version, method, optional_accepted] += 1
        for (week, version, method, optional_accepted), count in counts.items():
            weekly, _created = WeeklyConsentCount.objects.get_or_create(
                week=week,
                policy_version=version,
                method=method,
                optional_accepted=optional_accepted,
                defaults={"count": 0},
            )
            WeeklyConsentCount.objects.filter(pk=weekly.pk).update(count=F("count") + count)
        deleted, _by_model = old.delete()
        self.stdout.write(f"{deleted} consent records older than {cutoff:%Y-%m-%d} deleted.")
