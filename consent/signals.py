from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Cookie, CookieCategory, GatedScript, PolicyVersion
from .policy import forget_policy


@receiver([post_save, post_delete], sender=CookieCategory)
@receiver([post_save, post_delete], sender=Cookie)
@receiver([post_save, post_delete], sender=GatedScript)
@receiver([post_save, post_delete], sender=PolicyVersion)
def policy_changed(sender, **kwargs):
    transaction.on_commit(forget_policy)
