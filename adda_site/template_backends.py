"""The Jinja2 engine of the public pages, with the precedence Django templates have."""

from django.template.backends import jinja2 as django_jinja2
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 engine, except that what a view gives a template wins over what the
    context processors give, as in Django templates. Django's Jinja2 engine applies the
    processors last, so the site processor's canonical_url (the address asked for) would
    replace an article's own on the page answering a refused comment."""

    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


class Template(django_jinja2.Template):
    @property
    def name(self) -> str:
        # As a Django template's: what the test client's assertTemplateUsed compares.
        return self.template.name

    def render(self, context=None, request=None):
        if request is None:
            return super().render(context)
        page = {
            "request": request,
            "csrf_input": csrf_input_lazy(request),
            "csrf_token": csrf_token_lazy(request),
        }
        for context_processor in self.backend.template_context_processors:
            page.update(context_processor(request))
        page.update(context or {})
        return super().render(page)
