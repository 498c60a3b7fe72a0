import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from adda_site import page_cache

from . import body as article_body
from . import search
from .renditions import (
    DISPLAY_RATIO,
    RATIOS,
    SINGLE_RATIOS,
    Crop,
    Picture,
    crop_for,
    generate_renditions,
    original,
    picture,
    single_image,
)
from .uploads import UploadedImageField, delete_with_renditions
from .validators import validate_alt_text, validate_image_upload

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
# Paths under /nyheter/ that are not articles: an article with such a slug could not be reached.
RESERVED_SLUGS = {"kategori", "rss", "sok"}
# What search engines show of a description.
DESCRIPTION_LENGTH = 160


class CategoryQuerySet(models.QuerySet):
    def having_published_news(self):
        """Categories that have published news."""
        return self.filter(Exists(_published_news_in(OuterRef(OuterRef("pk")))))

    def with_published_news(self):
        """Categories that have published news, with the time the latest of it changed
        for visitors (as Article.modified_at)."""
        latest = (
            _published_news_in(OuterRef(OuterRef("pk")))
            .annotate(last_changed_at=modified_at_expression())
            .order_by("-last_changed_at")
            .values("last_changed_at")[:1]
        )
        return self.having_published_news().annotate(news_changed_at=Subquery(latest))


def _published_news_in(category_id):
    # The category's articles are found from the category (its rows in the link table),
    # then checked for being published: SQLite without table statistics otherwise walks
    # every published article per category, twice, on every news list (issue 11).
    return Article.objects.published().filter(
        pk__in=Article.categories.through.objects.filter(category_id=category_id).values(
            "article_id"
        )
    )


