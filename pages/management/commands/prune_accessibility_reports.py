from django.conf import settings
from django.core.management.base import BaseCommand

from adda_site.retention import delete_in_batches
from pages.models import AccessibilityReport


class Command(BaseCommand):
    help = (
        "Deletes accessibility reports nobody has changed for PAGES_REPORT_RETENTION_DAYS "
        "(by default two years)."
    )

    def handle(self, *args, **options):
        deleted = delete_in_batches(AccessibilityReport.objects.past_retention())
        self.stdout.write(
            f"{deleted} accessibility reports unchanged for "
            f"{settings.PAGES_REPORT_RETENTION_DAYS} days deleted."
        )
