from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("comments")

    def ready(self):
        from adda_site import page_cache

        from .models import Comment, CommentRules
        from .submission import next_comments_closing

        # A comment waiting for moderation shows nowhere; one published at once does.
        page_cache.refresh_on_change(
            Comment,
            when=lambda comment, created: not created or comment.status == Comment.Status.PUBLISHED,
        )
        page_cache.refresh_on_change(CommentRules)
        page_cache.on_schedule(next_comments_closing)
