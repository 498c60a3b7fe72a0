import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment


class Command(BaseCommand):
    help = "Exports (JSON) or erases every comment written with one e-mail address."

    def add_arguments(self, parser):
        parser.add_argument("email")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="print the comments as JSON")
        action.add_argument("--erase", action="store_true", help="delete the comments")

    def handle(self, *args, email, export, erase, **options):
        comments = Comment.objects.by_email(email).select_related("article")
        if export:
            data = {"email": email, "comments": [c.export() for c in comments]}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        with transaction.atomic():
            deleted, _by_model = comments.delete()
        if not deleted:
            raise CommandError(f"No comments from {email}.")
        self.stdout.write(f"{deleted} comments from {email} erased.")
