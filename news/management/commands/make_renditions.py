from django.core.management.base import BaseCommand

from news.models import Image


class Command(BaseCommand):
    # In English, as the other operators' commands (backup, restore, refresh_pages).
    help = (
        "Make the missing renditions and crops of the image bank's images: after an "
        "upgrade (migration 0013 moved the articles' hero images into the image bank) or "
        "after a failure. Pages show the original image until then."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every_image",
            help="Check every image, also those that already have their renditions.",
        )

    def handle(self, *args, every_image: bool = False, **options):
        images = Image.objects.all() if every_image else Image.objects.filter(has_renditions=False)
        ready = failed = 0
        for image in images.iterator():
            # Saving is what makes them: the same path as an editor's save in admin.
            image.save(update_fields=["has_renditions"])
            if image.has_renditions:
                ready += 1
            else:
                failed += 1
        self.stdout.write(f"Images with all their renditions: {ready}.")
        if failed:
            self.stderr.write(
                f"Images whose renditions could not be made (see the log): {failed}. "
                "Pages show their originals."
            )
