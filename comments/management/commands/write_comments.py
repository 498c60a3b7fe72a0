from django.core.management.base import BaseCommand

from adda_site import page_cache
from comments.models import Comment
from comments.rendering import write_stored


class Command(BaseCommand):
    # In English, as the other operators' commands (backup, refresh_pages, make_renditions).
    help = (
        "Write again the HTML that article pages show of each comment, stored when the "
        "comment is saved: after an upgrade (comments that servers of the previous release "
        "stored or changed during it), after a release that changes how comments are "
        "written, or after a change of LANGUAGE_CODE or TIME_ZONE."
    )

    def handle(self, *args, **options):
        changed = write_stored(Comment.objects.all())
        if changed:
            # bulk_update() sends no signal: the pages showing these comments are made
            # fresh here.
            page_cache.pages_changed()
        self.stdout.write(f"Comments whose HTML was written again: {changed}.")
