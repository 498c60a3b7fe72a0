"""The admin put together: what one app's admin gains from another app is joined here,
where every app may be imported (news imports no other app; see DESIGN.md). This module
is found after the apps' own admin modules: adda_site comes last in INSTALLED_APPS."""

from django.contrib import admin

from autosave.admin_mixins import AUTOSAVE_SCRIPT, AutosaveAdminMixin
from news.admin import ArticleAdmin
from news.models import Article


class ArticleWithAutosaveAdmin(AutosaveAdminMixin, ArticleAdmin):
    """The article form, kept on the server while the editor types and offered back after
    a crash (the autosave app)."""

    class Media:
        js = [AUTOSAVE_SCRIPT]


admin.site.unregister(Article)
admin.site.register(Article, ArticleWithAutosaveAdmin)
