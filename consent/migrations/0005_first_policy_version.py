"""Policy version 1 exists from the start, so that two first visitors can never race to
create it. Its texts are the categories and cookies as the earlier migrations left them;
if they differ from what the site shows (Matomo configured, say), the site publishes
version 2 on its first page."""

from django.conf import settings
from django.db import migrations
from django.utils import translation


def create_first_version(apps, schema_editor):
    from consent.models import canonical_sha256
    from consent.policy import Category, DeclaredCookie, Policy, banner_texts

    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    PolicyText = apps.get_model("consent", "PolicyText")
    CookieCategory = apps.get_model("consent", "CookieCategory")
    if PolicyVersion.objects.exists():
        return
    categories = tuple(
        Category(
            slug=c.slug,
            name=c.name,
            description=c.description,
            is_required=c.is_required,
            cookies=tuple(
                DeclaredCookie(k.name, k.provider, k.purpose, k.duration)
                for k in c.cookies.order_by("name")
            ),
        )
        for c in CookieCategory.objects.order_by("order", "name")
    )
    with translation.override(settings.LANGUAGE_CODE):
        policy = Policy(
            version=1,
            change_note="",
            categories=categories,
            scripts=(),
            banner=banner_texts(categories, ""),
        )
        texts, _created = PolicyText.objects.get_or_create(
            sha256=canonical_sha256(policy.texts), defaults={"snapshot": policy.texts}
        )
    PolicyVersion.objects.create(number=1, change_note="", texts=texts)


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_record_hash_method")]

    operations = [migrations.RunPython(create_first_version, migrations.RunPython.noop)]
