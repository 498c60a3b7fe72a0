from django.core.management.base import BaseCommand, CommandError

from consent.models import ConsentRecord


class Command(BaseCommand):
    help = "Checks that no consent record has been changed, removed or inserted out of order."

    def handle(self, *args, **options):
        previous_hash, checked = None, 0
        records = ConsentRecord.objects.select_related("policy_version", "texts").order_by("id")
        for record in records.iterator(chunk_size=2000):
            # The oldest record left may follow records removed by the retention rule.
            if previous_hash is not None and record.previous_hash != previous_hash:
                raise CommandError(
                    f"Record {record.pk} does not follow record before it: the chain is broken."
                )
            if record.compute_hash() != record.record_hash:
                raise CommandError(f"Record {record.pk} has been changed after it was written.")
            previous_hash, checked = record.record_hash, checked + 1
        self.stdout.write(self.style.SUCCESS(f"{checked} consent records verified: chain intact."))
