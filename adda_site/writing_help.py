"""Writing help: advice on the text of an article or a site page (a lead and a body),
shown to the editor after a save.

Never blocking and never shown to readers: a save always goes through, and the advice is
a list of messages in the admin. The checks are pure functions on the lead (plain text)
and the body (HTML sanitised by django-prose-editor).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# What the rich-text editor and the page treat as blocks of their own: a sentence never
# runs from one into the next (a heading has no full stop).
BLOCK_TAGS = {
    "address", "blockquote", "div", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# The page's title is its h1: the body's headings start at h2.
FIRST_BODY_HEADING_LEVEL = 2

# LIX (läsbarhetsindex, C.-H. Björnsson, "Läsbarhet", 1968): words per sentence plus the
# percentage of words longer than six letters. The scale is the one lix.se publishes and
# Swedish writing guides repeat (https://www.lix.se/, "Läsbarhetsindex"):
#   < 30 mycket lättläst, barnböcker · 30–40 lättläst, skönlitteratur, populärtidningar ·
#   40–50 medelsvår, normal tidningstext · 50–60 svår, normalt värde för officiella texter ·
#   > 60 mycket svår, byråkratsvenska.
LIX_LONG_WORD_LETTERS = 6
LIX_SCALE = [
    (30, _("very easy to read, like children's books")),
    (40, _("easy to read, like fiction and popular magazines")),
    (50, _("medium difficulty, like ordinary newspaper text")),
    (60, _("difficult, the usual level of official texts")),
    (None, _("very difficult, bureaucratic Swedish")),
]
# From "svår" on, the score comes as a warning: plain language (klarspråk) is the law for
# public authorities (språklagen 11 §).
LIX_WARNING_FROM = 50
# A few words say nothing about readability: one long word moves the score by tens.
LIX_MIN_WORDS = 30

# A lead is one or two sentences; search engines and lists show its beginning.
LEAD_MAX_CHARACTERS = 300

# Link texts that say nothing about where the link leads, compared lowercased, without
# punctuation and with single spaces.
VAGUE_LINK_TEXTS = {
    "här", "klicka", "klicka här", "tryck här", "läs här", "se här", "läs mer", "mer",
    "mer info", "mer information", "länk", "länken", "den här länken", "denna länk",
    "klicka på länken", "click here", "here", "read more", "link",
}  # fmt: skip

# Names cameras, phones and screenshot tools give files, and file names in general.
FILE_NAME_ALT = re.compile(
    r"""^(?:
        [\w\s.()-]+\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp|svg)
      | (?:img|dsc[nf]?|dcim|pxl|mvimg|gopr|dji|pict?|photo|image|bild|foto|screenshot
         |skärmbild|skärmavbild|whatsapp\s+image)[\s_-]*[\d_.\s-]*\d[\w.\s-]*
      | [\d_.\s-]*\d[\d_.\s-]*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Screen readers already say "bild": an alt text starting so repeats it.
IMAGE_ALT_PREFIX = re.compile(
    r"^(?:en\s+|ett\s+)?(?:bild|bilden|foto|fotot|fotografi|illustration)\s+(?:på|av|som visar)\b"
    r"|^bilden\s+visar\b",
    re.IGNORECASE,
)

# Three words in capitals in a row read as shouting (and screen readers may spell them);
# two are often names of organisations ("SKR EU").
SHOUTING_MIN_WORDS = 3
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
# A full stop ends a sentence only before a space or the end of the block, so "1.5" and
# "www.adda.se" do not; neither do common abbreviations.
# A match starts only where a run of punctuation starts: otherwise a long run would be
# tried from each of its characters in turn (time growing with the square of its length).
SENTENCE_END = re.compile(r"(?<![.!?:])[.!?:]+[\"”’»)]*(?=\s|$)")
# Abbreviations that rarely end a sentence ("m.m." and "osv." often do, and count).
ABBREVIATIONS = re.compile(
    r"\b(?:t\.ex|bl\.a|s\.k|d\.v\.s|dvs|t\.o\.m|fr\.o\.m|ca|kl|nr|resp|jfr|p\.g\.a|pga|"
    r"inkl|exkl|tel|f\.d)\.(?=\s)",
    re.IGNORECASE,
)


