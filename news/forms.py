from django import forms
from django.utils.translation import gettext_lazy as _

# Longer queries are refused with a message rather than searched: nobody types more, and
# each word costs the database work.
SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    # CharField also refuses NUL characters, which PostgreSQL cannot compare.
    q = forms.CharField(label=_("Search the news"), max_length=SEARCH_MAX_LENGTH, required=False)
