from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from adda_site.retention import change_in_batches, delete_in_batches
from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Applies the retention rules: forgets hashed IP addresses after "
        "COMMENTS_IP_RETENTION_DAYS and deletes rejected and spam comments after "
        "COMMENTS_REJECTED_RETENTION_DAYS."
    )

    def handle(self, *args, **options):
        ip_cutoff = timezone.now() - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
        forgotten = change_in_batches(
            Comment.objects.filter(created_at__lt=ip_cutoff).exclude(ip_hash=""),
            lambda batch: batch.update(ip_hash=""),
        )
        deleted = delete_in_batches(Comment.objects.past_retention())
        self.stdout.write(
            f"{forgotten} hashed IP addresses forgotten, "
            f"{deleted} rejected or spam comments deleted."
        )
