import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from news.models import Article, Category


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and renditions of each test go to a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    # imagekit remembers in the cache which renditions exist; each test has new media.
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def png_bytes(width: int = 1600, height: int = 900, colour=(0, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def make_image_upload():
    def factory(name="bild.png", width=1600, height=900):
        return SimpleUploadedFile(name, png_bytes(width, height), content_type="image/png")

    return factory


@pytest.fixture
def make_category(db):
    def factory(name="Innovation", slug=None):
        return Category.objects.create(name=name, slug=slug or name.lower())

    return factory


@pytest.fixture
def make_article(db):
    counter = iter(range(1, 10_000))

    def factory(
        title=None,
        *,
        status=Article.Status.PUBLISHED,
        published_at=None,
        categories=(),
        **fields,
    ):
        number = next(counter)
        article = Article.objects.create(
            title=title or f"Nyhet nummer {number}",
            lead=fields.pop("lead", f"Ingress till nyhet nummer {number}."),
            status=status,
            published_at=published_at or timezone.now() - timedelta(hours=number),
            **fields,
        )
        article.categories.set(categories)
        return article

    return factory


@pytest.fixture
def editor(db, django_user_model):
    """A member of the "Redaktörer" group who is not a superuser."""
    user = django_user_model.objects.create_user(
        "redaktor", "redaktor@example.se", "ett-langt-losenord-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Redaktörer"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# Consent


@pytest.fixture
def choose(db):
    """A visitor's choice on the banner: ``choose(client, "alla")`` or ``"nodvandiga"``."""

    def factory(client, choice, **extra):
        return client.post("/cookies/val/", {"choice": choice, "next": "/"}, **extra)

    return factory


@pytest.fixture
def matomo(db, settings):
    """Matomo configured for the site, as MATOMO_URL and MATOMO_SITE_ID do in production."""
    from consent.policy import forget_policy

    settings.MATOMO_URL = "https://stats.example.org/"
    settings.MATOMO_SITE_ID = "3"
    forget_policy()
    return settings.MATOMO_URL


@pytest.fixture
def make_gated_script(db):
    from consent.models import CookieCategory, GatedScript

    def factory(name="Kartor", *, category="statistik", **fields):
        fields.setdefault("src", "https://cdn.example.net/kartor.js")
        fields.setdefault("is_active", True)
        script = GatedScript(
            name=name, category=CookieCategory.objects.get(slug=category), **fields
        )
        script.full_clean()
        script.save()
        return script

    return factory


@pytest.fixture
def make_consent_record(db):
    """A recorded choice, appended to the chain as a visitor's choice would be."""
    import secrets

    from consent.cookie import append_record
    from consent.models import ConsentRecord
    from consent.policy import current_policy

    def factory(*, allowed=(), method=ConsentRecord.Method.BANNER_REJECT, consent_id=None):
        return append_record(
            consent_id=consent_id or secrets.token_hex(16),
            allowed=frozenset(allowed),
            method=method,
            policy=current_policy(),
        )

    return factory
