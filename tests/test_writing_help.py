import pytest
from article_forms import article_form
from django.contrib import messages

from adda_site import writing_help
from news.models import Article

ADD_URL = "/admin/news/article/add/"


def texts(lead: str = "", body: str = "") -> list[str]:
    return [advice.text for advice in writing_help.advise(lead, body)]


def warnings(lead: str = "", body: str = "") -> list[str]:
    return [
        advice.text
        for advice in writing_help.advise(lead, body)
        if advice.level == messages.WARNING
    ]


# LIX


def test_lix_of_short_sentences_with_short_words():
    # 6 words, 2 sentences, 1 long word ("springer"): 6/2 + 100 × 1/6.
    assert writing_help.lix("Katten sover. Hunden springer i parken.") == pytest.approx(19.67, 0.01)


def test_lix_of_bureaucratic_swedish():
    # 6 words, 1 sentence, 5 long words: 6/1 + 100 × 5/6.
    text = (
        "Myndigheten genomför implementeringen av verksamhetsövergripande digitaliseringsinitiativ."
    )
    assert writing_help.lix(text) == pytest.approx(89.33, 0.01)


def test_lix_of_easy_news_text():
    # 16 words, 2 sentences, 4 long words: 16/2 + 100 × 4/16.
    text = (
        "Kommunerna i länet startar ett nätverk. Det ska hjälpa dem att dela idéer om nya tjänster."
    )
    assert writing_help.lix(text) == pytest.approx(33.0)


def test_lix_counts_a_word_of_exactly_six_letters_as_short():
    # "kommun" has six letters, "kommunen" eight: 2/1 + 100 × 1/2.
    assert writing_help.lix("Kommun kommunen.") == pytest.approx(52.0)


def test_lix_does_not_end_sentences_at_abbreviations_or_decimals():
    assert writing_help.sentence_count("Vi ses t.ex. kl. 14.30 i rummet 2.5 i dag.") == 1


def test_lix_counts_a_block_without_a_full_stop_as_a_sentence():
    readability = writing_help.readability(["Bakgrund", "Nätverket startar i höst."])
    assert (readability.words, readability.sentences) == (5, 2)


def test_lix_of_a_text_without_words_is_none():
    assert writing_help.lix(" … ") is None


@pytest.mark.parametrize(
    ("score", "meaning"),
    [
        (20, "mycket lättläst, som barnböcker"),
        (30, "lättläst, som skönlitteratur och populärtidningar"),
        (45, "medelsvår, som normal tidningstext"),
        (55, "svår, normalt värde för officiella texter"),
        (60, "mycket svår, byråkratsvenska"),
    ],
)
def test_lix_scale_says_what_a_score_means(score, meaning):
    assert writing_help.lix_level(score) == meaning


def test_editor_is_told_the_readability_of_lead_and_body():
    # Twice the text above: the same score.
    advice = writing_help.advise(
        "Kommunerna i länet startar ett nätverk.",
        "<p>Det ska hjälpa dem att dela idéer om nya tjänster.</p>"
        "<p>Kommunerna i länet startar ett nätverk.</p>"
        "<p>Det ska hjälpa dem att dela idéer om nya tjänster.</p>",
    )
    assert advice == [
        writing_help.Advice(
            messages.INFO,
            "Läsbarhet: LIX 33, lättläst, som skönlitteratur och populärtidningar.",
        )
    ]


def test_hard_text_gets_its_readability_as_a_warning_with_advice():
    body = 4 * (
        "<p>Myndigheten genomför implementeringen av verksamhetsövergripande "
        "digitaliseringsinitiativ inom förvaltningsorganisationen.</p>"
    )
    # 34 words, 5 sentences, 26 long words: 34/5 + 100 × 26/34.
    assert warnings("Kommunerna samverkar.", body) == [
        "Läsbarhet: LIX 83, mycket svår, byråkratsvenska. Kortare meningar och kortare ord "
        "gör texten lättare att läsa: sikta på ett LIX under 50."
    ]


def test_very_short_text_gets_no_readability_score():
    assert texts("Kort ingress.", "<p>Myndigheten genomför implementeringen.</p>") == []


# Link texts


@pytest.mark.parametrize("text", ["här", "Klicka här!", " LÄS MER… ", "länk", "Läs mer."])
def test_link_text_that_says_nothing_is_warned_about(text):
    assert writing_help.vague_link_texts(writing_help.read_body(f'<p><a href="/a">{text}</a></p>'))


def test_link_text_that_says_where_it_leads_is_fine():
    body = writing_help.read_body('<p><a href="/a">Läs mer om nätverket</a> här.</p>')
    assert writing_help.vague_link_texts(body) == []


