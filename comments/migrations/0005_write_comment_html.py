from django.db import migrations

# The comments' HTML is derived from their fields, so the fill uses today's writer
# (comments.rendering), as manage.py write_comments does; a later release that writes
# comments differently runs write_comments (docs/deploy.md).
from comments.rendering import write_stored


def write_every_comment(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    write_stored(Comment.objects.using(schema_editor.connection.alias).filter(html=""))


class Migration(migrations.Migration):
    # Not atomic, so that the fill commits a batch at a time: in one transaction PostgreSQL
    # would keep every written row locked, and article pages waiting, until the last one.
    # Apart from 0004, which adds the column, so that a fill cut short is simply run again.
    atomic = False

    dependencies = [
        ("comments", "0004_comment_html"),
    ]

    operations = [
        migrations.RunPython(write_every_comment, migrations.RunPython.noop, atomic=False),
    ]
