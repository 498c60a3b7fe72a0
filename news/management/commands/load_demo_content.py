import io
import math
import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageOps

from news import demo_content
from news.demo_content import DemoArticle, Motif, Palette
from news.models import Article, Category, FormerSlug, Image

HERO_SIZE = (1600, 900)
FIGURE_SIZE = (1200, 800)
ADMIN_USERNAME = "admin"
Colour = tuple[int, int, int]


class Command(BaseCommand):
    help = (
        "Fills the site with demo news, and in development (DEBUG) creates the user "
        '"admin". Safe to run again: articles that already exist are left as they are.'
    )

    def handle(self, *args, **options) -> None:
        categories, new_categories = self._categories()
        new_articles = new_images = 0
        figure_src = None
        for index, demo in enumerate(demo_content.ARTICLES):
            slug = slugify(demo.title)
            # A former slug means an editor renamed the demo article: it still exists.
            if (
                Article.objects.filter(slug=slug).exists()
                or FormerSlug.objects.filter(slug=slug).exists()
            ):
                continue
            if demo_content.FIGURE_SRC in demo.body and figure_src is None:
                figure, created = self._figure()
                figure_src, new_images = figure.file.url, new_images + created
            self._create_article(
                demo,
                slug=slug,
                palette=demo_content.PALETTES[index % len(demo_content.PALETTES)],
                categories=[categories[name] for name in demo.categories],
                figure_src=figure_src,
            )
            new_articles += 1

        if options["verbosity"] > 0:
            self.stdout.write(
                f"Demoinnehåll: {_count(new_articles, 'ny artikel', 'nya artiklar')}, "
                f"{_count(new_categories, 'ny kategori', 'nya kategorier')}, "
                f"{_count(new_images, 'ny bild', 'nya bilder')}."
            )
        self._create_admin()

    def _categories(self) -> tuple[dict[str, Category], int]:
        categories, created = {}, 0
        for name in demo_content.CATEGORIES:
            slug = slugify(name)
            # An editor may have created the category already, under another slug.
            category = Category.objects.filter(Q(slug=slug) | Q(name=name)).first()
            if category is None:
                category = Category.objects.create(
                    name=name,
                    slug=slug,
                    description=demo_content.CATEGORY_DESCRIPTIONS.get(name, ""),
                )
                created += 1
            categories[name] = category
        return categories, created

    def _figure(self) -> tuple[Image, bool]:
        figure = demo_content.FIGURE
        image = Image.objects.filter(description=figure.description).first()
        if image is not None and image.file.storage.exists(image.file.name):
            return image, False
        image = Image(description=figure.description, alt_text=figure.alt_text)
        image.file.save(figure.file_name, ContentFile(network_diagram_jpeg()), save=False)
        image.full_clean()
        image.save()
        return image, True

    def _create_article(
        self,
        demo: DemoArticle,
        *,
        slug: str,
        palette: Palette,
        categories: list[Category],
        figure_src: str | None,
    ) -> Article:
        article = Article(
            title=demo.title,
            slug=slug,
            lead=demo.lead,
            body=demo.body.replace(demo_content.FIGURE_SRC, figure_src or ""),
            status=Article.Status.DRAFT if demo.is_draft else Article.Status.PUBLISHED,
            published_at=_morning(days_ago=demo.days_ago),
        )
        # One transaction, so an interrupted run leaves no article without its categories
        # or its hero image.
        with transaction.atomic():
            if demo.motif is not None:
                article.hero = self._hero(demo, slug=slug, palette=palette)
            # The same checks as in admin: alt texts, images in the body hosted by the site.
            article.full_clean()
            article.save()
            article.categories.set(categories)
        return article

    def _hero(self, demo: DemoArticle, *, slug: str, palette: Palette) -> Image:
        """The article's hero, in the image bank like every image editors upload."""
        image = Image(description=demo.title[:250], is_decorative=demo.hero_is_decorative)
        if not demo.hero_is_decorative:
            image.alt_text = (
                f"Abstrakt illustration med {demo_content.MOTIF_DESCRIPTIONS[demo.motif]}, "
                f"mot en bakgrund som skiftar från {palette.start_name} "
                f"till {palette.end_name}."
            )
        image.file.save(
            f"{slug}.jpg", ContentFile(hero_jpeg(slug, palette, demo.motif)), save=False
        )
        image.full_clean()
        image.save()
        return image

    def _create_admin(self) -> None:
        user_model = get_user_model()
        # A known account with a printed password must never reach production.
        if not settings.DEBUG:
            return
        if user_model._default_manager.filter(
            **{user_model.USERNAME_FIELD: ADMIN_USERNAME}
        ).exists():
            return
        password = secrets.token_urlsafe(12)
        user_model._default_manager.create_superuser(ADMIN_USERNAME, "", password)
        self.stdout.write(
            self.style.WARNING(f"Demo-administratör: {ADMIN_USERNAME} / {password} (visas bara nu)")
        )


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _morning(*, days_ago: int) -> datetime:
    # News goes out in the morning, local time.
    day = timezone.localtime() - timedelta(days=days_ago)
    return day.replace(hour=8, minute=30, second=0, microsecond=0)


