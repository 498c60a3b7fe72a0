"""Two versions of an article side by side: what changed, field by field, with the body as
a readable diff of its text.

Every text is escaped here: the diff is built from the sanitised body's text, never from
its markup, so a version's HTML cannot reach the admin page as HTML. Changes are marked
with <ins> and <del>, which browsers underline and strike through, and each carries a
word for screen readers: the colour the admin gives them is not the only sign.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from .models import Article, Image

# The article's own fields an editor compares, in the order of the form; the body is its
# own section.
TEXT_FIELDS = ["title", "slug", "lead", "seo_description", "correction_note"]
OTHER_FIELDS = ["status", "published_at", "unpublish_at", "comments_enabled"]
HERO_FIELDS = ["hero"]
# How wide the hero's thumbnail is shown in a comparison, in CSS pixels.
THUMBNAIL_WIDTH = 160
# What a version's "changed" summary looks at: every field an editor sets.
COMPARED_FIELDS = [*TEXT_FIELDS, "body", *HERO_FIELDS, *OTHER_FIELDS]

WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Row:
    label: str
    changed: bool
    # Escaped HTML: the change marked with <ins> and <del>, or the value if unchanged.
    shown: SafeString


def label(field_name: str) -> str:
    if field_name == "categories":
        return str(Article._meta.get_field("categories").verbose_name)
    return str(Article._meta.get_field(field_name).verbose_name)


def seen_value(version, name: str):
    """A field's value as an editor sees it: the admin shows and sends times to the
    second, so a time that differs by less is the same time."""
    if name in HERO_FIELDS:
        # The version keeps the image's id; the image itself may have been deleted since.
        return version.hero_id
    value = getattr(version, name)
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return value


def changed_fields(old, new) -> list[str]:
    """The names of the fields (and "categories") in which two versions differ."""
    names = [name for name in COMPARED_FIELDS if seen_value(old, name) != seen_value(new, name)]
    if category_ids(old) != category_ids(new):
        names.append("categories")
    return names


def category_ids(version) -> set[int]:
    return set(version.categories.values_list("category_id", flat=True))


def category_names(version) -> list[str]:
    # The history keeps the ids; a category deleted since has no name left to show.
    names = version.categories.values_list("category__name", flat=True)
    return sorted(name or gettext("(deleted category)") for name in names)


def rows(old, new) -> list[Row]:
    """The fields of the two versions, each with its change marked."""
    result = [_text_row(name, getattr(old, name), getattr(new, name)) for name in TEXT_FIELDS]
    result.append(_hero_row(old, new))
    result.append(_list_row(label("categories"), category_names(old), category_names(new)))
    for name in OTHER_FIELDS:
        result.append(_value_row(label(name), value_text(old, name), value_text(new, name)))
    return result


def _hero_row(old, new) -> Row:
    images = Image.objects.in_bulk([pk for pk in (old.hero_id, new.hero_id) if pk])
    shown_new = hero_html(new.hero_id, images)
    if old.hero_id == new.hero_id:
        return Row(label("hero"), False, shown_new)
    return Row(
        label("hero"),
        True,
        format_html("{} {}", deleted(hero_html(old.hero_id, images)), inserted(shown_new)),
    )


def hero_html(image_id: int | None, images: dict[int, Image]) -> SafeString:
    """A version's hero: a thumbnail, the image's description and its alt text."""
    if image_id is None:
        return format_html("{}", pgettext("no hero image", "no image"))
    image = images.get(image_id)
    if image is None:
        return format_html("{}", gettext("(deleted image)"))
    if image.is_decorative:
        text = gettext("%(description)s (decorative)") % {"description": image.description}
    else:
        text = gettext("%(description)s, alternative text: “%(alt)s”") % {
            "description": image.description,
            "alt": image.alt_text,
        }
    picture = image.picture
    if picture is None:
        return format_html("{}", text)
    # The text beside it says what the image is: the thumbnail itself needs no alt text.
    return format_html(
        '<img class="version-thumbnail" src="{}" alt="" width="{}" height="{}"> {}',
        picture.src,
        THUMBNAIL_WIDTH,
        round(picture.height * THUMBNAIL_WIDTH / picture.width),
        text,
    )


def value_text(version, name: str) -> str:
    value = getattr(version, name)
    if name == "status":
        return str(Article.Status(value).label)
    if name == "comments_enabled":
        return gettext("yes") if value else gettext("no")
    if value is None:
        return pgettext("no time set", "none")
    return date_format(timezone.localtime(value), "j F Y H:i:s")


def _text_row(name: str, old: str, new: str) -> Row:
    if old == new:
        return Row(label(name), False, format_html("{}", new or gettext("empty")))
    return Row(label(name), True, word_diff(old, new))


def _value_row(name: str, old: str, new: str) -> Row:
    if old == new:
        return Row(name, False, format_html("{}", new))
    return Row(name, True, format_html("{} {}", deleted(old), inserted(new)))


def _list_row(name: str, old: list[str], new: list[str]) -> Row:
    if old == new:
        return Row(name, False, format_html("{}", ", ".join(new) or gettext("none")))
    items = [
        *(deleted(item) for item in old if item not in new),
        *(format_html("{}", item) for item in new if item in old),
        *(inserted(item) for item in new if item not in old),
    ]
    return Row(name, True, format_html_join(", ", "{}", ((item,) for item in items)))


def deleted(text: str) -> SafeString:
    return format_html(
        '<del><span class="visually-hidden">{} </span>{}</del>', gettext("Removed:"), text
    )


def inserted(text: str) -> SafeString:
    return format_html(
        '<ins><span class="visually-hidden">{} </span>{}</ins>', gettext("Added:"), text
    )


def word_diff(old: str, new: str) -> SafeString:
    """The new text with the words taken away and added marked, escaped."""
    old_words, new_words = WORDS.findall(old), WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_words[old_start:old_end])
        added = "".join(new_words[new_start:new_end])
        if operation == "equal":
            parts.append(format_html("{}", added))
            continue
        if removed.strip():
            parts.append(deleted(removed))
        if added.strip():
            parts.append(inserted(added))
        elif added:
            parts.append(format_html("{}", added))
    return mark_safe("".join(parts))


# The body


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item, quote, caption or image of a body, as text."""

    kind: str
    text: str

    def describe(self) -> str:
        names = {
            "h2": gettext("Subheading"),
            "h3": gettext("Subheading"),
            "li": gettext("List item"),
            "quote": gettext("Quote"),
            "figcaption": gettext("Caption"),
            "img": gettext("Image"),
        }
        return names.get(self.kind, "")


