"""The focal point of an image-bank image: where an editor clicks on the image in the
admin, or types as percentages, and what the crops (news.renditions) keep in view."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Image


class PercentField(forms.IntegerField):
    """A fraction from 0 to 1, shown and typed as a whole percentage."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=100, required=False, **kwargs)

    def prepare_value(self, value):
        # The instance's fraction; what an editor typed comes back as it was typed.
        return round(value * 100) if isinstance(value, float) else value

    def clean(self, value):
        percent = super().clean(value)
        return None if percent is None else percent / 100

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != self.to_python(data)


class ImageFileWidget(AdminFileWidget):
    # An image of the bank always has its file, so there is no "clear" box beside the
    # input: the field's own <label> names the input, where Django's fieldset and legend
    # for a clearable file input named only the group and left the input without a name.
    use_fieldset = False


class ImageForm(forms.ModelForm):
    focal_x = PercentField(
        label=_("Focal point across (%)"),
        help_text=_("0 is the left edge, 100 the right edge."),
    )
    focal_y = PercentField(
        label=_("Focal point down (%)"),
        help_text=_("0 is the top edge, 100 the bottom edge."),
    )

    class Meta:
        model = Image
        fields = ["file", "description", "alt_text", "is_decorative", "focal_x", "focal_y"]
        widgets = {"file": ImageFileWidget}


class FocalPointAdminMixin:
    """An image's change page shows the image to click the focal point on, and the crops
    it gives."""

    form = ImageForm
    fieldsets = [
        (None, {"fields": ["file", "description", "alt_text", "is_decorative"]}),
        (None, {"fields": ["address", "width", "height"]}),
        (
            _("Focal point"),
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y", "crop_previews"],
                "description": _(
                    "The point that crops keep in view: the article's hero image (16:9), "
                    "search engines (4:3) and link previews in social media (1.91:1). "
                    "Without a focal point the middle of the image is kept."
                ),
            },
        ),
    ]

    class Media:
        js = ["js/admin-focal-point.js"]
        css = {"all": ["css/admin-focal-point.css"]}

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "focal_point_picker", "crop_previews"]

    @admin.display(description=_("Choose the focal point"))
    def focal_point_picker(self, obj):
        if not obj or not obj.file:
            return gettext("Save the image first; then click on it to choose its focal point.")
        return format_html(
            '<div class="focal-point" data-focal-point data-input-x="id_focal_x"'
            ' data-input-y="id_focal_y">'
            '<img src="{}" alt="" width="{}" height="{}">'
            '<span class="focal-point__marker" hidden></span></div>'
            '<p class="help">{}</p>',
            obj.file.url,
            obj.width,
            obj.height,
            gettext(
                "Click on the image where what matters is, or type the point as percentages below."
            ),
        )

    @admin.display(description=_("Crops"))
    def crop_previews(self, obj):
        if not obj or not obj.file:
            return "-"
        crops = obj.crops_for_preview()
        return format_html(
            '<div class="crop-previews">{}</div>',
            format_html_join(
                "",
                '<figure class="crop-preview"><img src="{}" alt="" width="{}" height="{}">'
                "<figcaption>{}</figcaption></figure>",
                ((picture.src, picture.width, picture.height, label) for label, picture in crops),
            ),
        )