def modified_at_expression() -> Greatest:
    """Article.modified_at in the database."""
    return Greatest(Coalesce("public_modified_at", "published_at"), "published_at")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Optional: a few sentences shown under the heading of the category page."),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what visitors may see: published, and within its times."""
        now = timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)
        )

    def next_visibility_change(self, now):
        """When a published article next appears or expires by itself, after ``now``."""
        times = self.filter(status=Article.Status.PUBLISHED).aggregate(
            appears=Min("published_at", filter=Q(published_at__gt=now)),
            expires=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
        )
        return min((when for when in times.values() if when is not None), default=None)

    def drafts(self):
        """Not published: drafts, and drafts waiting for review."""
        return self.exclude(status=Article.Status.PUBLISHED)

    def waiting_for_review(self):
        """What an editor who may publish has to look at: articles submitted for review,
        and published articles with a change waiting (a version in the history)."""
        return self.filter(Q(status=Article.Status.REVIEW) | Exists(self._waiting_changes()))

    def with_waiting_change(self):
        """Each article with ``has_waiting_change``: whether a change to it waits."""
        return self.annotate(has_waiting_change=Exists(self._waiting_changes()))

    def _waiting_changes(self):
        return Article.history.filter(id=OuterRef("pk"), review=ArticleVersionFields.Review.WAITING)

    def scheduled(self):
        """Published by an editor, but not yet at its publication time."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def expired(self):
        """Published by an editor, but past its unpublish time."""
        return self.filter(status=Article.Status.PUBLISHED, unpublish_at__lte=timezone.now())

    def in_category(self, category):
        return self.filter(categories=category)

    def with_image(self, name: str):
        """Articles showing the uploaded file ``name``: as their hero image (an image of
        the bank), or in their text, where it is written as an address (MEDIA_URL and the
        quoted name)."""
        return self.filter(Q(hero__file=name) | Q(body__contains=filepath_to_uri(name)))

    def publish(self) -> int:
        """Set the editor's status to published; scheduled times still apply."""
        return self._set_status(Article.Status.PUBLISHED)

    def unpublish(self) -> int:
        """Turn the articles back into drafts."""
        return self._set_status(Article.Status.DRAFT)

    def _set_status(self, status: str) -> int:
        # Each article is saved, not update()d: a save stamps updated_at and, on
        # publishing, public_modified_at (which the sitemap, the feeds and JSON-LD show),
        # and sends the signals that history and cache invalidation listen to. Articles
        # already in that status are left alone.
        # Read inside the transaction, so another editor's change cannot slip in between.
        with transaction.atomic(using=self.db):
            changing = list(self.exclude(status=status))
            for article in changing:
                article.status = status
                article.save(update_fields=["status", "updated_at"])
        return len(changing)

    def related_to(self, article):
        """Other articles sharing a category with ``article``, in one query (none without
        categories). Reads the article's prefetched categories if it has them."""
        category_ids = [category.pk for category in article.shown_categories]
        if not category_ids:
            return self.none()
        # IN rather than a join, so an article in two shared categories comes once; and
        # not a correlated EXISTS, which SQLite answers by checking every published
        # article in turn (about a millisecond on 2,000 articles), where IN starts from
        # the categories' few rows in the link table (issue 11).
        in_a_shared_category = Article.categories.through.objects.filter(
            category_id__in=category_ids
        ).values("article_id")
        return self.filter(pk__in=in_a_shared_category).exclude(pk=article.pk)

    def search(self, query: str):
        """Articles matching what a visitor typed, best match first.

        PostgreSQL: full-text search with the Swedish configuration (stemming, so
        "kommunerna" finds "kommun"), weighted title > lead > body, using the GIN index of
        migration 0005; each article gets ``title_headline`` and ``lead_headline`` with the
        matches between news.search.MARK_START and MARK_END. Other databases: every word
        must occur in the title, the lead or the body, newest first.
        """
        words = search.words(query)
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            return search.full_text(self, " ".join(words))
        matches = self
        for word in words:
            # SQLite's LIKE folds the case of ASCII letters only: "översyn" must also be
            # looked for as "Översyn" and "ÖVERSYN".
            variants = {word, word.lower(), word.capitalize(), word.upper()}
            matches = matches.filter(
                reduce(
                    operator.or_,
                    (
                        Q(**{f"{field}__icontains": variant})
                        for field in ("title", "lead", "body")
                        for variant in variants
                    ),
                )
            )
        return matches

    def with_categories(self):
        return self.prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("name", "slug"))
        )

    def for_page(self):
        """What the article page shows, in a constant number of queries: the hero comes
        in the same query as the article, the categories in one more
        (Article.shown_categories)."""
        return self.select_related("hero")

    def for_list(self):
        """What a list of articles shows, in a constant number of queries."""
        return self.with_categories().defer("body", "body_html")


class ArticleVersionFields(models.Model):
    """What the history (news.HistoricalArticle, one row a version) keeps beside the
    article's own fields."""

    class Review(models.TextChoices):
        """A version that is not the article's content yet: a change to a published
        article by someone who may not publish (or an old version restored as a draft),
        waiting for someone who may."""

        WAITING = "waiting", _("waiting for review")
        PUBLISHED = "published", _("published")
        DISCARDED = "discarded", _("discarded")
        REPLACED = "replaced", _("replaced by a newer change")

    # Saved while the article was published: what visitors were shown (or will be, once
    # its publication time comes).
    is_published_version = models.BooleanField(_("published version"), default=False)
    checkpoint_name = models.CharField(_("name of the version"), max_length=100, blank=True)
    review = models.CharField(
        _("review"), max_length=20, choices=Review, blank=True, default="", db_index=True
    )
    restored_from = models.PositiveIntegerField(_("restored from version"), null=True, blank=True)
    # The names of the fields that differ from the article's version before (see
    # news.history.note_changes), for the list of versions.
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.is_published_version = (
                self.status == Article.Status.PUBLISHED
                and not self.review
                and self.history_type != "-"
            )
        super().save(*args, **kwargs)