def _jpeg(image: PillowImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def _gradient(size: tuple[int, int], start: Colour, end: Colour) -> PillowImage.Image:
    # A 256-step ramp stretched to the size is smooth enough and much faster than per pixel.
    ramp = PillowImage.linear_gradient("L").rotate(90).resize(size)
    return ImageOps.colorize(ramp, start, end).convert("RGBA")


def hero_jpeg(seed: str, palette: Palette, motif: Motif) -> bytes:
    """A calm abstract illustration, the same every time for the same seed."""
    rng = random.Random(seed)
    image = _gradient(HERO_SIZE, palette.start, palette.end)
    overlay = PillowImage.new("RGBA", HERO_SIZE, (0, 0, 0, 0))
    DRAW_MOTIF[motif](ImageDraw.Draw(overlay), rng, palette.accent)
    return _jpeg(PillowImage.alpha_composite(image, overlay))


def _draw_network(draw: ImageDraw.ImageDraw, rng: random.Random, accent: Colour) -> None:
    width, height = HERO_SIZE
    # One node near the middle of most cells of a 5 x 3 grid spreads the network evenly.
    columns, rows = 5, 3
    cell_width, cell_height = width / columns, height / rows
    points = [
        (
            round((column + rng.uniform(0.2, 0.8)) * cell_width),
            round((row + rng.uniform(0.2, 0.8)) * cell_height),
        )
        for column in range(columns)
        for row in range(rows)
        if rng.random() < 0.85
    ]
    for point in points:
        for other in sorted(points, key=lambda other: math.dist(point, other))[1:3]:
            draw.line([point, other], fill=(255, 255, 255, 130), width=5)
    for x, y in points:
        radius = rng.randint(12, 26)
        colour = (*accent, 235) if rng.random() < 0.3 else (255, 255, 255, 225)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)


def _draw_circles(draw: ImageDraw.ImageDraw, rng: random.Random, accent: Colour) -> None:
    width, height = HERO_SIZE
    for number in range(rng.randint(5, 7)):
        x, y = rng.randint(0, width), rng.randint(0, height)
        radius = rng.randint(120, 340)
        colour = accent if number % 3 == 0 else (255, 255, 255)
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius], fill=(*colour, rng.randint(45, 90))
        )


def _draw_grid(draw: ImageDraw.ImageDraw, rng: random.Random, accent: Colour) -> None:
    width, height = HERO_SIZE
    cell, gap = 130, 26
    for left in range(gap, width - cell, cell + gap):
        for top in range(gap, height - cell, cell + gap):
            box = [left, top, left + cell, top + cell]
            if rng.random() < 0.25:
                draw.rounded_rectangle(box, radius=18, fill=(*accent, 170))
            else:
                draw.rounded_rectangle(box, radius=18, outline=(255, 255, 255, 80), width=3)


def _draw_waves(draw: ImageDraw.ImageDraw, rng: random.Random, accent: Colour) -> None:
    width, height = HERO_SIZE
    for layer in range(4):
        base = height * (0.45 + 0.13 * layer)
        amplitude = rng.randint(30, 70)
        frequency = rng.uniform(1.0, 2.2) * 2 * math.pi / width
        phase = rng.uniform(0, 2 * math.pi)
        crest = [
            (x, base + amplitude * math.sin(frequency * x + phase)) for x in range(0, width + 1, 20)
        ]
        colour = accent if layer == 1 else (255, 255, 255)
        draw.polygon([*crest, (width, height), (0, height)], fill=(*colour, 50 + 20 * layer))


def _draw_bars(draw: ImageDraw.ImageDraw, rng: random.Random, accent: Colour) -> None:
    width, height = HERO_SIZE
    count, gap, baseline = 9, 40, height - 110
    bar = (width - 2 * 160 - gap * (count - 1)) // count
    for number in range(count):
        left = 160 + number * (bar + gap)
        rise = (number + 1) / count * (height - 300) * rng.uniform(0.8, 1.0)
        colour = (*accent, 200) if number == count - 1 else (255, 255, 255, 150)
        draw.rounded_rectangle(
            [left, baseline - rise, left + bar, baseline], radius=12, fill=colour
        )
    draw.line([(120, baseline), (width - 120, baseline)], fill=(255, 255, 255, 200), width=5)


DRAW_MOTIF = {
    Motif.NETWORK: _draw_network,
    Motif.CIRCLES: _draw_circles,
    Motif.GRID: _draw_grid,
    Motif.WAVES: _draw_waves,
    Motif.BARS: _draw_bars,
}


def network_diagram_jpeg() -> bytes:
    """A large circle linked to five smaller ones, as the figure's alt text describes."""
    width, height = FIGURE_SIZE
    palette = demo_content.PALETTES[0]
    image = PillowImage.new("RGB", FIGURE_SIZE, (244, 246, 248))
    draw = ImageDraw.Draw(image)
    centre = (width / 2, height / 2)
    nodes = [
        (
            centre[0] + 290 * math.cos(math.radians(-90 + 72 * n)),
            centre[1] + 290 * math.sin(math.radians(-90 + 72 * n)),
        )
        for n in range(5)
    ]
    for node in nodes:
        draw.line([centre, node], fill=palette.end, width=8)
    for x, y in nodes:
        draw.ellipse([x - 62, y - 62, x + 62, y + 62], fill=palette.end)
    draw.ellipse(
        [centre[0] - 120, centre[1] - 120, centre[0] + 120, centre[1] + 120], fill=palette.start
    )
    return _jpeg(image)