@dataclass
class Body:
    """What the checks read from the body's HTML."""

    blocks: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    link_texts: list[str] = field(default_factory=list)
    alt_texts: list[str] = field(default_factory=list)


class _BodyReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body = Body()
        self._text: list[str] = []
        self._heading: tuple[int, list[str]] | None = None
        self._links: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._end_block()
        if tag in HEADING_TAGS:
            self._heading = (HEADING_TAGS[tag], [])
        elif tag == "a":
            self._links.append([])
        elif tag == "br":
            self._data(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt is not None:
                self.body.alt_texts.append(alt)
            # An image in a link is the link's text, read out as its alt text.
            if self._links:
                self._links[-1].append(alt or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADING_TAGS and self._heading is not None:
            level, text = self._heading
            self.body.headings.append((level, _squeeze("".join(text))))
            self._heading = None
        elif tag == "a" and self._links:
            self.body.link_texts.append(_squeeze("".join(self._links.pop())))
        if tag in BLOCK_TAGS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        self._text.append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        for link in self._links:
            link.append(data)

    def _end_block(self) -> None:
        if text := _squeeze("".join(self._text)):
            self.body.blocks.append(text)
        self._text = []

    def close(self) -> None:
        super().close()
        self._end_block()


def read_body(html: str) -> Body:
    reader = _BodyReader()
    reader.feed(html or "")
    reader.close()
    return reader.body


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """Lowercase, without punctuation, with single spaces: what a link text says."""
    kept = "".join(
        " " if unicodedata.category(char).startswith(("P", "S")) else char for char in text
    )
    return _squeeze(kept).lower()


# Readability


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        return self.words / self.sentences + 100 * self.long_words / self.words

    @property
    def level(self) -> str:
        return lix_level(self.lix)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def sentence_count(text: str) -> int:
    """Sentences in one block of text: ends of sentences, and the end of the block."""
    text = ABBREVIATIONS.sub("", text).strip()
    if not text:
        return 0
    ends = SENTENCE_END.findall(text)
    # Text after the last full stop (a heading, a list item) is a sentence too.
    ends_with_one = text.rstrip().rstrip('"”’»)').endswith(tuple(".!?:"))
    return len(ends) + (0 if ends_with_one else 1)


def readability(blocks: Iterable[str]) -> Readability | None:
    """LIX counts of the text in ``blocks`` (each a paragraph, heading or list item)."""
    total_words = total_sentences = long_words = 0
    for block in blocks:
        block_words = words(block)
        if not block_words:
            continue
        total_words += len(block_words)
        total_sentences += max(sentence_count(block), 1)
        long_words += sum(
            1 for word in block_words if sum(c.isalpha() for c in word) > LIX_LONG_WORD_LETTERS
        )
    if not total_words:
        return None
    return Readability(total_words, total_sentences, long_words)


def lix(text: str) -> float | None:
    """The LIX score of a plain text, None for a text without words."""
    result = readability(line for line in text.splitlines())
    return result and result.lix


def lix_level(score: float) -> str:
    for upper, meaning in LIX_SCALE:
        if upper is None or score < upper:
            return str(meaning)
    raise AssertionError("the scale ends with None")


# The checks: each returns what it found, for the messages below.


def vague_link_texts(body: Body) -> list[str]:
    return [text for text in body.link_texts if _plain(text) in VAGUE_LINK_TEXTS]


def links_without_text(body: Body) -> int:
    return sum(1 for text in body.link_texts if not _plain(text))


def file_name_alt_texts(body: Body) -> list[str]:
    # Alt texts longer than a file name are not one, and are never run through the pattern.
    return [alt for alt in body.alt_texts if len(alt) <= 255 and FILE_NAME_ALT.match(alt.strip())]


def image_prefixed_alt_texts(body: Body) -> list[str]:
    return [alt for alt in body.alt_texts if IMAGE_ALT_PREFIX.match(alt.strip())]


def empty_headings(body: Body) -> list[int]:
    """The levels of headings without text, in order."""
    return [level for level, text in body.headings if not _plain(text)]


def skipped_heading_levels(body: Body) -> list[tuple[str, int, int]]:
    """Headings that skip a level: (text, level, the level above them)."""
    skipped = []
    above = FIRST_BODY_HEADING_LEVEL - 1
    for level, text in body.headings:
        if level > above + 1:
            skipped.append((text, level, above))
        above = level
    return skipped


def body_h1s(body: Body) -> list[str]:
    return [text for level, text in body.headings if level < FIRST_BODY_HEADING_LEVEL]


def _letters(word: str) -> list[str]:
    return [char for char in word if char.isalpha()]


def _is_upper_word(word: str) -> bool:
    return all(char.isupper() for char in _letters(word))


def shouting(blocks: Iterable[str]) -> list[str]:
    """Runs of several words in capitals, or whole blocks in capitals. Words of one letter
    ("I", "Å") join a run but do not make one; abbreviations ("SKR", "EU") seldom come
    three in a row."""
    found = []
    for block in blocks:
        block_words = [word for word in words(block) if _letters(word)]
        long_words = [word for word in block_words if len(_letters(word)) >= 2]
        if len(long_words) >= 2 and all(_is_upper_word(word) for word in block_words):
            found.append(block)
            continue
        run: list[str] = []
        for word in [*block_words, ""]:
            if word and _is_upper_word(word):
                run.append(word)
                continue
            while run and len(_letters(run[-1])) < 2:
                run.pop()  # "ANMÄL DIG I" ends before the "I"
            if sum(len(_letters(w)) >= 2 for w in run) >= SHOUTING_MIN_WORDS:
                found.append(" ".join(run))
            run = []
    return found


def lead_length(lead: str) -> int | None:
    """The lead's length in characters, if it is longer than a lead should be."""
    length = len(_squeeze(lead))
    return length if length > LEAD_MAX_CHARACTERS else None


# Advice in Swedish


@dataclass(frozen=True)
class Advice:
    level: int  # a django.contrib.messages level
    text: str


def _quoted(texts: Iterable[str]) -> str:
    # Each text once, in the order met: "läs mer" three times is one thing to fix.
    return ", ".join(gettext("“%(text)s”") % {"text": text} for text in dict.fromkeys(texts))


def advise(lead: str, body_html: str, *, image_alt_texts: Iterable[str] = ()) -> list[Advice]:
    """What the editor is told about the lead and body after saving: warnings, then the
    readability score. ``image_alt_texts`` are those of images shown beside the body (the
    hero), checked as the body's own."""
    body = read_body(body_html)
    body.alt_texts.extend(alt for alt in image_alt_texts if alt)
    advice = [Advice(messages.WARNING, text) for text in _warnings(lead, body)]
    counts = readability([*lead.splitlines(), *body.blocks])
    if counts and counts.words >= LIX_MIN_WORDS:
        score = round(counts.lix)
        text = gettext("Readability: LIX %(score)s, %(meaning)s.") % {
            "score": score,
            "meaning": counts.level,
        }
        if score < LIX_WARNING_FROM:
            advice.append(Advice(messages.INFO, text))
        else:
            tip = gettext(
                "Shorter sentences and shorter words make the text easier to read: aim for a "
                "LIX below %(target)s."
            ) % {"target": LIX_WARNING_FROM}
            advice.append(Advice(messages.WARNING, f"{text} {tip}"))
    return advice


def _warnings(lead: str, body: Body) -> list[str]:
    found = []
    if length := lead_length(lead):
        found.append(
            gettext(
                "The lead is %(length)s characters long. Keep it under about %(limit)s: one "
                "or two sentences that sum up the news, and the rest in the body."
            )
            % {"length": length, "limit": LEAD_MAX_CHARACTERS}
        )
    if texts := vague_link_texts(body):
        found.append(
            ngettext(
                "The link text %(texts)s does not say where the link leads. Write what the "
                "reader gets there, such as “the report on digital services”.",
                "The link texts %(texts)s do not say where the links lead. Write what the "
                "reader gets there, such as “the report on digital services”.",
                len(set(texts)),
            )
            % {"texts": _quoted(texts)}
        )
    if count := links_without_text(body):
        found.append(
            ngettext(
                "%(count)s link in the body has no text: screen readers read out its address. "
                "Write a link text that says where it leads.",
                "%(count)s links in the body have no text: screen readers read out their "
                "addresses. Write link texts that say where they lead.",
                count,
            )
            % {"count": count}
        )
    if alts := file_name_alt_texts(body):
        found.append(
            ngettext(
                "The alternative text %(texts)s looks like a file name. Describe what the "
                "image shows for those who cannot see it.",
                "The alternative texts %(texts)s look like file names. Describe what each "
                "image shows for those who cannot see it.",
                len(set(alts)),
            )
            % {"texts": _quoted(alts)}
        )
    if alts := image_prefixed_alt_texts(body):
        found.append(
            ngettext(
                "The alternative text %(texts)s starts by saying that it is an image, which "
                "screen readers already say. Describe directly what the image shows.",
                "The alternative texts %(texts)s start by saying that they are images, which "
                "screen readers already say. Describe directly what each image shows.",
                len(set(alts)),
            )
            % {"texts": _quoted(alts)}
        )
    if headings := body_h1s(body):
        found.append(
            gettext(
                "The body has a main heading (level 1): %(texts)s. The title is the page's "
                "only one; make it a level 2 heading."
            )
            % {"texts": _quoted(headings)}
        )
    for level in empty_headings(body):
        found.append(
            gettext(
                "The body has an empty level %(level)s heading. Write its text or remove it: "
                "screen reader users move through the text by its headings."
            )
            % {"level": level}
        )
    for text, level, above in skipped_heading_levels(body):
        if above < FIRST_BODY_HEADING_LEVEL:
            message = gettext(
                "The heading “%(text)s” is at level %(level)s, but the body's first heading "
                "is at level %(expected)s (the title is level 1). Make it a level "
                "%(expected)s heading."
            )
        else:
            message = gettext(
                "The heading “%(text)s” is at level %(level)s right after a level %(above)s "
                "heading, skipping a level. Make it a level %(expected)s heading."
            )
        found.append(
            message % {"text": text, "level": level, "above": above, "expected": above + 1}
        )
    if runs := shouting([*lead.splitlines(), *body.blocks]):
        found.append(
            gettext(
                "Text in capitals: %(texts)s. Capitals are harder to read, and screen readers "
                "may spell them out letter by letter. Write it in ordinary letters; use bold "
                "for emphasis."
            )
            % {"texts": _quoted(runs)}
        )
    return found


class WritingHelpAdminMixin:
    """Tells the editor after each successful save what could be written more plainly:
    warnings in the admin's messages, never blocking the save."""

    writing_help_lead_field: str | None = "lead"
    writing_help_body_field = "body"

    def writing_help_image_alt_texts(self, obj) -> list[str]:
        """The alt texts of images shown beside the body (an article's hero), checked like
        those in the body."""
        return []

    def writing_advice(self, obj) -> list[Advice]:
        field = self.writing_help_lead_field
        lead = (getattr(obj, field) or "") if field else ""
        return advise(
            lead,
            getattr(obj, self.writing_help_body_field) or "",
            image_alt_texts=self.writing_help_image_alt_texts(obj),
        )

    def _send_writing_advice(self, request: HttpRequest, obj) -> None:
        if IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET:
            return  # the popup closes; its advice would show up on an unrelated page
        for advice in self.writing_advice(obj):
            messages.add_message(request, advice.level, advice.text, fail_silently=True)

    # Called only once the object and its related objects are saved (a refused form never
    # gets here), after the admin's own "was changed successfully": the advice comes below.
    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._send_writing_advice(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._send_writing_advice(request, obj)
        return response