def test_warning_quotes_the_vague_link_texts_once_each():
    body = '<p><a href="/a">Klicka här</a>, <a href="/b">läs mer</a>, <a href="/c">läs mer</a></p>'
    assert warnings(body=body) == [
        "Länktexterna ”Klicka här”, ”läs mer” säger inte vart länkarna leder. Skriv vad "
        "läsaren hittar där, till exempel ”rapporten om digitala tjänster”."
    ]


def test_one_vague_link_text_is_named_in_the_singular():
    assert warnings(body='<p>Se <a href="/a">här</a>.</p>') == [
        "Länktexten ”här” säger inte vart länken leder. Skriv vad läsaren hittar där, till "
        "exempel ”rapporten om digitala tjänster”."
    ]


def test_link_without_text_is_warned_about():
    assert warnings(body='<p><a href="https://example.se/"> </a></p>') == [
        "1 länk i brödtexten saknar text: skärmläsare läser upp adressen i stället. Skriv en "
        "länktext som säger vart den leder."
    ]


# Alt texts


@pytest.mark.parametrize(
    "alt",
    [
        "IMG_1234.jpg",
        "bild.png",
        "DSC0001",
        "DSCN0042.JPG",
        "20220621_134501",
        "Skärmbild 2024-05-01",
    ],
)
def test_alt_text_that_looks_like_a_file_name_is_warned_about(alt):
    body = writing_help.read_body(f'<figure><img src="/media/a.jpg" alt="{alt}"></figure>')
    assert writing_help.file_name_alt_texts(body) == [alt]


@pytest.mark.parametrize(
    "alt", ["Kommunhuset i Växjö en vinterdag", "Anna Svensson, projektledare", "Karta 2024"]
)
def test_alt_text_that_describes_the_image_is_fine(alt):
    body = writing_help.read_body(f'<img src="/media/a.jpg" alt="{alt}">')
    assert writing_help.file_name_alt_texts(body) == []
    assert writing_help.image_prefixed_alt_texts(body) == []


def test_alt_text_file_name_warning_says_what_to_do():
    assert warnings(body='<img src="/media/a.jpg" alt="IMG_1234.jpg">') == [
        "Alternativtexten ”IMG_1234.jpg” ser ut som ett filnamn. Beskriv vad bilden visar för "
        "den som inte kan se den."
    ]


@pytest.mark.parametrize(
    "alt", ["Bild på kommunhuset", "foto av Anna Svensson", "En bild av en karta"]
)
def test_alt_text_starting_with_bild_pa_is_warned_about(alt):
    body = writing_help.read_body(f'<img src="/media/a.jpg" alt="{alt}">')
    assert writing_help.image_prefixed_alt_texts(body) == [alt]


def test_alt_text_starting_with_bild_pa_warning_says_what_to_do():
    assert warnings(body='<img src="/media/a.jpg" alt="Bild på kommunhuset">') == [
        "Alternativtexten ”Bild på kommunhuset” börjar med att säga att det är en bild, vilket "
        "skärmläsare redan gör. Beskriv direkt vad bilden visar."
    ]


# Headings


def test_empty_heading_is_warned_about():
    assert warnings(body="<h2>Bakgrund</h2><p>Text.</p><h3> </h3><p>Mer text.</p>") == [
        "Brödtexten har en tom rubrik på nivå 3. Skriv rubrikens text eller ta bort den: "
        "skärmläsaranvändare tar sig fram i texten med hjälp av rubrikerna."
    ]


def test_heading_that_skips_a_level_is_warned_about():
    assert warnings(body="<h2>Bakgrund</h2><p>Text.</p><h4>Detaljer</h4><p>Mer.</p>") == [
        "Rubriken ”Detaljer” är på nivå 4 direkt efter en rubrik på nivå 2, så en nivå hoppas "
        "över. Gör den till en rubrik på nivå 3."
    ]


def test_body_starting_with_a_level_3_heading_is_warned_about():
    assert warnings(body="<h3>Bakgrund</h3><p>Text.</p>") == [
        "Rubriken ”Bakgrund” är på nivå 3, men brödtextens första rubrik ska vara på nivå 2 "
        "(titeln är nivå 1). Gör den till en rubrik på nivå 2."
    ]


def test_headings_in_order_are_fine():
    body = writing_help.read_body("<h2>A</h2><h3>B</h3><h3>C</h3><h2>D</h2><h3>E</h3>")
    assert writing_help.skipped_heading_levels(body) == []
    assert writing_help.empty_headings(body) == []


