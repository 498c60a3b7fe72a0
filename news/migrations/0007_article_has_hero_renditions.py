from django.db import migrations, models


def existing_heroes_have_renditions(apps, schema_editor):
    # Until now renditions were made on every save, a failure being an error for the
    # editor: articles with a hero image are taken to have them.
    Article = apps.get_model("news", "Article")
    Article.objects.exclude(hero_image="").update(has_hero_renditions=True)


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0006_uploads_without_metadata'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='has_hero_renditions',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(existing_heroes_have_renditions, migrations.RunPython.noop),
    ]
