from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from news.models import Article

from .models import KeptForm

# Far above an article's form (the body is HTML text; images are uploaded, not kept).
DEFAULT_MAX_BYTES = 1024 * 1024


def article_for(request: HttpRequest, pk: int | None) -> Article | None:
    """The article whose form this is (None for a new one), if the editor may write it."""
    if pk is None:
        if not request.user.has_perm("news.add_article"):
            raise PermissionDenied
        return None
    if not request.user.has_perm("news.change_article"):
        raise PermissionDenied
    return get_object_or_404(Article, pk=pk)


@staff_member_required
@require_POST
def keep_article(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Keep what the open article form holds (sent by js/admin-autosave.js): the
    editor's one kept form of the article is replaced; the article itself is not saved,
    so no version is made."""
    article = article_for(request, pk)
    max_bytes = getattr(settings, "AUTOSAVE_MAX_BYTES", DEFAULT_MAX_BYTES)
    # Checked before the body is read; a body past DATA_UPLOAD_MAX_MEMORY_SIZE is a 400.
    length = request.headers.get("content-length") or "0"
    if not length.isdigit() or int(length) > max_bytes:
        return HttpResponse(status=413)
    fields = {
        name: request.POST.getlist(name) for name in request.POST if name != "csrfmiddlewaretoken"
    }
    KeptForm.objects.update_or_create(
        user=request.user, article=article, defaults={"fields": fields}
    )
    return HttpResponse(status=204)


@staff_member_required
@require_POST
def discard_article(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Throw away the editor's kept form of the article and go back to the form."""
    article = article_for(request, pk)
    KeptForm.objects.of(request.user, article).delete()
    messages.success(request, gettext("The unsaved changes were thrown away."))
    if article is None:
        return redirect("admin:news_article_add")
    return redirect(reverse("admin:news_article_change", args=[article.pk]))
