from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from consent.models import ChainStart, ConsentRecord


class Command(BaseCommand):
    help = (
        "Checks that no consent record has been changed, removed or put out of order, and "
        "prints the chain's head hash and length to keep somewhere else."
    )

    def handle(self, *args, **options):
        start = ChainStart.objects.first()
        if start and start.seal != start.compute_seal():
            raise CommandError("The start of the chain has been changed after pruning.")
        # The oldest record names the last record the retention rule deleted, or none.
        previous_hash = start.last_deleted_hash if start else ""
        checked, by_method = 0, {}
        records = ConsentRecord.objects.select_related("policy_version", "texts").order_by("id")
        for record in records.iterator(chunk_size=2000):
            # A record removed anywhere, the oldest included, or two swapped, breaks the
            # link to the record before.
            if record.previous_hash != previous_hash:
                raise CommandError(
                    f"Record {record.pk} does not follow the record before it: a record has "
                    "been removed or moved, and the chain is broken."
                )
            # Once records are keyed, a plain one after them is a keyed record someone
            # rewrote without the key (the method is stored beside the hash it names).
            if (
                by_method.get(ConsentRecord.HashMethod.HMAC_SHA256)
                and record.hash_method != ConsentRecord.HashMethod.HMAC_SHA256
            ):
                raise CommandError(
                    f"Record {record.pk} is not keyed although records before it are: it has "
                    "been rewritten."
                )
            try:
                expected = record.compute_hash()
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            if expected != record.record_hash:
                raise CommandError(f"Record {record.pk} has been changed after it was written.")
            previous_hash, checked = record.record_hash, checked + 1
            by_method[record.hash_method] = by_method.get(record.hash_method, 0) + 1
        methods = ", ".join(f"{count} {method}" for method, count in sorted(by_method.items()))
        self.stdout.write(
            self.style.SUCCESS(f"{checked} consent records verified: chain intact ({methods}).")
        )
        # Written down elsewhere (a ticket, a log outside this server), these two show
        # later whether records were removed from the end of the chain.
        self.stdout.write(f"Head: {previous_hash or '-'}")
        self.stdout.write(f"Count: {checked}")
