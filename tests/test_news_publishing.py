"""Publishing and unpublishing: the queryset verbs the admin actions call, and the
two ways an editor sees an article's standing (the status they set, what visitors see)."""

from datetime import timedelta

import pytest
from django.db.models.signals import post_save
from django.utils import timezone
from pytest_django.asserts import assertContains

from news.models import Article


@pytest.fixture
def articles_by_visibility(make_article):
    now = timezone.now()
    return {
        Article.Visibility.DRAFT: make_article("Utkastet", status=Article.Status.DRAFT),
        Article.Visibility.SCHEDULED: make_article(
            "Kommer sen", published_at=now + timedelta(days=2)
        ),
        Article.Visibility.PUBLISHED: make_article("Ute nu"),
        Article.Visibility.EXPIRED: make_article(
            "Gammal nyhet",
            published_at=now - timedelta(days=10),
            unpublish_at=now - timedelta(days=1),
        ),
    }


def test_each_visibility_has_a_queryset_that_selects_exactly_it(articles_by_visibility):
    selections = {
        Article.Visibility.DRAFT: Article.objects.drafts(),
        Article.Visibility.SCHEDULED: Article.objects.scheduled(),
        Article.Visibility.PUBLISHED: Article.objects.published(),
        Article.Visibility.EXPIRED: Article.objects.expired(),
    }
    for visibility, queryset in selections.items():
        assert list(queryset) == [articles_by_visibility[visibility]], visibility
        assert articles_by_visibility[visibility].visibility == visibility


def test_publishing_stamps_the_change_time_visitors_see_in_feeds_and_sitemap(make_article):
    draft = make_article("Utkastet", status=Article.Status.DRAFT)
    Article.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=30))

    assert Article.objects.filter(pk=draft.pk).publish() == 1

    draft.refresh_from_db()
    assert draft.visibility == Article.Visibility.PUBLISHED
    assert draft.updated_at > timezone.now() - timedelta(minutes=1)


def test_publishing_sends_the_save_signal_for_each_article(make_article):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
    saved = []

    def listener(sender, instance, **kwargs):
        saved.append(instance.pk)

    post_save.connect(listener, sender=Article)
    try:
        Article.objects.drafts().publish()
    finally:
        post_save.disconnect(listener, sender=Article)
    assert sorted(saved) == sorted(article.pk for article in drafts)


def test_publishing_leaves_already_published_articles_alone(make_article):
    published = make_article("Ute nu")
    stamp = Article.objects.filter(pk=published.pk).values_list("updated_at", flat=True).get()
    make_article("Utkastet", status=Article.Status.DRAFT)

    assert Article.objects.publish() == 1

    published.refresh_from_db()
    assert published.updated_at == stamp


def test_unpublishing_turns_articles_into_drafts_visitors_cannot_see(client, make_article):
    article = make_article("Ute nu")

    assert Article.objects.filter(pk=article.pk).unpublish() == 1

    assert Article.objects.get().visibility == Article.Visibility.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_publishing_a_scheduled_article_keeps_its_time(make_article):
    later = timezone.now() + timedelta(days=2)
    article = make_article(status=Article.Status.DRAFT, published_at=later)

    Article.objects.publish()

    article.refresh_from_db()
    assert article.visibility == Article.Visibility.SCHEDULED
    assert article.published_at == later


def test_unpublish_action_in_admin_stamps_the_change_time(editor_client, make_article):
    article = make_article("Ute nu")
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=30))

    response = editor_client.post(
        "/admin/news/article/",
        {"action": "unpublish", "_selected_action": [article.pk]},
        follow=True,
    )

    assertContains(response, "1 artikel är nu ett utkast.")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.updated_at > timezone.now() - timedelta(minutes=1)


def test_admin_filters_tell_the_editors_status_from_what_visitors_see(
    editor_client, articles_by_visibility
):
    response = editor_client.get("/admin/news/article/")
    assertContains(response, "status satt av redaktören")
    assertContains(response, "synlig på webbplatsen")

    expired = editor_client.get("/admin/news/article/?visibility=expired")
    assert list(expired.context["cl"].result_list) == [
        articles_by_visibility[Article.Visibility.EXPIRED]
    ]
    # The same article counts as "published" by the status the editor set.
    by_status = editor_client.get("/admin/news/article/?status__exact=published")
    assert set(by_status.context["cl"].result_list) == {
        articles_by_visibility[Article.Visibility.SCHEDULED],
        articles_by_visibility[Article.Visibility.PUBLISHED],
        articles_by_visibility[Article.Visibility.EXPIRED],
    }
