from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from consent.models import ConsentRecord, WeeklyConsentCount


class Command(BaseCommand):
    help = "Deletes consent records older than the retention period, keeping weekly counts."

    @transaction.atomic
    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.CONSENT_RECORD_RETENTION_DAYS)
        old = ConsentRecord.objects.filter(created_at__lt=cutoff)
        for row in old.weekly_counts():
            weekly, _created = WeeklyConsentCount.objects.get_or_create(
                week=row["week"],
                policy_version=row["version"],
                method=row["method"],
                optional_accepted=row["optional_accepted"],
                defaults={"count": 0},
            )
            WeeklyConsentCount.objects.filter(pk=weekly.pk).update(count=F("count") + row["count"])
        deleted, _by_model = old.delete()
        self.stdout.write(f"{deleted} consent records older than {cutoff:%Y-%m-%d} deleted.")
