from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CommentRules


@receiver([post_save, post_delete], sender=CommentRules)
def rules_changed(sender, **kwargs):
    # Only after commit: forgotten before, the rules could be cached again from this
    # uncommitted transaction, and stay cached if it is rolled back.
    transaction.on_commit(CommentRules.forget_cached)
