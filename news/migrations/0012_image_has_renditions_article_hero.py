import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The hero becomes an image of the image bank: the new fields first. Each step is
    its own migration, so that PostgreSQL changes no table it has pending row changes in."""

    dependencies = [
        ('news', '0011_image_alt_text_and_focal_point'),
    ]

    operations = [
        migrations.AddField(
            model_name='image',
            name='has_renditions',
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name='article',
            name='hero',
            field=models.ForeignKey(blank=True, help_text='Choose an image from the image bank, or upload a new one there.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='hero_of', to='news.image', verbose_name='hero image'),
        ),
        migrations.AddField(
            model_name='historicalarticle',
            name='hero',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Choose an image from the image bank, or upload a new one there.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='news.image', verbose_name='hero image'),
        ),
    ]
