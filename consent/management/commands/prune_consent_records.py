from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from adda_site.retention import delete_in_batches
from consent.models import ChainStart, ConsentRecord, WeeklyConsentCount


def add_to_weekly_counts(records) -> None:
    """Add ``records`` to the weekly counts that outlive them."""
    for row in records.weekly_counts():
        weekly, _created = WeeklyConsentCount.objects.get_or_create(
            week=row["week"],
            policy_version=row["version"],
            method=row["method"],
            optional_accepted=row["optional_accepted"],
            defaults={"count": 0},
        )
        WeeklyConsentCount.objects.filter(pk=weekly.pk).update(count=F("count") + row["count"])


def count_and_move_the_chain_start(records) -> None:
    add_to_weekly_counts(records)
    ChainStart.move_past(records)


class Command(BaseCommand):
    help = "Deletes consent records older than the retention period, keeping weekly counts."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.CONSENT_RECORD_RETENTION_DAYS)
        # Each batch is counted and deleted in one transaction: an interrupted prune
        # leaves no record counted twice, and none deleted without being counted.
        deleted = delete_in_batches(
            ConsentRecord.objects.filter(created_at__lt=cutoff),
            before_delete=count_and_move_the_chain_start,
        )
        self.stdout.write(f"{deleted} consent records older than {cutoff:%Y-%m-%d} deleted.")
