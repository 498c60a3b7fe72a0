"""An article's history in the browser: two editors saving the same article, and an
editor comparing two versions (their hero images too) and publishing an older one again."""

import pytest

from news import history
from news.models import Article
from tests.e2e.admin_login import EDITOR_PASSWORD, log_in

PASSWORD = EDITOR_PASSWORD


@pytest.fixture
def second_editor(editors_group, django_user_model):
    user = django_user_model.objects.create_user(
        "redaktor2", "redaktor2@example.se", PASSWORD, is_staff=True
    )
    user.first_name, user.last_name = "Bertil", "Berg"
    user.save()
    user.groups.add(editors_group)
    return user


@pytest.fixture
def article(make_article, make_bank_image):
    return make_article(
        "Nätverk för innovation",
        slug="natverk",
        lead="Kommunerna startar ett nätverk.",
        body="<p>Nätverket träffas varje månad.</p>",
        hero=make_bank_image("Nätverksträffen", alt_text="Sex personer runt ett bord"),
    )


def test_second_editor_saving_the_same_article_is_refused_and_keeps_the_text(
    new_context, live_server, editor, second_editor, article
):
    url = f"/admin/news/article/{article.pk}/change/"
    first = new_context(base_url=live_server.url).new_page()
    second = new_context(base_url=live_server.url).new_page()
    log_in(first, "redaktor")
    log_in(second, "redaktor2")
    first.goto(url)
    second.goto(url)

    second.get_by_label("Rubrik:").fill("Bertils rubrik")
    second.get_by_role("button", name="Spara", exact=True).click()
    second.wait_for_url("**/admin/news/article/")
    first.get_by_label("Ingress:").fill("Redaktörens nya ingress.")
    first.get_by_role("button", name="Spara", exact=True).click()

    first.locator(".errornote").wait_for()
    assert "Bertil Berg sparade artikeln" in first.locator(".errorlist").text_content()
    assert first.get_by_label("Ingress:").input_value() == "Redaktörens nya ingress."
    saved = first.locator("#sparad-version")
    assert "Bertils rubrik" in saved.text_content()
    assert "Kommunerna startar ett nätverk." in saved.text_content()
    article.refresh_from_db()
    assert (article.title, article.lead) == ("Bertils rubrik", "Kommunerna startar ett nätverk.")

    first.get_by_role("button", name="Spara", exact=True).click()
    first.wait_for_url("**/admin/news/article/")
    article.refresh_from_db()
    assert article.lead == "Redaktörens nya ingress."


def test_editor_compares_two_versions_and_publishes_the_older_again(
    new_context, live_server, editor, article, axe_audit, make_bank_image
):
    article.title = "Felaktig rubrik"
    article.body = "<p>Nätverket träffas varje vecka.</p>"
    article.hero = make_bank_image("Tomt kontor", alt_text="Ett tomt kontor med skrivbord")
    history.save_with_version(article, user=editor)
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()
    log_in(page, "redaktor")

    page.goto(f"/admin/news/article/{article.pk}/history/")
    assert page.get_by_role("heading", level=1).text_content() == "Historik: Felaktig rubrik"
    assert axe_audit(page) == []
    page.get_by_label("Jämför från version 2").check()
    page.get_by_label("Jämför till version 1").check()
    page.get_by_role("button", name="Jämför de valda versionerna").click()

    page.wait_for_url("**/historik/jamfor/**")
    body = page.locator(".version-body")
    assert body.locator("del").text_content() == "Borttaget: vecka."
    assert body.locator("ins").text_content() == "Tillagt: månad."
    hero_row = page.get_by_role("row").filter(has_text="Huvudbild")
    assert "Tomt kontor" in hero_row.locator("del").text_content()
    assert "Nätverksträffen, alternativtext" in hero_row.locator("ins").text_content()
    assert hero_row.locator("ins img").evaluate("image => image.naturalWidth") > 0
    assert axe_audit(page) == []
    page.get_by_role("button", name="Publicera igen").click()

    page.wait_for_url(f"**/admin/news/article/{article.pk}/change/")
    assert "Version 1 är publicerad igen." in page.locator(".messagelist").text_content()
    visitor = new_context(base_url=live_server.url).new_page()
    visitor.goto("/nyheter/natverk/")
    assert visitor.get_by_role("heading", level=1).text_content() == "Nätverk för innovation"
    assert "varje månad" in visitor.locator(".article__body").text_content()
    assert visitor.locator(".article__hero img").get_attribute("alt") == (
        "Sex personer runt ett bord"
    )
    assert history.versions(article.pk).first().restored_from == 1
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
