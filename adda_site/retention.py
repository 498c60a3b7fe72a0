"""How the daily retention commands change old rows: a batch at a time.

One transaction per batch of primary keys, so that on SQLite (one writer at a time) a
prune of a year's rows never makes a visitor's comment or consent choice wait for more
than one batch.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet

# Rows per transaction. Read when a prune runs, so tests can make it small.
BATCH_SIZE = 500


def change_in_batches(queryset: QuerySet, change: Callable[[QuerySet], int]) -> int:
    """Call ``change`` on the rows of ``queryset``, BATCH_SIZE rows at a time by primary
    key range, each call in a transaction of its own; the sum of what it returns.

    A batch is the queryset's rows between two primary keys, its conditions applied again
    when ``change`` runs, so a row that has stopped matching in the meantime is left alone.
    """
    total, last_pk = 0, None
    while True:
        with transaction.atomic(using=queryset.db):
            rows = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
            # The batch's bounds are read inside its transaction: on SQLite that
            # transaction holds the write lock, so nothing changes between read and write.
            pks = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not pks:
                return total
            total += change(rows.filter(pk__lte=pks[-1]))
        last_pk = pks[-1]


def delete_in_batches(
    queryset: QuerySet, *, before_delete: Callable[[QuerySet], None] | None = None
) -> int:
    """Delete the rows of ``queryset`` in batches; how many of its model were deleted.

    ``before_delete`` runs in each batch's transaction just before the batch is deleted
    (to keep counts of what goes, say), so the two are committed together or not at all.
    """
    label = queryset.model._meta.label

    def delete(batch: QuerySet) -> int:
        if before_delete is not None:
            before_delete(batch)
        _total, by_model = batch.delete()
        return by_model.get(label, 0)

    return change_in_batches(queryset, delete)
