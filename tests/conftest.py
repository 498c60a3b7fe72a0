import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.signals import template_rendered
from django.utils import timezone
from PIL import Image as PillowImage

from adda_site import groups
from adda_site.template_backends import Template
from news.models import Article, Category, Image


@pytest.fixture(autouse=True, scope="session")
def jinja2_pages_recorded():
    """The test client keeps the templates and context of the public pages (Jinja2) as
    Django's test setup makes it keep those of Django templates: response.templates,
    response.context."""
    render = Template.render

    def recorded_render(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=context or {})
        return render(self, context, request)

    Template.render = recorded_render
    yield
    Template.render = render


def migrate(targets):
    """Runs the migrations to ``targets``; the apps as they stand there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator():
    """Runs the migrations to a point; the database goes back to the latest after. Tests
    that use it need django_db(transaction=True, serialized_rollback=True): migrating
    rewrites tables, and the data migrations' rows are put back for the tests after."""
    yield migrate
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


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
def make_bank_image(db, make_image_upload):
    """An image in the image bank, uploaded as in admin: with an alt text, or decorative."""

    def factory(
        description="Kommunhuset i vinterljus",
        *,
        alt_text="Kommunhuset täckt av snö i morgonljus",
        is_decorative=False,
        upload=None,
        **upload_options,
    ):
        image = Image(
            description=description,
            alt_text="" if is_decorative else alt_text,
            is_decorative=is_decorative,
            file=upload or make_image_upload(**upload_options),
        )
        image.full_clean()
        image.save()
        return image

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
    user.groups.add(Group.objects.get(name=groups.EDITORS))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def writer(db, django_user_model):
    """A member of the "Skribenter" group: writes and submits for review, publishes nothing."""
    user = django_user_model.objects.create_user(
        "skribent", "skribent@example.se", "ett-langt-losenord-789", is_staff=True
    )
    user.first_name, user.last_name = "Sara", "Skribent"
    user.save()
    user.groups.add(Group.objects.get(name=groups.WRITERS))
    return user


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


# Comments


@pytest.fixture
def comment_settings(settings):
    """The comment settings' defaults, whatever the environment running the tests says."""
    settings.COMMENTS_MODERATION = "all"
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    settings.COMMENTS_NOTIFY_EDITORS = False
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def form_stamp():
    """A form's signed time stamp, made ``seconds_ago``: old enough to pass as a person."""
    import time

    from django.core import signing

    from adda_site.forms import STAMP_SALT

    def factory(seconds_ago: float = 10, *, article=None) -> str:
        # Made for one article's comment form, or for the accessibility report form.
        target = f"news.article:{article.pk}" if article else "pages.accessibilityreport"
        return signing.dumps([time.time() - seconds_ago, target], salt=STAMP_SALT)

    return factory


@pytest.fixture
def comment_stamp(form_stamp):
    """``comment_stamp(seconds_ago, article=article)``: the comment form's time stamp."""
    return form_stamp


@pytest.fixture
def comment_data(comment_stamp):
    """What a visitor's browser sends from an article's comment form."""

    def factory(article, **fields) -> dict:
        return {
            "name": "Anna Andersson",
            "email": "anna@example.se",
            "text": "Bra att kommunerna samarbetar.",
            "hp_kontroll": "",
            "stamp": comment_stamp(article=article),
            **fields,
        }

    return factory


@pytest.fixture
def post_comment(client, comment_data, comment_settings):
    """``post_comment(article, text=...)``: a visitor sends the comment form of an article."""
    from django.urls import reverse

    def factory(article, *, remote_addr="192.0.2.10", using=None, headers=None, **fields):
        return (using or client).post(
            reverse("comments:post", args=[article.slug]),
            comment_data(article, **fields),
            headers=headers,
            REMOTE_ADDR=remote_addr,
        )

    return factory


@pytest.fixture
def make_comment(db):
    from comments.models import Comment

    counter = iter(range(1, 100_000))

    def factory(article, text=None, *, status=Comment.Status.PUBLISHED, **fields):
        number = next(counter)
        fields.setdefault("name", "Anna Andersson")
        fields.setdefault("email", "anna@example.se")
        return Comment.objects.create(
            article=article, text=text or f"Kommentar nummer {number}.", status=status, **fields
        )

    return factory


# Pages


@pytest.fixture
def site_pages(db):
    """The accessibility statement and site pages of the data migration, made again when
    a database flush (after a live server test) has removed them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pages.migrations.0002_starting_content_and_editors")
    migration.create_starting_content(apps)
    cache.clear()


@pytest.fixture
def statement(site_pages):
    from pages.models import AccessibilityStatement

    return AccessibilityStatement.objects.get()


@pytest.fixture
def report_data(form_stamp):
    """What a visitor's browser sends from the accessibility report form."""

    def factory(**fields) -> dict:
        return {
            "problem": "Knappen Sök går inte att nå med tangentbordet.",
            "page": "",
            "name": "",
            "email": "",
            "hp_kontroll": "",
            "stamp": form_stamp(),
            **fields,
        }

    return factory


# Faults: the production site with a database that fails on purpose (tests/faults.py)


@pytest.fixture(scope="session")
def postgres_site(tmp_path_factory):
    """The production site on PostgreSQL reached through a Forwarder, with an editor
    account ("redaktor"): ``postgres_site.database.close()`` takes the database away."""
    from faults import POSTGRES, FailingSite, Forwarder, postgres_database, postgres_is_running
    from production_site import production_site

    if not postgres_is_running():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    forwarder = Forwarder(POSTGRES)
    forwarder.open()
    tmp_path = tmp_path_factory.mktemp("postgres-site")
    try:
        with postgres_database() as name:
            url = f"postgres://postgres@127.0.0.1:{forwarder.port}/{name}"
            with production_site(tmp_path, DATABASE_URL=url, CONN_MAX_AGE="60") as site:
                site.manage("shell", "-c", FailingSite.CREATE_EDITOR)
                yield FailingSite(site.port, forwarder, tmp_path / "gunicorn.log", name)
    finally:
        forwarder.close()


@pytest.fixture
def database_down(postgres_site):
    """Takes the PostgreSQL site's database away when called; it is back after the test."""
    yield postgres_site.database.close
    postgres_site.database.open()


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory):
    """The production site on its SQLite file, whose writes wait 0.3 s for a lock."""
    from faults import FailingSite
    from production_site import production_site

    tmp_path = tmp_path_factory.mktemp("sqlite-site")
    # Without persistent connections: another program can take the exclusive lock these
    # tests simulate only while no worker keeps the file open.
    with production_site(tmp_path, SQLITE_BUSY_TIMEOUT_MS="300", CONN_MAX_AGE="0") as site:
        yield FailingSite(site.port, None, tmp_path / "gunicorn.log", tmp_path / "db.sqlite3")