class _BodyBlocks(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "li", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._open: list[str] = []
        self._kind: str | None = None
        self._text: list[str] = []
        self._quote_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "blockquote":
            self._quote_depth += 1
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self._finish()
            self.blocks.append(Block("img", alt))
        elif tag == "br":
            self._text.append(" ")
        elif tag in self.BLOCKS:
            # A list item holds its paragraph: the item is the block.
            if self._kind is None:
                self._kind = "quote" if self._quote_depth and tag == "p" else tag
                self._open.append(tag)

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self._quote_depth -= 1
        elif self._open and tag == self._open[-1]:
            self._open.pop()
            self._finish()

    def handle_data(self, data):
        if self._kind is None and data.strip():
            self._kind = "p"
        self._text.append(data)

    def _finish(self) -> None:
        text = " ".join("".join(self._text).split())
        if self._kind is not None and text:
            self.blocks.append(Block(self._kind, text))
        self._kind, self._text, self._open = None, [], []

    def close(self):
        super().close()
        self._finish()


def body_blocks(body: str) -> list[Block]:
    parser = _BodyBlocks()
    parser.feed(body or "")
    parser.close()
    return parser.blocks


def _block(block: Block, text: SafeString, change: str = "") -> SafeString:
    kind = block.describe()
    prefix = format_html('<span class="diff-kind">{}:</span> ', kind) if kind else ""
    css = f"diff-block diff-{block.kind}" + (f" diff-{change}" if change else "")
    return format_html('<p class="{}">{}{}</p>', css, prefix, text)


def body_text(body: str) -> SafeString:
    """The body's text, block by block, escaped."""
    blocks = [_block(block, format_html("{}", block.text)) for block in body_blocks(body)]
    return mark_safe("".join(blocks)) if blocks else format_html("<p>{}</p>", gettext("empty"))


def body_diff(old: str, new: str) -> SafeString:
    """The new body, block by block, with removed and added blocks and words marked."""
    old_blocks, new_blocks = body_blocks(old), body_blocks(new)
    matcher = difflib.SequenceMatcher(None, old_blocks, new_blocks, autojunk=False)
    parts = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        before, after = old_blocks[old_start:old_end], new_blocks[new_start:new_end]
        if operation == "equal":
            parts += [_block(block, format_html("{}", block.text)) for block in after]
            continue
        # Blocks replaced one for one show the words that changed; the rest are whole.
        for index in range(max(len(before), len(after))):
            removed = before[index] if index < len(before) else None
            added = after[index] if index < len(after) else None
            if removed and added and removed.kind == added.kind:
                parts.append(_block(added, word_diff(removed.text, added.text), "changed"))
                continue
            if removed:
                parts.append(_block(removed, deleted(removed.text), "removed"))
            if added:
                parts.append(_block(added, inserted(added.text), "added"))
    if not parts:
        return format_html("<p>{}</p>", gettext("The body is empty in both versions."))
    return mark_safe("".join(parts))
