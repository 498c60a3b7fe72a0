"""An article's versions: one for every save, marked when published or named by an editor;
changes to a published article waiting for review; restoring an old version.

Versions are django-simple-history's records (``Article.history``, news.HistoricalArticle)
with the fields of news.models.ArticleVersionFields. The admin saves an article and its
categories first and keeps one version afterwards (``record_version``), rather than the
version simple-history would make on save and another for each change of categories.

A change that waits for review is a version that is not the article's content: the
article row, which visitors see, stays as it is, and ``Article.version`` counts the change
so that forms opened before it are refused. Publishing it goes through ``Article.save()``
like every save, so the public pages are fresh at once.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from . import compare
from .models import Article, ArticleVersionFields, Image

Review = ArticleVersionFields.Review
HistoricalArticle = Article.history.model
HistoricalCategories = HistoricalArticle.categories.model
# What an article takes from a version it goes back to: its content, its times and its
# status, but not its identity, its creation, its change stamp or its change count.
NOT_RESTORED = {"id", "created_at", "updated_at", "version"}


def versions(article_id: int) -> QuerySet:
    return Article.history.filter(id=article_id).order_by("-history_date", "-history_id")


def saved_versions(article_id: int) -> QuerySet:
    """The versions that were the article's content (not changes that waited)."""
    return versions(article_id).filter(review="")


def waiting_version(article_id: int):
    """The change to the article that waits for review, if any."""
    return versions(article_id).filter(review=Review.WAITING).first()


def current_number(article_id: int) -> int | None:
    """The article's change count, the row locked until the transaction ends when there is
    one: the admin checks it and saves in the same transaction."""
    articles = Article.objects.filter(pk=article_id)
    if transaction.get_connection().in_atomic_block:
        articles = articles.select_for_update()
    return articles.values_list("version", flat=True).first()


def record_version(
    article: Article,
    *,
    user: AbstractBaseUser | None,
    categories=None,
    history_type: str = "~",
    **marks,
):
    """Keep the article as it is now as a version, with ``categories`` (categories or their
    ids; its saved ones if not given) and ``marks`` (ArticleVersionFields: review,
    checkpoint_name…)."""
    version = HistoricalArticle(
        **{
            field.attname: getattr(article, field.attname)
            for field in HistoricalArticle.tracked_fields
        },
        history_date=timezone.now(),
        history_type=history_type,
        history_user=user if user and user.is_authenticated else None,
        **marks,
    )
    version.save()
    rows = Article.categories.through.objects.filter(article_id=article.pk)
    row_ids = dict(rows.values_list("category_id", "id"))
    if categories is None:
        category_ids = list(row_ids)
    else:
        category_ids = [getattr(category, "pk", category) for category in categories]
    HistoricalCategories.objects.bulk_create(
        HistoricalCategories(
            history=version,
            # The id of the row joining them, as simple-history keeps it; a category
            # chosen in a change that waits has no row yet.
            id=row_ids.get(category_id, 0),
            article_id=article.pk,
            category_id=category_id,
        )
        for category_id in category_ids
    )
    note_changes(version)
    return version


def note_changes(version) -> None:
    """Remember which fields the version changed, for the list of versions."""
    previous = (
        saved_versions(version.id)
        .filter(history_date__lte=version.history_date)
        .exclude(history_id=version.history_id)
        .first()
    )
    version.changed_fields = compare.changed_fields(previous, version) if previous else []
    HistoricalArticle.objects.filter(pk=version.pk).update(changed_fields=version.changed_fields)