class Article(models.Model):
    class Status(models.TextChoices):
        """What the editor sets: a draft, a draft submitted for review by someone who may
        not publish, or published (from published_at, until unpublish_at). Stored in the
        ``status`` field."""

        DRAFT = "draft", _("draft")
        REVIEW = "review", _("waiting for review")
        PUBLISHED = "published", _("published")

    class Visibility(models.TextChoices):
        """What a visitor sees right now: the status and the two times together.
        Computed by ``Article.visibility``, never stored; the querysets drafts(),
        scheduled(), published() and expired() select each value. An article waiting
        for review is a draft to visitors."""

        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        EXPIRED = "expired", _("unpublished")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the address. Old addresses keep working if you change it."),
    )
    lead = models.TextField(
        _("lead"), max_length=600, help_text=_("One or two sentences that sum up the news.")
    )
    body = ProseEditorField(
        _("body"), extensions=article_body.EDITOR_EXTENSIONS, sanitize=True, blank=True
    )
    # The sanitised body with responsive images, prepared on save rather than per view.
    body_html = models.TextField(editable=False, blank=True)
    # From the image bank, like the images of the body: one alt text rule and one focal
    # point wherever an image is shown. PROTECT: an image an article shows cannot go.
    hero = models.ForeignKey(
        "Image",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="hero_of",
        verbose_name=_("hero image"),
        help_text=_("Choose an image from the image bank, or upload a new one there."),
    )
    seo_description = models.CharField(
        _("description for search engines"),
        max_length=DESCRIPTION_LENGTH,
        blank=True,
        help_text=_(
            "Optional: shown by search engines and when the article is shared. "
            "Without it, the beginning of the lead is used."
        ),
    )
    categories = models.ManyToManyField(
        Category, related_name="articles", blank=True, verbose_name=_("categories")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        db_index=True,
        help_text=_("A time in the future schedules the article."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish time"),
        null=True,
        blank=True,
        help_text=_("Optional: the article disappears from the site at this time."),
    )
    comments_enabled = models.BooleanField(
        _("comments allowed"),
        default=True,
        help_text=_("Untick to close commenting; published comments stay visible."),
    )
    correction_note = models.TextField(
        _("correction note"),
        blank=True,
        help_text=_(
            "Write what was corrected, e.g. “The meeting is on 14 June, not 13 June.” "
            "It is shown, dated, under the article's date. Corrections without a note "
            "do not change the article's date."
        ),
    )
    # Set by save() when the note is written or its text changes.
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The internal change stamp (caches, ETags): every save moves it.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What visitors are told of the last change (dateModified, lastmod, RSS): set by
    # save() on publishing and on a correction note only, so a silent typo fix keeps it.
    public_modified_at = models.DateTimeField(
        _("publicly modified at"), null=True, blank=True, editable=False
    )
    # Counts every change: each save, and each change left waiting for review. The admin
    # form carries the number it was opened with, and a save from a form older than the
    # article is refused (news.history_admin.ArticleForm).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Every save keeps a version, with its categories. The body as shown is made again
    # from the body on save. The version keeps the hero's id (simple-history's foreign
    # key has no constraint), so an image deleted since is simply gone from it.
    history = HistoricalRecords(
        verbose_name=_("article version"),
        verbose_name_plural=_("article versions"),
        bases=[ArticleVersionFields],
        m2m_fields=["categories"],
        excluded_fields=["body_html"],
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish articles"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=F("published_at")),
                name="news_article_unpublish_after_publish",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.title, exclude_pk=self.pk)
        previous = (
            Article.objects.filter(pk=self.pk)
            .values(
                "slug",
                "status",
                "correction_note",
                "corrected_at",
                "public_modified_at",
            )
            .first()
            if self.pk
            else None
        )
        previous_slug = previous and previous["slug"]
        if previous:
            # Counted by the database, so that two saves at once cannot both count one;
            # the new number is read back (RETURNING) into the instance.
            self.version = F("version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        else:
            self.version = 1
        self._set_public_times(previous, kwargs.get("update_fields"))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "corrected_at",
                "public_modified_at",
            }
        # Sanitised here too, so no path around the admin form stores raw HTML.
        self.body = self._meta.get_field("body").sanitize(self.body)
        self.body_html = article_body.render_body(self.body)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if previous_slug and previous_slug != self.slug:
                FormerSlug.objects.update_or_create(slug=previous_slug, defaults={"article": self})
            FormerSlug.objects.filter(slug=self.slug).delete()
        # Another image may have been chosen: the picture is worked out again.
        self.__dict__.pop("hero_picture", None)

    def get_absolute_url(self):
        return reverse("news:article", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        # Images uploaded before the image bank had alt texts may have none: such an image
        # is not shown as a hero until it has one (or is marked decorative).
        if self.hero_id and (hero := Image.objects.filter(pk=self.hero_id).first()):
            if not hero.is_decorative and not hero.alt_text.strip():
                errors["hero"] = gettext(
                    "The image has no alternative text. Write one in the image bank, or mark "
                    "the image as decorative there."
                )
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = gettext("This address is used by the site: choose another one.")
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            errors["unpublish_at"] = gettext(
                "The unpublish time must be after the publication time."
            )
        if foreign := article_body.foreign_image_sources(self.body):
            errors["body"] = gettext(
                "Images in the text must be uploaded to the site's image bank: %(sources)s"
            ) % {"sources": ", ".join(foreign)}
        if errors:
            raise ValidationError(errors)

    def _set_public_times(self, previous: dict | None, update_fields) -> None:
        """Date a new or changed correction note, and move the public modified time on
        publishing and on a correction note only. Worked out from the stored row, not
        from what the instance holds: a restored version or a form cannot move them."""
        now = timezone.now()
        if previous is None:
            if not self.correction_note.strip():
                self.corrected_at = None
            elif self.corrected_at is None:
                self.corrected_at = now
            if self.status == self.Status.PUBLISHED and self.public_modified_at is None:
                self.public_modified_at = now
            return

        def saved(name: str):
            return (
                getattr(self, name)
                if update_fields is None or name in update_fields
                else previous[name]
            )

        note, status = saved("correction_note"), saved("status")
        self.corrected_at = previous["corrected_at"]
        self.public_modified_at = previous["public_modified_at"]
        if not note.strip():
            self.corrected_at = None
        elif note != previous["correction_note"]:
            self.corrected_at = self.public_modified_at = now
        if status == self.Status.PUBLISHED and previous["status"] != self.Status.PUBLISHED:
            self.public_modified_at = now

    @property
    def visibility(self) -> "Article.Visibility":
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.Visibility.DRAFT
        if self.published_at > now:
            return self.Visibility.SCHEDULED
        if self.unpublish_at and self.unpublish_at <= now:
            return self.Visibility.EXPIRED
        return self.Visibility.PUBLISHED

    @cached_property
    def shown_categories(self) -> list[Category]:
        """The categories the article page shows, read once per instance: its head, its
        header, its structured data and its related news all name them. From the list's
        prefetch where there is one; for the one article of a page a plain query, as
        prefetch_related's machinery costs more than the query (issue 11)."""
        return list(self.categories.all())

    @property
    def hero_alt_text(self) -> str:
        return self.hero.alt if self.hero_id else ""

    @cached_property
    def hero_picture(self) -> Picture | None:
        """The hero as the page shows it: cut to 16:9 around the image's focal point.
        Kept for the instance: the page and its structured data both show it."""
        return self.hero.cropped_picture(DISPLAY_RATIO) if self.hero_id else None

    @property
    def modified_at(self):
        """When visitors were last told the article changed: its publishing or its latest
        correction note, or its appearance if a scheduled article appeared later."""
        return max(self.public_modified_at or self.published_at, self.published_at)

    @property
    def description(self) -> str:
        """What search engines and link previews show: the editor's text, else the lead."""
        return self.seo_description or Truncator(self.lead).chars(DESCRIPTION_LENGTH)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """An ASCII slug from the title ("Nätverk för …" gives "natverk-for-…"), made unique."""
    base = slugify(title)[:190].strip("-") or "artikel"
    slug, number = base, 2
    taken = Article.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


class FormerSlug(models.Model):
    """An address an article used to have; it redirects permanently to the current one."""

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="former_slugs", verbose_name=_("article")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")

    def __str__(self):
        return self.slug


class Image(models.Model):
    """An uploaded image that editors place in article bodies and show as heroes."""

    file = UploadedImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image_upload],
        help_text=_("JPEG, PNG or WebP."),
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    # Whether every rendition has been made: until then (and if making one failed) pages
    # show the original rather than addresses of missing files.
    # db_default: app servers still running the previous release during an upgrade
    # insert images without it.
    has_renditions = models.BooleanField(default=False, db_default=False, editable=False)
    description = models.CharField(
        _("description"),
        max_length=250,
        help_text=_("For finding the image again in the image bank."),
    )
    # One alt text rule for every use of the image: as a hero and in a body.
    # db_default on the new fields: app servers still running the previous release during
    # an upgrade insert images without them.
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,
        default="",
        db_default="",
        validators=[validate_alt_text],
        help_text=_("Describe what the image shows for those who cannot see it."),
    )
    is_decorative = models.BooleanField(
        _("decorative image"),
        default=False,
        db_default=False,
        help_text=_("Tick only if the image adds nothing to the text; it then gets no alt text."),
    )
    # The point crops keep in view, as fractions of the width and height from the top
    # left corner; none means the centre.
    focal_x = models.FloatField(
        _("focal point, across"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        previous = (
            Image.objects.filter(pk=self.pk)
            .values("file", "width", "height", "focal_x", "focal_y")
            .first()
            if self.pk
            else None
        )
        new_file = not previous or previous["file"] != self.file.name
        moved = previous and (previous["focal_x"], previous["focal_y"]) != (
            self.focal_x,
            self.focal_y,
        )
        if new_file or moved:
            # A new file, or crops around a new focal point, have no renditions until they
            # are made below: until then pages show the original.
            self.has_renditions = False
        super().save(*args, **kwargs)
        old_crops = (
            _crops(previous["width"], previous["height"], previous["focal_x"], previous["focal_y"])
            if previous
            else ()
        )
        if previous and previous["file"] and new_file:
            delete_unused_image(
                self.file.storage,
                previous["file"],
                previous["width"],
                crops=old_crops,
            )
        elif moved and previous["file"]:
            delete_renditions_after_commit(
                self.file.storage, previous["file"], previous["width"], old_crops
            )
        if self.file and self.width:
            ready = generate_renditions(self.file, self.width, self.crops)
            if ready != self.has_renditions:
                self.has_renditions = ready
                Image.objects.filter(pk=self.pk).update(has_renditions=ready)
                # A page shown while the renditions were being made has the original.
                page_cache.pages_changed()
        self.__dict__.pop("picture", None)
        self.__dict__.pop("shown_by_a_published_article", None)

    def clean(self):
        errors = {}
        if not self.is_decorative and not self.alt_text.strip():
            errors["alt_text"] = gettext(
                "Write an alternative text, or mark the image as decorative."
            )
        if self.is_decorative and self.alt_text.strip():
            errors["is_decorative"] = gettext(
                "A decorative image has no alternative text: remove the text or untick the box."
            )
        if (self.focal_x is None) != (self.focal_y is None):
            errors["focal_x"] = gettext("A focal point needs both its coordinates.")
        if errors:
            raise ValidationError(errors)

    @property
    def alt(self) -> str:
        """The alt attribute wherever the image is shown: empty for a decorative image."""
        return "" if self.is_decorative else self.alt_text

    @cached_property
    def picture(self) -> Picture | None:
        """The image as pages show it: its renditions, or the original until they exist.
        Kept for the instance: each rendition's name is a hash that takes time to compute."""
        if not self.file or not self.width:
            return None
        if not self.has_renditions:
            return original(self.file, self.width, self.height)
        return picture(self.file, self.width, self.height)

    @cached_property
    def shown_by_a_published_article(self) -> bool:
        """Whether an article an editor published (scheduled or expired included) shows
        the image, as its hero or in its text. Kept for the instance: the admin asks for
        each permission check of a page."""
        return (
            Article.objects.filter(status=Article.Status.PUBLISHED)
            .with_image(self.file.name)
            .exists()
        )

    @property
    def crops(self) -> tuple[Crop, ...]:
        """The image cut to each of renditions.RATIOS around its focal point."""
        return _crops(self.width, self.height, self.focal_x, self.focal_y)

    def crop(self, ratio: str) -> Crop:
        return crop_for(ratio, self.width, self.height, self.focal_x, self.focal_y)

    def cropped_picture(self, ratio: str) -> Picture | None:
        """The renditions of the crop to ``ratio`` (renditions.DISPLAY_RATIO), or the whole
        original until they exist."""
        if not self.file or not self.width:
            return None
        if not self.has_renditions:
            return original(self.file, self.width, self.height)
        return picture(self.file, self.width, self.height, self.crop(ratio))

    def cropped_image(self, ratio: str) -> Picture | None:
        """The one JPEG of the crop to ``ratio`` (one of renditions.SINGLE_RATIOS), for
        search engines and link previews; the original until it exists."""
        if not self.file or not self.width:
            return None
        if not self.has_renditions:
            return original(self.file, self.width, self.height)
        return single_image(self.file, self.crop(ratio))

    def crops_for_preview(self) -> list[tuple[str, Picture]]:
        """What the image bank shows editors of the crops: each ratio, smallest rendition."""
        previews = []
        for ratio in RATIOS:
            shown = (
                self.cropped_image(ratio) if ratio in SINGLE_RATIOS else self.cropped_picture(ratio)
            )
            if shown:
                previews.append((ratio, shown))
        return previews


def _crops(width, height, focal_x, focal_y) -> tuple[Crop, ...]:
    if not width or not height:
        return ()
    return tuple(crop_for(ratio, width, height, focal_x, focal_y) for ratio in RATIOS)


def image_in_use(name: str) -> bool:
    return Article.objects.with_image(name).exists() or Image.objects.filter(file=name).exists()


def delete_unused_image(
    storage: Storage, name: str, width: int | None, crops: tuple[Crop, ...] = ()
) -> None:
    """Delete an uploaded image that was replaced or deleted, and its renditions (those of
    ``crops`` too), once the transaction commits (a rollback keeps what the database still
    names), unless an article or the image bank still shows it."""

    def delete() -> None:
        if not image_in_use(name):
            delete_with_renditions(storage, name, width, crops)

    transaction.on_commit(delete)


def delete_renditions_after_commit(
    storage: Storage, name: str, width: int | None, crops: tuple[Crop, ...]
) -> None:
    """Delete the renditions of ``crops`` of a kept image, whose focal point moved, once
    the transaction commits: those of the crops no image-bank entry of the file has now
    (a crop's names come from the file and where it is cut, and a move can leave one
    crop where it was, as a 16:9 image's own 16:9 crop)."""

    def delete() -> None:
        kept = {crop for image in Image.objects.filter(file=name) for crop in image.crops}
        unused = tuple(crop for crop in crops if crop not in kept)
        if unused:
            delete_with_renditions(storage, name, width, unused, keep_original=True)

    transaction.on_commit(delete)


@receiver(post_create_historical_record)
def note_version_changes(sender, history_instance, **kwargs) -> None:
    # Versions simple-history makes itself: on saves outside the admin (the publish
    # actions, commands) and on changes of categories outside a save.
    if sender is Article.history.model:
        from . import history  # which builds on this module

        history.note_changes(history_instance)


# A signal rather than a delete() method: the admin's bulk deletion deletes a queryset.
# An article's hero stays in the image bank when the article is deleted.
@receiver(post_delete, sender=Image)
def delete_image_file(sender, instance: Image, **kwargs) -> None:
    if instance.file:
        delete_unused_image(
            instance.file.storage, instance.file.name, instance.width, crops=instance.crops
        )
