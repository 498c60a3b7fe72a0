from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CommentRules


@receiver([post_save, post_delete], sender=CommentRules)
def rules_changed(sender, **kwargs):
    # Now, for this request's next read, and again after commit, in case another request
    # cached the old rules in between.
    CommentRules.forget_cached()
    transaction.on_commit(CommentRules.forget_cached)
