from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_has_unsent_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="html",
            field=models.TextField(
                blank=True, db_default="", editable=False, verbose_name="HTML on article pages"
            ),
        ),
    ]
