"""The page cache in production: gunicorn's two workers and a third process (an editor's
command) share it, and an edit made anywhere is seen by every worker at once."""

from production_site import Browser, environment
from production_site import manage as _manage

ARTICLE = "/nyheter/nyhet/"


def manage(site, code: str) -> None:
    # The sqlite_site fixture's environment, for a process of its own.
    env = environment(site.log.parent, SQLITE_BUSY_TIMEOUT_MS="300")
    _manage(env, "shell", "-c", code, timeout=120)


def test_an_edit_in_another_process_is_seen_by_every_worker_at_once(sqlite_site):
    visitor = Browser(sqlite_site.port)
    visitor.get(ARTICLE)  # the visitor's CSRF cookie, which ETags of pages with forms cover
    # Enough requests for both workers to have served (and stored) the page.
    before = {visitor.get(ARTICLE).headers["ETag"] for _ in range(6)}
    assert len(before) == 1
    manage(
        sqlite_site,
        "from news.models import Article; article = Article.objects.get(slug='nyhet'); "
        "article.title = 'Rättad rubrik'; article.save()",
    )
    for _ in range(6):
        answer = visitor.get(ARTICLE)
        assert answer.status == 200
        assert "<h1>Rättad rubrik</h1>" in answer.body
        assert answer.headers["ETag"] not in before
    manage(
        sqlite_site,
        "from news.models import Article; article = Article.objects.get(slug='nyhet'); "
        "article.title = 'Nyhet'; article.save()",
    )
