"""Texts Django 6.1 shows in the admin that its own Swedish catalogue does not have yet.

They are named here only so that makemessages keeps them in locale/sv/LC_MESSAGES/
django.po, where Django finds them (LOCALE_PATHS comes before Django's catalogues). The
date picker's new labels are JavaScript texts: locale/sv/LC_MESSAGES/djangojs.po, which
the admin's JavaScript catalogue reads, as makemessages does not look at Django's files.
"""

from django.utils.translation import gettext_noop

# The empty choice of a select box (django.db.models.fields.BLANK_CHOICE_LABEL).
gettext_noop("- Select an option -")