def put_version(article: Article, version) -> bool:
    """Give the article (in memory) the content of the version. Returns False if the
    version's hero image is no longer in the image bank (or its file is gone): the article
    then keeps its own."""
    # The version keeps only the image's id: the image may have been deleted since, once
    # no article showed it.
    hero = Image.objects.filter(pk=version.hero_id).first() if version.hero_id else None
    has_image = not version.hero_id or (
        hero is not None and hero.file.storage.exists(hero.file.name)
    )
    for field in HistoricalArticle.tracked_fields:
        if field.name in NOT_RESTORED or (not has_image and field.name == "hero"):
            continue
        setattr(article, field.attname, getattr(version, field.attname))
    if has_image:
        # The image itself, not only its id: the page or preview then shows it at once.
        article.hero = hero
    article.__dict__.pop("hero_picture", None)
    return has_image


def category_ids(version) -> list[int]:
    """The version's categories that still exist."""
    return list(
        version.categories.filter(category__isnull=False).values_list("category_id", flat=True)
    )


def working_copy(article: Article) -> Article:
    """The article as its editors work on it: with the change waiting for review, if
    there is one (``article.waiting_version``), else as it is."""
    article.waiting_version = waiting_version(article.pk)
    if article.waiting_version:
        put_version(article, article.waiting_version)
    return article


def save_with_version(article: Article, *, user, categories=None, published=None, **marks):
    """Save the article, set its categories if given, and keep one version of it."""
    article.skip_history_when_saving = True
    try:
        article.save()
        if categories is not None:
            article.categories.set(categories)
    finally:
        del article.skip_history_when_saving
    return keep_version(article, user=user, published=published, **marks)


def keep_version(article: Article, *, user, published=None, **marks):
    """Keep a version of the article as it was just saved, categories included. A change
    that waited is settled by the save: ``published`` if that is the version saved, else
    replaced by it."""
    version = record_version(article, user=user, **marks)
    waiting = Article.history.filter(id=article.pk, review=Review.WAITING)
    if published is not None:
        waiting.filter(pk=published.pk).update(review=Review.PUBLISHED)
    waiting.update(review=Review.REPLACED)
    return version


def leave_waiting(article: Article, *, user, categories, **marks):
    """Keep a change to a published article (in memory, not saved) as a version waiting
    for review. Visitors keep seeing the article as it is; an earlier change waiting is
    replaced by this one, which was made from it."""
    Article.history.filter(id=article.pk, review=Review.WAITING).update(review=Review.REPLACED)
    articles = Article.objects.filter(pk=article.pk)
    # update(): nothing visitors see changes, so no save, no signals, no new change stamp.
    articles.update(version=F("version") + 1)
    article.version = articles.values_list("version", flat=True).get()
    # No save sanitises it on the way: the version is shown and may be published later.
    article.body = Article._meta.get_field("body").sanitize(article.body)
    return record_version(article, user=user, categories=categories, review=Review.WAITING, **marks)


@transaction.atomic
def restore(version, *, user, publish: bool):
    """Make the article the version's content again, as a new version: published, or as
    a draft. A published article restored as a draft stays as visitors see it, and the
    restored content waits for review like any change to it.

    Checked as the admin form checks an article; raises ValidationError if the content
    is no longer valid (another article has taken its address, say). Returns the new
    version and whether the version's hero image could be restored.
    """
    article = Article.objects.select_for_update().get(pk=version.id)
    was_published = article.status == Article.Status.PUBLISHED
    has_image = put_version(article, version)
    categories = category_ids(version)
    marks = {"restored_from": version.version}
    if publish:
        article.status = Article.Status.PUBLISHED
    elif not was_published:
        article.status = Article.Status.DRAFT
    else:
        article.status = Article.Status.PUBLISHED
        article.full_clean()
        return leave_waiting(article, user=user, categories=categories, **marks), has_image
    article.full_clean()
    new = save_with_version(
        article, user=user, categories=categories, published=version if publish else None, **marks
    )
    return new, has_image


def discard_waiting(article: Article) -> int:
    return Article.history.filter(id=article.pk, review=Review.WAITING).update(
        review=Review.DISCARDED
    )


def name_version(version, name: str) -> None:
    version.checkpoint_name = name
    HistoricalArticle.objects.filter(pk=version.pk).update(checkpoint_name=name)
