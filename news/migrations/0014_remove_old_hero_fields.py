from django.db import migrations, models


class Migration(migrations.Migration):
    """The hero's file and texts now live in the image bank (migration 0013): the model
    forgets the old fields, but their columns stay until a later release, as
    docs/deploy.md asks, so that app servers still running the old code during a rolling
    upgrade can read and write articles. Until then the columns get database defaults, so
    that the new code's inserts, which leave them out, are accepted.

    That later release drops the columns, after moving to the image bank any hero an old
    server uploaded during the upgrade: the articles whose ``hero_image`` is not empty, as
    migration 0013 emptied it for every hero it moved. During the upgrade old servers show
    no hero for the articles moved; they never show a stale one."""

    dependencies = [
        ('news', '0013_heroes_into_image_bank'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='hero_image',
            field=models.CharField(blank=True, db_default='', max_length=100),
        ),
        migrations.AlterField(
            model_name='article',
            name='hero_alt',
            field=models.CharField(blank=True, db_default='', max_length=250),
        ),
        migrations.AlterField(
            model_name='article',
            name='hero_is_decorative',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name='article',
            name='has_hero_renditions',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='hero_image',
            field=models.TextField(blank=True, db_default='', max_length=100),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='hero_alt',
            field=models.CharField(blank=True, db_default='', max_length=250),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='hero_is_decorative',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='article', name='has_hero_renditions'),
                migrations.RemoveField(model_name='article', name='hero_alt'),
                migrations.RemoveField(model_name='article', name='hero_height'),
                migrations.RemoveField(model_name='article', name='hero_image'),
                migrations.RemoveField(model_name='article', name='hero_is_decorative'),
                migrations.RemoveField(model_name='article', name='hero_width'),
                migrations.RemoveField(model_name='historicalarticle', name='hero_alt'),
                migrations.RemoveField(model_name='historicalarticle', name='hero_height'),
                migrations.RemoveField(model_name='historicalarticle', name='hero_image'),
                migrations.RemoveField(model_name='historicalarticle', name='hero_is_decorative'),
                migrations.RemoveField(model_name='historicalarticle', name='hero_width'),
            ],
        ),
    ]
