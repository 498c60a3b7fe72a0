import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adda_site import outages, rate_limits
from news.models import Article
from news.views import article_context

from . import spam
from .forms import CommentForm
from .models import Comment
from .submission import comments_open, submit_comment

THANKS_PARAMETER = "kommentar=tack"
# A comment published at once (moderation "first" or "none") is not promised a review.
PUBLISHED_PARAMETER = "kommentar=publicerad"
# What comments/not_saved.html sends again.
KEPT_FIELDS = ("name", "email", "text", "hp_kontroll", "stamp")

logger = logging.getLogger(__name__)


def _reshow(request, article, form, *, status: int, refusal: str = ""):
    """The article again, with everything the visitor typed still in the form."""
    form.renew_stamp()
    context = article_context(request, article, comment_form=form, comment_refusal=refusal)
    return render(request, "news/article_detail.html", context, status=status)


def _kept_when_the_database_fails(view):
    """A comment sent while the database is down or locked is not lost: the visitor gets
    what they typed back, in a page that needs no database (the article page does), with
    a button that sends it again."""

    @wraps(view)
    def wrapper(request, slug):
        try:
            return view(request, slug)
        except outages.DATABASE_ERRORS as error:
            logger.warning("Comment not saved, the database is unavailable: %s", error)
            context = {
                "kept": {name: request.POST.get(name, "") for name in KEPT_FIELDS},
                "action": reverse("comments:post", args=[slug]),
            }
            return outages.unavailable(request, "comments/not_saved.html", context)

    return wrapper


@require_POST
@_kept_when_the_database_fails
def post_comment(request, slug):
    article = get_object_or_404(Article.objects.published().for_page(), slug=slug)
    form = CommentForm(request.POST, article=article)
    if not comments_open(article):
        closed = _("Commenting is closed for this article.")
        return _reshow(request, article, form, status=403, refusal=closed)
    if not form.is_valid():
        return _reshow(request, article, form, status=400)
    if wait := rate_limits.seconds_to_wait(request, "comments", settings.COMMENTS_RATE_LIMIT):
        too_many = _(
            "You have sent many comments in a short time. Wait a few minutes and send "
            "it again: your text is kept below."
        )
        response = _reshow(request, article, form, status=429, refusal=too_many)
        response["Retry-After"] = str(wait)
        return response
    ip_hash = spam.ip_hash(request)
    comment = submit_comment(
        article, form.cleaned_data, ip_hash=ip_hash, honeypot_hit=form.is_honeypot_hit
    )
    published = comment.status == Comment.Status.PUBLISHED
    answer = PUBLISHED_PARAMETER if published else THANKS_PARAMETER
    return redirect(f"{article.get_absolute_url()}?{answer}#kommentarer")
