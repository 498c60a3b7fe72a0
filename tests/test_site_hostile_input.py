"""Whatever a visitor, a bot or an attacker sends to the site's public forms and addresses,
the answer is a page, a form error or a 4xx: never a server error, never a redirect to
another host, never their markup as markup, and nothing of theirs in the log."""

import itertools
import logging
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import hypothesis
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck
from hypothesis import strategies as st

from comments.models import Comment
from consent.models import ConsentRecord
from pages.models import AccessibilityReport

examples = hypothesis.settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Markup that must never come back as markup, and other classics of hostile input.
MARKUP = [
    "<script>alert('adda')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
]
HOSTILE = [
    *MARKUP,
    "' OR '1'='1' --",
    '1"; DROP TABLE news_article; --',
    "{{ request.META }}{% debug %}",
    "../../../etc/passwd",
    "\x00",
    "\r\nSet-Cookie: adda=1",
    "%00",
    "%",
    "%zz",
    "%ff%fe",
    "%C3%28",
    "javascript:alert(1)",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
]
# Where `next` might try to send the visitor: none of it may leave the site.
ELSEWHERE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "//testserver@evil.example",
    "http://testserver\\@evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]

# Surrogates cannot be sent as UTF-8 at all, so they are left out.
character = st.characters(codec="utf-8")
invisible = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"])
hostile = st.sampled_from(HOSTILE)
anything = st.one_of(
    st.text(character),
    st.text(st.one_of(invisible, character)),
    hostile,
    st.lists(st.one_of(hostile, st.text(character, max_size=20)), max_size=6).map("".join),
    # 100 KB, and more in multi-byte characters.
    st.builds(lambda ch, n: ch * n, character, st.sampled_from([1_000, 100_000])),
)
# What a server hands over of an address it could not decode: percent signs and bytes.
raw = st.one_of(
    anything.map(lambda text: quote(text, safe="")),
    st.binary(max_size=300).map(lambda data: data.decode("latin-1")),
    st.sampled_from(["%", "%zz", "%ff%fe", "%00", "%C3%28", "%E4", "+%2B", "%%%", "%u0041"]),
    anything.map(lambda text: text.encode().decode("latin-1")),
)
elsewhere = st.sampled_from(ELSEWHERE)
# Mostly what a person types, so that many examples get through the form, and anything.
words = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])


def typed(max_size: int):
    return st.one_of(st.text(words, min_size=1, max_size=max_size), anything)


next_values = st.one_of(elsewhere, anything, st.builds("{}{}".format, elsewhere, anything))


@pytest.fixture
def visitors():
    """A new address for each example, so a rate limit never answers instead of the form;
    from the documentation prefix, so that the log can be searched for it."""
    return (f"2001:db8:{n // 65536 % 65536:x}:{n % 65536:x}::7" for n in itertools.count(1))


@pytest.fixture(autouse=True)
def log(caplog):
    """Every record of every logger, Django's request and security loggers included."""
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.security"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged(record: logging.LogRecord) -> str:
    """What a log handler can write of a record: its message, its arguments, its trace."""
    text = record.getMessage() + repr(record.args)
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text


def assert_not_logged(log, *values: str, path: str = "") -> None:
    """None of ``values`` is in the log, except as part of the request path (which
    django.request logs, and which visitors may type) or of fixed text in the code."""
    for value in values:
        value = value.strip()
        if len(value) < 8 or value in path:
            continue  # too short to tell apart from other text
        for record in log.records:
            if value in logged(record):
                assert value in str(record.msg), f"{value!r} logged by {record.name}"


def assert_no_address_logged(log) -> None:
    for record in log.records:
        assert "2001:db8" not in logged(record).lower(), f"address logged by {record.name}"


def assert_stays_on_the_site(response) -> None:
    if response.status_code not in (301, 302, 303, 307, 308):
        return
    location = response["Location"]
    # Browsers drop tabs and line breaks from addresses and read "\" as "/".
    seen_by_a_browser = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    assert location.startswith("/"), location
    assert not seen_by_a_browser.startswith("//"), location
    assert not urlsplit(location).netloc, location


