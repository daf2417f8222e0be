"""What travels with the article: SEO keywords and hashtags that are real words of the article
and name what it is about, a slug of the title's words, a description made of whole sentences,
and image alt texts that describe the article's subject in its language. A small model fuses
words ("balancingcompostwithfood"), picks an adjective it used once ("crumbly"), cuts the
description mid-sentence and describes an image it imagined ("a landscape where people can walk,
eat, and play"); code can check each against the article and repair it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from icop.agents.gate import scaffolding
from icop.agents.gate.support import terms
from icop.agents.gate.text import (
    distinct_ngram_ratio,
    drop_foreign,
    foreign_letters,
    is_dense,
    plain,
    script_share,
    sentences,
    words,
)
from icop.agents.schemas import Finding, ImagePrompt, SeoMeta
from icop.agents.schemas.common import shorten, slugify, tag

MAX_TAG_WORDS = 3
MIN_ALT_SCRIPT = {"dense": 0.5, "alphabetic": 0.8}
MIN_MENTIONS = 3
"""A one-word keyword or hashtag is a word of the title or the brief, or one the article uses
this often: the bundled model picked words it used once ("crumbly", "caveats", "brown")."""
MAX_DIGIT_SHARE = 0.3
"""Keywords are words, not numbers: the bundled model offered "1 2주" for a Korean article."""
DENSE_PHRASE = 4
"""Korean words run two or three syllables: four or more without a space are a phrase."""
DESCRIPTION_LIMIT = 159
MAX_ALT_CHARS = 150
"""An alt text says what the picture shows in a sentence; the bundled model's 250-character
alts were a phrase repeated ("a large water tank, a concrete subject, a large water tank, …")."""
MIN_ALT_DISTINCT = 0.8
"""Distinct word bigrams of an alt text: a described picture does not say the same two words
twice more than once in a few (a loop is well under a half)."""
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SENTENCE_STOP = re.compile(r"[.!?\u3002\uff01\uff1f]$")
_LIST_MARKER = re.compile(r"(?:^|\s)\d{1,2}[.)]\s|\*\*|#")


def _phrases(body: str, language: str) -> tuple[set[str], str]:
    """The article's words joined 1..3 at a time (what a hashtag may be), and its text without
    spaces (Korean hashtags drop the spaces between words)."""
    tokens = [token for token in plain(body).lower().split() if token]
    cleaned = ["".join(ch for ch in token if ch.isalnum()) for token in tokens]
    joined = {
        "".join(cleaned[i : i + n])
        for n in range(1, MAX_TAG_WORDS + 1)
        for i in range(len(cleaned) - n + 1)
    }
    return joined, "".join(cleaned)


def _in_article(keyword: str, body_words: set[str], compact: str, language: str) -> bool:
    wanted = words(keyword, language)
    if not wanted:
        return False
    if is_dense(language) or any(not token.isascii() for token in wanted):
        return "".join(keyword.lower().split()) in compact
    return set(wanted) <= body_words


class _Vocabulary:
    """What a keyword or hashtag is checked against: the article's words and how often it uses
    them, and the words of its title and brief."""

    def __init__(self, body: str, language: str, subject: Sequence[str]) -> None:
        self.language = language
        counted = words(plain(body), language)
        self.counts = Counter(counted)
        self.body_words = set(counted)
        self.phrases, self.compact = _phrases(body, language)
        self.subject_words = set(words(" ".join(subject), language))
        self.subject_compact = "".join("".join(subject).lower().split())

    def topical(self, phrase: str) -> bool:
        """Not a number, and either several words or one that names the subject."""
        chars = [ch for ch in phrase if not ch.isspace() and ch != "#"]
        digits = sum(ch.isdigit() for ch in chars)
        if len(chars) < 2 or digits / len(chars) > MAX_DIGIT_SHARE:
            return False
        if is_dense(self.language) or not phrase.isascii():
            key = "".join(phrase.lower().split()).lstrip("#")
            return (
                len(phrase.split()) > 1
                or len(key) >= DENSE_PHRASE  # a hashtag runs a phrase's words together
                or key in self.subject_compact
                or self.compact.count(key) >= MIN_MENTIONS
            )
        tokens = words(phrase, self.language)
        if len(tokens) > 1:
            return True
        key = "".join(tokens)
        if key in self.body_words:  # one word, not several run together (a hashtag)
            return key in self.subject_words or self.counts[key] >= MIN_MENTIONS
        return True

    def has_keyword(self, keyword: str) -> bool:
        return _in_article(keyword, self.body_words, self.compact, self.language)

    def has_hashtag(self, hashtag: str) -> bool:
        key = "".join(ch for ch in hashtag.lower() if ch.isalnum())
        return bool(key) and (
            key in self.phrases or (is_dense(self.language) and key in self.compact)
        )


def clean_seo(
    seo: SeoMeta, body: str, language: str, *, subject: str = "", keywords: Sequence[str] = ()
) -> tuple[SeoMeta, list[Finding]]:
    """``seo`` with only keywords whose words the article uses and hashtags that are its words
    run together, each naming what the article is about; when none survive, the brief's
    ``keywords`` (or its ``subject``) that the article uses, and hashtags made from them. The title
    starts with a capital, the slug is made of the title's words and the description of whole
    sentences (of the article's, when the model's was cut off or a list)."""
    findings: list[Finding] = []
    brief = [subject, *keywords] if subject else list(keywords)
    vocabulary = _Vocabulary(body, language, [seo.title, *brief])
    kept: list[str] = []
    for keyword in seo.keywords:
        if vocabulary.has_keyword(keyword) and vocabulary.topical(keyword):
            kept.append(keyword)
        else:
            findings.append(Finding(code="keyword", action="removed", detail=keyword))
    if not kept:
        kept = [k for k in [*keywords, subject] if k and vocabulary.has_keyword(k)][:5]
    hashtags: list[str] = []
    for hashtag in seo.hashtags:
        if vocabulary.has_hashtag(hashtag) and vocabulary.topical(hashtag):
            hashtags.append(hashtag)
        else:
            findings.append(Finding(code="hashtag", action="removed", detail=hashtag))
    if not hashtags:
        hashtags = [made for made in (tag(keyword) for keyword in kept[:3]) if made]
    title = _clean_title(seo.title, body, subject, language)
    if title != seo.title and foreign_letters(seo.title, language):
        detail = f"{seo.title[:120]!r} → {title[:120]!r}"
        findings.append(Finding(code="foreign_script", action="repaired", detail=detail))
    # Models often hand the topic back as the title, lower-case ("composting at home").
    title = title[:1].upper() + title[1:]
    update = {
        "title": title,
        "keywords": kept,
        "hashtags": hashtags,
        "slug": _slug(seo.slug, [title, *brief], vocabulary),
        "meta_description": _description(seo.meta_description, body, language),
    }
    for code, field in (("slug", "slug"), ("description", "meta_description")):
        if update[field] != getattr(seo, field):
            detail = f"{getattr(seo, field)[:120]!r} → {str(update[field])[:120]!r}"
            findings.append(Finding(code=code, action="repaired", detail=detail))
    return seo.model_copy(update=update), findings


def _clean_title(title: str, body: str, subject: str, language: str) -> str:
    """The model's SEO title when it has no letters of another script; else the article's own
    title (its first-level heading) or the brief's subject, whichever is clean; else the SEO
    title without the foreign run ("… Rainwater Harvesting系统" → "… Rainwater Harvesting")."""
    if not foreign_letters(title, language):
        return title
    heading = _H1.search(body)
    for candidate in (heading.group(1) if heading else "", subject):
        candidate = plain(candidate).strip()
        if candidate and not foreign_letters(candidate, language):
            return candidate
    return drop_foreign(title, language) or title


def _slug(slug: str, subject: Sequence[str], vocabulary: _Vocabulary) -> str:
    """The model's slug when its parts are words of the title, brief or article ("1-2" for a
    Korean title, "growingvegetablesbalconycityflatdwellers" are not); else one from the title
    or the brief, else empty (the caller falls back to the article's id)."""
    parts = [part for part in slug.split("-") if part]
    known = vocabulary.body_words | {p for text in subject for p in slugify(text).split("-")}
    if parts and all(part in known for part in parts) and any(p.isalpha() for p in parts):
        return slug
    for text in subject:
        made = slugify(text)
        if any(part.isalpha() for part in made.split("-")):
            return made
    return ""


def _description(description: str, body: str, language: str = "en") -> str:
    """The model's description when it is whole sentences in the article's script and no list;
    else the article's first sentences that fit (a search result shows about 160 characters),
    without runs of another script."""
    description = " ".join(description.split())
    if (
        _SENTENCE_STOP.search(description)
        and not _LIST_MARKER.search(description)
        and not foreign_letters(description, language)
    ):
        return description
    prose = "\n".join(
        line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )
    made = ""
    for sentence in sentences(prose):
        joined = f"{made} {sentence}".strip()
        if len(joined) > DESCRIPTION_LIMIT:
            break
        made = joined
    if not made:
        first = next(iter(sentences(prose)), description)
        made = shorten(first, DESCRIPTION_LIMIT)
    made = made or description
    return drop_foreign(made, language) if foreign_letters(made, language) else made


def _looped(alt: str, language: str) -> bool:
    """Too long for an alt text, or a phrase said again and again."""
    return len(alt) > MAX_ALT_CHARS or distinct_ngram_ratio(alt, 2, language) < MIN_ALT_DISTINCT


def default_alt(title: str, language: str, index: int) -> str:
    base = language.split("-")[0].lower()
    if base == "ko":
        text = f"{title} 관련 이미지"
    elif base == "ja":
        text = f"{title}のイメージ"
    else:
        text = f"Illustration for “{title}”"
    return (text if index == 0 else f"{text} ({index + 1})")[:250]


def fit_alts(
    images: Sequence[ImagePrompt],
    title: str,
    article: str,
    language: str,
    references: Sequence[str] = (),
) -> tuple[list[ImagePrompt], list[Finding]]:
    """Alt texts in the article's language that name something the article is about, are
    not the prompt's words and differ from each other (the bundled model once answered with
    the visual director's instructions, "A concrete subject, setting, light, composition,
    style…"); otherwise one made from the title (an honest alt beats a description of another
    image)."""
    subject = terms(f"{title} {article}", language)
    needed = MIN_ALT_SCRIPT["dense" if is_dense(language) else "alphabetic"]
    n = scaffolding.run_length(language)
    prompt = scaffolding.reference_grams(references, n, language)
    fitted: list[ImagePrompt] = []
    findings: list[Finding] = []
    seen: set[str] = set()
    for index, image in enumerate(images):
        alt = image.alt.strip()
        on_topic = bool(terms(alt, language) & subject)
        copied = scaffolding.leaks(alt, prompt, n, language)
        # Two pictures with one alt text tell a screen reader the same thing twice.
        again = alt.casefold() in seen
        seen.add(alt.casefold())
        if (
            alt
            and on_topic
            and not copied
            and not again
            and not _looped(alt, language)
            and not foreign_letters(alt, language)
            and script_share(alt, language) >= needed
        ):
            fitted.append(image)
            continue
        replacement = default_alt(title, language, index)
        findings.append(
            Finding(code="alt_text", action="repaired", detail=f"{alt[:120]!r} → {replacement!r}")
        )
        fitted.append(image.model_copy(update={"alt": replacement}))
    return fitted, findings
