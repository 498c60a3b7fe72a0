from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Applies the retention rules: forgets hashed IP addresses after "
        "COMMENTS_IP_RETENTION_DAYS and deletes rejected and spam comments after "
        "COMMENTS_REJECTED_RETENTION_DAYS."
    )

    def handle(self, *args, **options):
        ip_cutoff = timezone.now() - timedelta(days=settings.COMMENTS_IP_RETENTION_DAYS)
        forgotten = (
            Comment.objects.filter(created_at__lt=ip_cutoff).exclude(ip_hash="").update(ip_hash="")
        )
        deleted, _by_model = Comment.objects.past_retention().delete()
        self.stdout.write(
            f"{forgotten} hashed IP addresses forgotten, "
            f"{deleted} rejected or spam comments deleted."
        )