def assert_answered(response, *allowed: int) -> None:
    """A page, a form error or a refusal in the site's layout, never a server error or
    markup from the request."""
    hypothesis.event(f"HTTP {response.status_code}")
    assert response.status_code < 500
    if allowed:
        assert response.status_code in allowed
    assert_stays_on_the_site(response)
    body = response.content.decode(errors="replace")
    assert "Traceback" not in body
    for markup in MARKUP:
        assert markup not in body


@pytest.fixture
def news(make_article, make_category):
    innovation = make_category("Innovation", "innovation")
    for number in range(12):
        make_article(f"Nyhet om samarbete {number}", categories=[innovation])
    return make_article("Kommunerna samarbetar", categories=[innovation])


def get_raw(client, path: str, query: str = "", **extra):
    """A GET as a WSGI server hands it over: a path already decoded from its percent
    escapes (bytes as Latin-1) and the query string as it came."""
    return client.generic("GET", "/", PATH_INFO=path, QUERY_STRING=query, **extra)


# Forms


def form_post(client, path: str, fields: dict, *, encoding: str, **extra):
    if encoding == "urlencoded":
        body = urlencode(fields, doseq=True)
        return client.post(path, body, content_type="application/x-www-form-urlencoded", **extra)
    return client.post(path, fields, **extra)


encodings = st.sampled_from(["multipart", "urlencoded"])
# Fields no form has, which every form must ignore.
strangers = st.dictionaries(st.text(character, min_size=1, max_size=30), anything, max_size=3)


@examples
@hypothesis.given(
    name=typed(80),
    email=st.one_of(st.emails(), anything),
    text=typed(3000),
    honeypot=st.one_of(st.just(""), anything),
    stamp=st.one_of(st.none(), anything),
    other=strangers,
    encoding=encodings,
)
def test_comment_form_answers_any_input_with_a_stored_comment_or_a_form_error(
    client,
    news,
    comment_data,
    comment_settings,
    visitors,
    log,
    name,
    email,
    text,
    honeypot,
    stamp,
    other,
    encoding,
):
    log.clear()
    before = Comment.objects.count()
    fields = comment_data(news, name=name, email=email, text=text, hp_kontroll=honeypot)
    if stamp is not None:
        fields["stamp"] = stamp
    path = f"/nyheter/{news.slug}/kommentarer/"

    response = form_post(
        client, path, other | fields, encoding=encoding, REMOTE_ADDR=next(visitors)
    )

    assert_answered(response, 302, 400)
    # One comment more, unless the same e-mail address sent the same text before: kept once.
    stored = Comment.objects.count() - before
    assert stored in ((0, 1) if response.status_code == 302 else (0,))
    assert_not_logged(log, name, email, text, path=path)
    assert_no_address_logged(log)


@examples
@hypothesis.given(
    problem=typed(3000),
    page=typed(200),
    name=typed(100),
    email=st.one_of(st.emails(), anything),
    honeypot=st.one_of(st.just(""), anything),
    stamp=st.one_of(st.none(), anything),
    other=strangers,
    encoding=encodings,
)
def test_report_form_answers_any_input_with_thanks_or_a_form_error(
    client,
    statement,
    report_data,
    visitors,
    log,
    problem,
    page,
    name,
    email,
    honeypot,
    stamp,
    other,
    encoding,
):
    log.clear()
    fields = report_data(problem=problem, page=page, name=name, email=email, hp_kontroll=honeypot)
    if stamp is not None:
        fields["stamp"] = stamp

    response = form_post(
        client,
        "/tillganglighet/rapportera/",
        other | fields,
        encoding=encoding,
        REMOTE_ADDR=next(visitors),
    )

    assert_answered(response, 302, 400)
    if response.status_code == 302:
        assert response["Location"] == "/tillganglighet/?tack=1#rapportera"
    assert_not_logged(log, problem, page, name, email)
    assert_no_address_logged(log)


