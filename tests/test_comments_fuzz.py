"""Whatever a visitor or a bot types, the comment form answers with a stored comment or
with a form error, never with a server error."""

import itertools
import re
import unicodedata

import hypothesis
import pytest
from django.test.html import Element, parse_html
from hypothesis import HealthCheck
from hypothesis import strategies as st

from comments.models import Comment

examples = hypothesis.settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Surrogates cannot be sent as UTF-8 at all, so they are left out.
character = st.characters(codec="utf-8")
invisible = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"])
anything = st.one_of(
    st.text(character),
    st.text(invisible),
    st.text(st.one_of(invisible, character)),
    st.builds(lambda ch, n: ch * n, character, st.integers(0, 10_000)),
    st.text(character, min_size=1, max_size=50).map(lambda text: (text * 10_000)[:10_000]),
)
# Mostly text a person might type, so that many examples are stored, and anything else.
words = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
names = st.one_of(st.text(words, min_size=1, max_size=80), anything)
emails = st.one_of(st.emails(), anything)
texts = st.one_of(st.text(st.one_of(words, st.just("\n")), min_size=1, max_size=3000), anything)


@pytest.fixture
def visitors():
    """A new address for each example, so the rate limit never answers instead of the form."""
    return (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def tags_in(node) -> set[str]:
    if isinstance(node, str):
        return set()
    tags = {node.name} if isinstance(node, Element) and node.name else set()
    for child in node.children:
        tags |= tags_in(child)
    return tags


@examples
@hypothesis.given(name=names, email=emails, text=texts)
def test_any_input_gives_a_stored_comment_or_a_form_error(
    post_comment, make_article, visitors, name, email, text
):
    article = make_article()
    response = post_comment(article, remote_addr=next(visitors), name=name, email=email, text=text)
    hypothesis.event(f"HTTP {response.status_code}")
    assert response.status_code in (302, 400)
    stored = list(Comment.objects.filter(article=article))
    if response.status_code == 302:
        [comment] = stored
        assert comment.status == Comment.Status.PENDING
        assert comment.name.strip()
        assert comment.text.strip()
        assert not any(unicodedata.category(ch).startswith("C") for ch in comment.name)
    else:
        assert stored == []
        assert "Din kommentar skickades inte" in response.text


# What the form lets through: no NUL characters (PostgreSQL refuses them), names of at most 80.
storable = anything.map(lambda text: text.replace("\x00", "") or "x")


@examples
@hypothesis.given(name=storable.map(lambda name: name[:80]), text=storable)
def test_any_published_comment_is_shown_as_plain_text(
    client, make_article, make_comment, name, text
):
    article = make_article()
    make_comment(article, text, name=name)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    section = re.search(r'<div class="comment__text">.*?</div>', response.text, re.DOTALL)[0]
    assert tags_in(parse_html(section)) <= {"div", "p", "br", "a"}
