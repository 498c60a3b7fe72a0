from django.core.management.base import BaseCommand

from adda_site import page_cache


class Command(BaseCommand):
    help = (
        "Start a new page generation: every page, the cookie policy and the comment rules "
        "are read again from the database, on every app server sharing the cache. After "
        "an upgrade that changes templates, or a restore."
    )

    def handle(self, *args, **options):
        page_cache.pages_changed()
        self.stdout.write("Every cached page will be rendered again on its next request.")
