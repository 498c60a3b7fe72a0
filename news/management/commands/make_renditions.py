from django.core.management.base import BaseCommand

from news.models import Image


class Command(BaseCommand):
    help = (
        "Gör de renditioner och beskärningar som saknas för bildbankens bilder: efter "
        "en uppgradering (migrering 0013 flyttade huvudbilderna till bildbanken) eller "
        "efter ett fel. Sidorna visar originalbilden tills dess."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--alla",
            action="store_true",
            dest="every_image",
            help="Kontrollera varje bild, även de som redan har sina renditioner.",
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
        self.stdout.write(f"Bilder med alla renditioner klara: {ready}.")
        if failed:
            self.stderr.write(
                f"Bilder vars renditioner inte kunde göras (se loggen): {failed}. "
                "Sidorna visar originalen."
            )
