from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from news.models import Article
from reviews.models import ReviewLink
from tests.e2e.admin_login import log_in

TITLE = "Hemligt utkast om nätverket"


@pytest.fixture
def review_editor(editors_group, editor):
    """An editor with the review link permissions of the data migration, which the
    database flush after each live server test removes from the group."""
    editors_group.permissions.add(*Permission.objects.filter(content_type__app_label="reviews"))
    return editor


@pytest.fixture
def draft(make_article):
    return make_article(TITLE, status=Article.Status.DRAFT, body="<p>Nätverket startar i höst.</p>")


def test_colleague_reads_a_draft_through_a_review_link_until_it_expires(
    page, new_context, live_server, settings, review_editor, draft
):
    # The address editors send is the site's own.
    settings.SITE_URL = live_server.url
    log_in(page)
    page.goto(f"/admin/news/article/{draft.pk}/change/")
    page.get_by_role("link", name="Skapa granskningslänk").click()
    page.get_by_label("Till vem:").fill("Anna på juridik")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text("Skicka den här adressen till den som ska granska artikeln").wait_for()
    address = page.locator(".field-link a").get_attribute("href")
    assert address.startswith(f"{live_server.url}/granska/")

    colleague = new_context().new_page()
    response = colleague.goto(address)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex"
    assert "no-store" in response.headers["cache-control"]
    assert colleague.get_by_role("heading", level=1).text_content() == TITLE
    assert colleague.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert colleague.get_by_text("Nätverket startar i höst.").is_visible()

    # Ended in the database an hour ago.
    now = timezone.now()
    ReviewLink.objects.update(
        created_at=now - timedelta(days=2), expires_at=now - timedelta(hours=1)
    )
    response = colleague.reload()
    assert response.status == 410
    assert colleague.get_by_role("heading", level=1).text_content() == (
        "Granskningslänken har gått ut"
    )
    assert colleague.get_by_text(TITLE).count() == 0


@pytest.fixture
def audit_as_editor(new_context, live_server, review_editor, axe_audit):
    """Audit admin pages with axe-core, logged in as an editor."""
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    log_in(page)

    def audit(path: str) -> list[str]:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        return axe_audit(page)

    return audit


def test_review_link_admin_pages_have_no_wcag_violations(audit_as_editor, draft, review_editor):
    link = ReviewLink.objects.create(article=draft, created_by=review_editor, note="Anna")
    revoked = ReviewLink.objects.create(article=draft, created_by=review_editor)
    ReviewLink.objects.filter(pk=revoked.pk).revoke()
    for path in [
        "/admin/reviews/reviewlink/",
        f"/admin/reviews/reviewlink/add/?article={draft.pk}",
        f"/admin/reviews/reviewlink/{link.pk}/change/",
        f"/admin/reviews/reviewlink/{revoked.pk}/change/",
    ]:
        assert audit_as_editor(path) == [], path


@pytest.mark.parametrize("revoke", [False, True], ids=["open", "withdrawn"])
def test_review_page_has_no_wcag_violations(
    new_context, live_server, axe_audit, consent_categories, draft, revoke
):
    link = ReviewLink.objects.create(article=draft)
    if revoke:
        ReviewLink.objects.filter(pk=link.pk).revoke()
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    response = page.goto(link.get_absolute_url())
    assert response.status == (410 if revoke else 200)
    assert axe_audit(page) == []