# Capitals


def test_words_in_capitals_are_warned_about():
    assert warnings(body="<p>Anmälan stänger i morgon. GLÖM INTE ATT ANMÄLA DIG.</p>") == [
        "Text i versaler: ”GLÖM INTE ATT ANMÄLA DIG”. Versaler är svårare att läsa, och "
        "skärmläsare kan läsa upp dem bokstav för bokstav. Skriv med vanliga bokstäver; använd "
        "fetstil för att betona."
    ]


def test_whole_paragraph_in_capitals_is_warned_about():
    assert writing_help.shouting(["VIKTIG INFORMATION!"]) == ["VIKTIG INFORMATION!"]


def test_abbreviations_in_capitals_are_fine():
    assert (
        writing_help.shouting(["SKR och EU samarbetar med IT-avdelningen i Region Kronoberg."])
        == []
    )


def test_lead_in_capitals_is_warned_about():
    assert writing_help.shouting(["NU ÖPPNAR VI ANMÄLAN till nätverket."]) == [
        "NU ÖPPNAR VI ANMÄLAN"
    ]


# Lead


def test_lead_longer_than_300_characters_is_warned_about():
    lead = "Kommunerna samarbetar. " * 14  # 321 characters without the last space
    assert warnings(lead=lead)[0] == (
        "Ingressen är 321 tecken lång. Håll den under ungefär 300 tecken: en eller två meningar "
        "som sammanfattar nyheten, och resten i brödtexten."
    )


def test_lead_of_300_characters_is_fine():
    assert writing_help.lead_length("a" * 300) is None


# In the admin


def test_saving_an_article_with_problems_saves_it_and_shows_the_warnings(editor_client):
    body = (
        '<h3>Bakgrund</h3><p>Läs rapporten <a href="https://example.se/r">här</a>.</p>'
        "<p>ANMÄL DIG SENAST I MORGON</p>"
    )
    response = editor_client.post(ADD_URL, article_form(body=body), follow=True)

    assert Article.objects.get().body == body
    assert response.redirect_chain[-1][0] == "/admin/news/article/"
    shown = [(message.level, message.message) for message in response.context["messages"]]
    assert [level for level, _text in shown] == [messages.SUCCESS] + [messages.WARNING] * 3
    assert shown[1][1].startswith("Länktexten ”här” säger inte vart länken leder.")
    assert shown[2][1].startswith("Rubriken ”Bakgrund” är på nivå 3")
    assert shown[3][1].startswith("Text i versaler: ”ANMÄL DIG SENAST I MORGON”.")


def test_saving_a_changed_article_shows_the_warnings_on_the_form_when_continuing(
    editor_client, make_article
):
    article = make_article("Nyhet", status=Article.Status.DRAFT)
    response = editor_client.post(
        f"/admin/news/article/{article.pk}/change/",
        article_form(title="Nyhet", slug=article.slug, body="<p>VIKTIG INFORMATION TILL ALLA</p>")
        | {"_continue": "Spara och fortsätt redigera"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/admin/news/article/{article.pk}/change/"
    content = response.content.decode()
    assert "Text i versaler: ”VIKTIG INFORMATION TILL ALLA”." in content
    article.refresh_from_db()
    assert article.body == "<p>VIKTIG INFORMATION TILL ALLA</p>"


def test_article_without_problems_gets_only_the_admins_message(editor_client):
    response = editor_client.post(ADD_URL, article_form(), follow=True)
    assert [m.level for m in response.context["messages"]] == [messages.SUCCESS]


def test_refused_form_gets_no_writing_help(editor_client):
    response = editor_client.post(ADD_URL, article_form(title="", body="<p>här</p>"))
    assert response.status_code == 200
    assert list(response.context["messages"]) == []
    assert not Article.objects.exists()


def test_site_page_gets_the_same_writing_help_after_saving(editor_client):
    response = editor_client.post(
        "/admin/pages/page/add/",
        {
            "title": "Kontakta oss",
            "slug": "kontakt",
            "description": "Så når du oss.",
            "body": '<p>Våra telefontider finns <a href="/tider/">här</a>.</p>'
            "<h3>Besök oss</h3><p>Välkommen.</p>",
        },
        follow=True,
    )

    shown = [(message.level, message.message) for message in response.context["messages"]]
    assert shown[0][0] == messages.SUCCESS
    assert shown[1][0] == messages.WARNING
    assert shown[1][1].startswith("Länktexten ”här” säger inte vart länken leder.")
    assert shown[2][1].startswith("Rubriken ”Besök oss” är på nivå 3")
    assert len(shown) == 3