@examples
@hypothesis.given(
    choice=st.one_of(st.sampled_from(["alla", "nodvandiga"]), anything),
    next_url=st.one_of(st.none(), next_values),
    wants_json=st.booleans(),
    encoding=encodings,
)
def test_consent_banner_answers_any_choice_and_sends_the_visitor_back_on_the_site(
    client, db, visitors, log, choice, next_url, wants_json, encoding
):
    log.clear()
    fields = {"choice": choice} | ({"next": next_url} if next_url is not None else {})
    headers = {"Accept": "application/json"} if wants_json else {}

    response = form_post(
        client,
        "/cookies/val/",
        fields,
        encoding=encoding,
        headers=headers,
        REMOTE_ADDR=next(visitors),
    )

    assert_answered(response, 200, 302)
    if next_url in ELSEWHERE:
        assert response.status_code == 200 or response["Location"] in ("/", "/cookies/")
    assert_not_logged(log, choice, next_url or "")
    assert_no_address_logged(log)


@examples
@hypothesis.given(
    categories=st.lists(st.one_of(st.sampled_from(["statistik", "nodvandiga"]), anything)),
    next_url=st.one_of(st.none(), next_values),
    wants_json=st.booleans(),
    encoding=encodings,
)
def test_cookie_settings_answer_any_choice_with_a_saved_choice_or_a_form_error(
    client, db, visitors, log, categories, next_url, wants_json, encoding
):
    log.clear()
    fields = {"categories": categories} | ({"next": next_url} if next_url is not None else {})
    headers = {"Accept": "application/json"} if wants_json else {}

    response = form_post(
        client, "/cookies/", fields, encoding=encoding, headers=headers, REMOTE_ADDR=next(visitors)
    )

    assert_answered(response, 200, 302, 400)
    if next_url in ELSEWHERE and response.status_code == 302:
        assert response["Location"] == "/cookies/"
    chosen = [value for value in categories if value not in ("statistik", "nodvandiga")]
    assert_not_logged(log, *chosen, next_url or "")
    assert_no_address_logged(log)


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_cookie_choice_with_an_address_elsewhere_goes_back_to_the_start_page(client, db, next_url):
    response = client.post("/cookies/val/", {"choice": "nodvandiga", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_cookie_settings_with_an_address_elsewhere_come_back_to_the_settings(client, db, next_url):
    response = client.post("/cookies/", {"categories": [], "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/cookies/"


@pytest.mark.parametrize("next_url", ELSEWHERE)
def test_editor_logging_in_with_an_address_elsewhere_stays_on_the_site(
    client, admin_user, next_url
):
    response = client.post(
        "/admin/login/", {"username": "admin", "password": "password", "next": next_url}
    )

    assert response.status_code == 302
    assert_stays_on_the_site(response)


@examples
@hypothesis.given(
    body=st.binary(max_size=5000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "multipart/form-data; boundary=adda",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "text/plain",
            "application/json",
        ]
    ),
)
def test_forms_answer_a_body_that_cannot_be_read_with_a_form_error_or_a_400(
    client, news, statement, comment_settings, visitors, body, content_type
):
    # An empty choice on the cookie settings is a choice: only the necessary ones.
    for path, answers in [
        (f"/nyheter/{news.slug}/kommentarer/", (400,)),
        ("/tillganglighet/rapportera/", (400,)),
        ("/cookies/", (302, 400)),
        ("/cookies/val/", (302, 400)),
    ]:
        # generic(), unlike post(), sends the bytes as they are whatever the charset says.
        response = client.generic(
            "POST", path, body, content_type=content_type, REMOTE_ADDR=next(visitors)
        )
        assert_answered(response, *answers)


# Query parameters


PAGES = [
    "/",
    "/nyheter/",
    "/nyheter/sok/",
    "/nyheter/kategori/innovation/",
    "/nyheter/rss/",
    "/nyheter/kategori/innovation/rss/",
    "/sitemap.xml",
    "/cookies/",
    "/tillganglighet/",
    "/robots.txt",
]
parameters = st.sampled_from(["q", "sida", "kategori", "p", "tack", "next", "kommentar"])
queries = st.lists(
    st.one_of(
        st.builds("{}={}".format, parameters, raw),
        st.builds("{}={}".format, raw, raw),
        raw,
    ),
    min_size=1,
    max_size=4,
).map("&".join)


@examples
@hypothesis.given(path=st.sampled_from(PAGES), query=queries)
def test_public_pages_answer_any_query_string(client, news, statement, visitors, log, path, query):
    log.clear()

    response = get_raw(client, path, query, REMOTE_ADDR=next(visitors))

    # The list, search and sitemap pages past their last page are not found; the list
    # with a category it does not have leads to all the news, at its own address.
    assert_answered(response, 200, 302, 400, 404)
    if response.status_code == 302:
        assert (path, response["Location"]) == ("/nyheter/", "/nyheter/")
        assert "kategori" in dict(parse_qsl(query, keep_blank_values=True))
    values = [value for pair in parse_qsl(query, keep_blank_values=True) for value in pair]
    assert_not_logged(log, query, *values)
    assert_no_address_logged(log)


@examples
@hypothesis.given(q=anything, page=st.one_of(st.none(), raw))
def test_search_answers_any_query(client, news, visitors, log, q, page):
    log.clear()
    params = {"q": q} | ({"sida": page} if page is not None else {})

    response = get_raw(client, "/nyheter/sok/", urlencode(params), REMOTE_ADDR=next(visitors))

    assert_answered(response, 200, 404)
    assert_not_logged(log, q)
    assert_no_address_logged(log)


@examples
@hypothesis.given(
    path=st.sampled_from(["/nyheter/", "/nyheter/kategori/innovation/", "/sitemap.xml"]),
    name=st.sampled_from(["sida", "kategori", "p"]),
    value=st.one_of(
        st.integers().map(str),
        st.sampled_from(["0", "-1", "1.5", "1e400", "nan", "inf", "9" * 5000, "0x10", "１"]),
        anything,
    ),
)
def test_page_numbers_and_category_filter_answer_any_value(
    client, news, visitors, path, name, value
):
    response = client.get(path, {name: value}, REMOTE_ADDR=next(visitors))

    # An unknown category leads to the whole list (302).
    assert_answered(response, 200, 302, 404)


# Addresses


segments = st.one_of(
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"),
    anything.map(lambda text: text.encode().decode("latin-1")),
    st.sampled_from(HOSTILE),
)


@examples
@hypothesis.given(
    prefix=st.sampled_from(
        ["/", "//", "/\\", "/\\/", "/nyheter/", "/nyheter/kategori/", "/nyheter//", "/cookies/"]
    ),
    segment=segments,
    suffix=st.sampled_from(["", "/", "/rss/", "/kommentarer/", "/rss", "//"]),
)
def test_any_address_answers_with_a_page_or_not_found_and_stays_on_the_site(
    client, news, statement, visitors, log, prefix, segment, suffix
):
    log.clear()

    response = get_raw(client, prefix + segment + suffix, REMOTE_ADDR=next(visitors))

    # 301: a missing slash added; 405: the comment form's address takes posts only.
    assert_answered(response, 200, 301, 302, 400, 404, 405)
    assert_no_address_logged(log)


@pytest.mark.parametrize(
    "path", ["//evil.example", "//evil.example/", "/\\evil.example", "/\\evil.example/", "/%2F"]
)
def test_address_that_looks_like_another_host_is_not_found_rather_than_redirected(client, db, path):
    assert get_raw(client, path).status_code == 404


@pytest.mark.parametrize(
    "cookie",
    [
        'sessionid="abcdefgh\\000ijkl"',
        "sessionid=abcdefgh\x00ijkl",
        "sessionid=" + "a" * 5000,
        'csrftoken="\\000"',
        'samtycke="\\000"; messages="\\000"',
        "samtycke=" + "a" * 5000,
    ],
)
def test_cookie_with_a_nul_or_far_too_long_is_ignored(client, news, cookie):
    for path in ("/", news.get_absolute_url(), "/cookies/"):
        response = get_raw(client, path, HTTP_COOKIE=cookie)
        assert response.status_code == 200


def test_request_for_another_host_gets_the_swedish_400_page(client, db):
    response = client.get("/nyheter/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "<h1>Vi kunde inte ta emot din förfrågan</h1>" in response.text


# Oversized posts

TOO_BIG = "Det din webbläsare skickade var för stort, hade för många fält eller gick inte att läsa."


def test_400_page_renders_in_swedish_without_a_database(django_db_blocker):
    from django.core.exceptions import RequestDataTooBig
    from django.test import RequestFactory

    from adda_site.views import bad_request

    with django_db_blocker.block():
        response = bad_request(RequestFactory().post("/"), RequestDataTooBig())

    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Vi kunde inte ta emot din förfrågan – Adda</title>" in html
    assert TOO_BIG in html
    assert '<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>' in html
    assert "<script" not in html


def test_comment_larger_than_any_form_needs_gets_a_400_page_and_is_not_stored(post_comment, news):
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = post_comment(news, text=text)

    assert response.status_code == 400
    assert TOO_BIG in response.text
    assert "Traceback" not in response.text
    assert "RequestDataTooBig" not in response.text
    assert Comment.objects.count() == 0


def test_comment_with_too_many_fields_gets_a_400_page_and_is_not_stored(
    client, news, comment_data, comment_settings
):
    fields = comment_data(news) | {
        f"falt{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    }

    response = client.post(
        f"/nyheter/{news.slug}/kommentarer/",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert TOO_BIG in response.text
    assert "Traceback" not in response.text
    assert "TooManyFields" not in response.text
    assert Comment.objects.count() == 0


def test_report_with_too_many_files_gets_a_400_page_and_is_not_stored(
    client, statement, report_data
):
    files = {
        f"fil{number}": SimpleUploadedFile(f"{number}.txt", b"x")
        for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    }

    response = client.post("/tillganglighet/rapportera/", report_data() | files)

    assert response.status_code == 400
    assert TOO_BIG in response.text
    assert AccessibilityReport.objects.count() == 0


def test_search_with_too_many_parameters_gets_a_400_page(client, db):
    query = "&".join(["q=x"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = get_raw(client, "/nyheter/sok/", query)

    assert response.status_code == 400
    assert TOO_BIG in response.text


# The log

ADDRESS = "198.51.100.77"
OTHER_ADDRESSES = ("198.51.100.78", "198.51.100.79")
EMAIL = "kanariefagel@example.se"
NAME = "Kanariefågel Svensson"
TEXT = "Kanariefågelns kommentar om samarbetet, nummer 7f3a."
PROBLEM = "Kanariefågelns rapport: knappen 7f3a går inte att nå."


def test_log_holds_no_address_email_text_or_consent_id_of_visitors(
    client, news, statement, post_comment, report_data, comment_settings, settings, log
):
    settings.COMMENTS_RATE_LIMIT = settings.REPORTS_RATE_LIMIT = (1, 600)
    settings.CONSENT_RATE_LIMIT = (1, 600)

    answers = []
    # What a visitor does: a choice, a comment, a report; then once too often each.
    for _time in range(2):
        answers += [
            client.post("/cookies/val/", {"choice": "alla", "next": "/"}, REMOTE_ADDR=ADDRESS),
            post_comment(news, name=NAME, email=EMAIL, text=TEXT, remote_addr=ADDRESS),
            client.post(
                "/tillganglighet/rapportera/",
                report_data(problem=PROBLEM, name=NAME, email=EMAIL),
                REMOTE_ADDR=ADDRESS,
            ),
        ]
    # And what goes wrong: a refused form, a body too large, a failed admin login.
    answers += [
        post_comment(news, name=NAME, email="", text=TEXT, remote_addr=OTHER_ADDRESSES[0]),
        post_comment(
            news,
            text=TEXT * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // len(TEXT)),
            email=EMAIL,
            remote_addr=OTHER_ADDRESSES[1],
        ),
        client.post("/admin/login/", {"username": EMAIL, "password": TEXT}, REMOTE_ADDR=ADDRESS),
    ]

    assert [answer.status_code for answer in answers] == [302] * 3 + [429] * 3 + [400, 400, 200]
    [consent_id] = ConsentRecord.objects.values_list("consent_id", flat=True).distinct()
    assert Comment.objects.filter(email=EMAIL).exists()
    assert AccessibilityReport.objects.filter(email=EMAIL).exists()
    assert {"django.request", "django.security.RequestDataTooBig"} <= {
        record.name for record in log.records
    }
    for record in log.records:
        for personal in (ADDRESS, *OTHER_ADDRESSES, EMAIL, NAME, TEXT, PROBLEM, consent_id):
            assert personal not in logged(record), f"{personal!r} logged by {record.name}"


@pytest.mark.parametrize("path", ["//[", "//]/", "//example.org/", "//%5B"])
def test_an_address_that_looks_like_another_host_is_not_found(client, db, path):
    response = get_raw(client, path)

    assert response.status_code == 404
    assert 'href="http://testserver//' in response.content.decode()
