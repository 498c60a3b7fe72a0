from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# Only PostgreSQL has full-text search. The index is therefore not in Article.Meta.indexes:
# Django would try to create it on SQLite too, whenever it rebuilds the table.
INDEX_NAME = "news_article_search"


def search_index() -> GinIndex:
    # The same expression as news.search.search_vector(), copied so that this migration
    # keeps its meaning when that code changes; the search must use exactly this one.
    return GinIndex(
        SearchVector("title", config="swedish", weight="A")
        + SearchVector("lead", config="swedish", weight="B")
        + SearchVector("body", config="swedish", weight="C"),
        name=INDEX_NAME,
    )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("news", "Article"), search_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("news", "Article"), search_index())


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_descriptions"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
