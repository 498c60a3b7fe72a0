import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from comments.models import Comment
from pages.models import AccessibilityReport

# Where visitors leave an e-mail address, by the name the export uses.
SOURCES = {
    "comments": lambda email: Comment.objects.by_email(email).select_related("article"),
    "accessibility_reports": lambda email: AccessibilityReport.objects.by_email(email),
}
# What an e-mail address cannot find, for the answer to the data subject.
NOT_SEARCHABLE = [
    "Consent records hold no e-mail address, only a random consent id: the visitor finds "
    "it in the receipt on the cookie settings page (/cookies/kvitto/).",
    "Hashed IP addresses (of comments and of the rate limits) are keyed hashes and cannot "
    "be found from an e-mail address; comments forget theirs after "
    "COMMENTS_IP_RETENTION_DAYS.",
    "Editors' user accounts are managed in admin, not by this command.",
]


class Command(BaseCommand):
    help = (
        "Answers a data subject's request: exports (JSON) or erases what the site holds "
        "about one e-mail address in every app, and says what an address cannot find."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="print the data as JSON")
        action.add_argument("--erase", action="store_true", help="delete the data")

    def handle(self, *args, email, export, erase, **options):
        try:
            validate_email(email.strip())
        except ValidationError:
            # An empty address would match every report left without one.
            raise CommandError(f"{email!r} is not an e-mail address.") from None
        if export:
            found = {name: list(queryset(email)) for name, queryset in SOURCES.items()}
            data = {"email": email}
            data |= {name: [row.export() for row in rows] for name, rows in found.items()}
            data["not_searched"] = NOT_SEARCHABLE
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            # Beside the JSON, which may be redirected to a file.
            self._summary({name: len(rows) for name, rows in found.items()}, "found", self.stderr)
            return
        with transaction.atomic():
            erased = {name: queryset(email).delete()[0] for name, queryset in SOURCES.items()}
        if not any(erased.values()):
            raise CommandError(f"Nothing found for {email}.")
        self._summary(erased, "erased", self.stdout)

    def _summary(self, counts: dict[str, int], verb: str, out) -> None:
        for name, count in counts.items():
            out.write(f"{name.replace('_', ' ').capitalize()}: {count} {verb}.")
        for note in NOT_SEARCHABLE:
            out.write(f"Not searched: {note}")
