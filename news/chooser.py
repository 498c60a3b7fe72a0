"""The image chooser of the article form: the body editor's image button and the hero
field open it to search the image bank or upload a new image without leaving the article.

The views answer with fragments of server-rendered HTML that static/js/admin-image-chooser.js
shows in a modal <dialog>; they sit under the image bank's admin (ImageAdmin.get_urls), so
only staff reach them, and each checks the image bank's own permissions.
"""

from django import forms
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.widgets import Script
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from .models import Image

PAGE_SIZE = 12
# The hero field chooses an image without a caption; the body editor inserts a figure.
FOR_HERO = "hero"


class ImageUploadForm(forms.ModelForm):
    """An image uploaded from the chooser: the image bank's fields and checks (the file's
    validators, the metadata removal of its field and Image.clean's alt text rule)."""

    class Meta:
        model = Image
        fields = ["file", "description", "alt_text", "is_decorative"]


def _for_hero(data) -> bool:
    return data.get("for") == FOR_HERO


def _chooser(
    request: HttpRequest,
    model_admin: ModelAdmin,
    *,
    upload_form: ImageUploadForm | None = None,
    for_hero: bool,
    status: int = 200,
) -> TemplateResponse:
    query = request.GET.get("q", "").strip()
    # Newest first, as in the image bank; the key breaks ties so no image is on two pages.
    images = Image.objects.order_by("-uploaded_at", "-pk")
    if query:
        images = images.filter(Q(description__icontains=query) | Q(alt_text__icontains=query))
    page = Paginator(images, PAGE_SIZE).get_page(request.GET.get("sida"))
    if upload_form is None and model_admin.has_add_permission(request):
        upload_form = ImageUploadForm(auto_id="image-chooser-%s")
    return TemplateResponse(
        request,
        "admin/news/image_chooser.html",
        {
            "query": query,
            "page_obj": page,
            "upload_form": upload_form,
            "for_hero": for_hero,
        },
        status=status,
    )


@require_GET
def search(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """The image bank, searched by description and alt text, a page of thumbnails at a
    time, with the upload form below."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return _chooser(request, model_admin, for_hero=_for_hero(request.GET))


@require_POST
def upload(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """A new image for the bank, chosen at once; a refused upload saves nothing and
    shows the chooser again with the errors beside their fields."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    for_hero = _for_hero(request.POST)
    form = ImageUploadForm(request.POST, request.FILES, auto_id="image-chooser-%s")
    if not form.is_valid():
        return _chooser(request, model_admin, upload_form=form, for_hero=for_hero, status=400)
    image = form.save()
    model_admin.log_addition(request, image, [{"added": {}}])
    return _chosen(request, image, for_hero=for_hero, status=201)


@require_GET
def chosen(request: HttpRequest, model_admin: ModelAdmin, pk: int) -> HttpResponse:
    """One image of the bank, with what the article needs of it (address, alt text, size)
    and, for the body, a field for the figure's caption."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    image = get_object_or_404(Image, pk=pk)
    return _chosen(request, image, for_hero=_for_hero(request.GET))


def _chosen(
    request: HttpRequest, image: Image, *, for_hero: bool, status: int = 200
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/news/image_chooser_chosen.html",
        {
            "image": image,
            # Images from before the alt text rule may have neither text nor the mark:
            # they cannot be placed until someone writes one in the image bank.
            "has_alt_rule": image.is_decorative or bool(image.alt_text.strip()),
            "for_hero": for_hero,
        },
        status=status,
    )


# Read when the article form is rendered: the chooser's address and the texts the script
# shows itself (everything else it shows comes from the views above).
CHOOSER_SCRIPT = Script(
    "js/admin-image-chooser.js",
    **{
        "data-url": reverse_lazy("admin:news_image_chooser"),
        "data-hero-label": _("Choose an image"),
        "data-error": _("The image bank could not be reached. Try again."),
        "data-close": _("Close"),
    },
)
