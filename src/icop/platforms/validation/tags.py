"""Hashtags and @mentions: normalise, de-duplicate, and fit each platform's rules.

A draft has tags in two places: inline in the prose ("we love #Python") and listed for the end
of the post. Inline tags are part of a sentence, so they are never deleted: when a platform
allows fewer tags than the prose has, the surplus loses its "#" and stays as a word. Listed tags
that do not fit are dropped (and reported), listed first-come first-kept.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

import regex

from icop.platforms.validation.model import Change, ChangeCode
from icop.platforms.validation.rules import HashtagPolicy, PlatformRules
from icop.platforms.validation.twitter_text import extract_urls

_TAG_CHAR = r"[\p{L}\p{M}\p{N}_]"
# twitter-text's hashtag: not glued to a word or "&" before it, at least one letter, and not a
# keycap (#️⃣). The final lookahead stops backtracking into a shorter tag ("#ab#c" is no tag).
_INLINE_HASHTAG: Final = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}\p{{N}}_&#\uff03])[#\uff03](?![\uFE0F\u20E3])"
    rf"(?P<tag>{_TAG_CHAR}*[\p{{L}}\p{{M}}]{_TAG_CHAR}*)(?![\p{{L}}\p{{M}}\p{{N}}_#\uff03]|://)"
)
# An @handle not preceded by a word character, "." or "@" (so e-mail addresses are not
# mentions), ending on a letter, digit or underscore ("thanks @ana." mentions "ana").
_INLINE_MENTION: Final = regex.compile(
    r"(?<![\p{L}\p{N}_.@\uff20])[@\uff20](?P<tag>[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)"
    r"(?![\p{L}\p{N}_@])"
)
_NOT_TAG_CHAR: Final = regex.compile(r"[^\p{L}\p{M}\p{N}_]+")
_HAS_LETTER: Final = regex.compile(r"[\p{L}\p{M}]")


@dataclass(frozen=True, slots=True)
class InlineTag:
    start: int  # of the "#" or "@"
    end: int
    tag: str  # without the sign


def normalize_hashtag(raw: str) -> str | None:
    """ "#Machine Learning" -> "MachineLearning"; None when nothing valid is left (X and Meta
    do not link an all-digit tag)."""
    text = unicodedata.normalize("NFC", raw).strip().lstrip("#\uff03")
    tag = _NOT_TAG_CHAR.sub("", text)
    if not tag or not _HAS_LETTER.search(tag):
        return None
    return tag


def normalize_mention(raw: str, pattern: str) -> str | None:
    handle = raw.strip().lstrip("@\uff20")
    return handle if regex.fullmatch(pattern, handle) else None


def _outside_urls(text: str, found: list[InlineTag]) -> list[InlineTag]:
    urls = [(u.start, u.end) for u in extract_urls(text)]
    return [t for t in found if not any(a <= t.start < b for a, b in urls)]


def inline_hashtags(text: str) -> list[InlineTag]:
    found = [InlineTag(m.start(), m.end(), m["tag"]) for m in _INLINE_HASHTAG.finditer(text)]
    return _outside_urls(text, found)  # "example.com/#section" is no hashtag


def inline_mentions(text: str) -> list[InlineTag]:
    found = [InlineTag(m.start(), m.end(), m["tag"]) for m in _INLINE_MENTION.finditer(text)]
    return _outside_urls(text, found)  # "medium.com/@author" is no mention


def _untag(text: str, tags: list[InlineTag]) -> str:
    for tag in sorted(tags, key=lambda t: t.start, reverse=True):
        text = text[: tag.start] + text[tag.start + 1 :]
    return text


def _signs(sign: str, tags: list[str] | tuple[str, ...]) -> str:
    return " ".join(sign + tag for tag in tags)


@dataclass(frozen=True, slots=True)
class TagPlan:
    body: str
    hashtags: tuple[str, ...]  # to append at the end of the post (without "#")
    mentions: tuple[str, ...]  # to append (without "@")
    topic_tag: str | None
    dropped_hashtags: tuple[str, ...]
    changes: tuple[Change, ...]


def _plan_listed_hashtags(
    listed: tuple[str, ...], inline_keys: set[str], changes: list[Change]
) -> list[str]:
    kept: list[str] = []
    seen = set(inline_keys)
    respelled: list[str] = []
    invalid: list[str] = []
    duplicates: list[str] = []
    for raw in listed:
        tag = normalize_hashtag(raw)
        if tag is None:
            invalid.append(raw)
            continue
        if tag != raw.strip().lstrip("#\uff03"):
            respelled.append(f"\u201c{raw.strip()}\u201d \u2192 #{tag}")
        if tag.casefold() in seen:
            duplicates.append(tag)
            continue
        seen.add(tag.casefold())
        kept.append(tag)
    if respelled or invalid:
        parts = []
        if respelled:
            parts.append("rewrote " + ", ".join(respelled))
        if invalid:
            parts.append(
                "dropped "
                + ", ".join(f"\u201c{r}\u201d" for r in invalid)
                + " (a hashtag needs at least one letter)"
            )
        sentence = "; ".join(parts)
        message = sentence[0].upper() + sentence[1:] + "."
        changes.append(Change(ChangeCode.HASHTAGS_NORMALIZED, message))
    if duplicates:
        changes.append(
            Change(
                ChangeCode.HASHTAGS_DEDUPLICATED,
                f"Removed repeated hashtags (compared without case): {_signs('#', duplicates)}.",
            )
        )
    return kept


def plan_hashtags(body: str, listed: tuple[str, ...], rules: PlatformRules) -> TagPlan:
    changes: list[Change] = []
    name, possessive = rules.display_name, rules.possessive
    inline = inline_hashtags(body)
    # the first spelling of each inline tag, in order of appearance
    inline_unique: dict[str, str] = {}
    for tag in inline:
        inline_unique.setdefault(tag.tag.casefold(), tag.tag)
    listed_tags = _plan_listed_hashtags(listed, set(inline_unique), changes)

    too_long = rules.max_topic_tag_length
    eligible_inline = [
        key for key, tag in inline_unique.items() if too_long is None or len(tag) <= too_long
    ]
    limit = rules.max_hashtags
    keep_inline = eligible_inline if limit is None else eligible_inline[:limit]
    untag = [t for t in inline if t.tag.casefold() not in keep_inline]
    if untag:
        body = _untag(body, untag)
        words = sorted({t.tag for t in untag}, key=str.casefold)
        reason = (
            f"{name} allows one tag per post"
            if rules.hashtag_policy is HashtagPolicy.SINGLE_TOPIC
            else f"{name} allows {limit} hashtags per post"
        )
        changes.append(
            Change(
                ChangeCode.HASHTAGS_UNTAGGED,
                f"Kept {', '.join(words)} as plain words without \u201c#\u201d ({reason}).",
            )
        )
    fitting = [t for t in listed_tags if too_long is None or len(t) <= too_long]
    overlong = [t for t in listed_tags if t not in fitting]
    if overlong:
        changes.append(
            Change(
                ChangeCode.HASHTAGS_DROPPED,
                f"Dropped hashtags longer than {possessive} {too_long} characters: "
                f"{_signs('#', overlong)}.",
            )
        )
    room = None if limit is None else max(limit - len(keep_inline), 0)
    kept = fitting if room is None else fitting[:room]
    over = fitting[len(kept) :]
    if over:
        changes.append(
            Change(
                ChangeCode.HASHTAGS_DROPPED,
                f"Dropped {len(over)} hashtag{'s' if len(over) != 1 else ''} beyond {possessive} "
                f"limit of {limit}: {_signs('#', over)}.",
            )
        )
    dropped = overlong + over

    topic: str | None = None
    if rules.hashtag_policy is HashtagPolicy.SINGLE_TOPIC:
        topic = inline_unique[keep_inline[0]] if keep_inline else (kept[0] if kept else None)
        if topic is not None:
            changes.append(
                Change(ChangeCode.TOPIC_TAG_SET, f"#{topic} is sent as the post's topic tag.")
            )
        if not keep_inline:
            kept = []  # the topic_tag field carries it; it costs no characters in the text
    return TagPlan(body, tuple(kept), (), topic, tuple(dropped), tuple(changes))


def plan_mentions(body: str, listed: tuple[str, ...], rules: PlatformRules) -> TagPlan:
    changes: list[Change] = []
    inline = inline_mentions(body)
    inline_keys: list[str] = []
    for tag in inline:
        if tag.tag.casefold() not in inline_keys:
            inline_keys.append(tag.tag.casefold())
    invalid: list[str] = []
    kept: list[str] = []
    for raw in listed:
        handle = normalize_mention(raw, rules.mention_pattern)
        if handle is None:
            invalid.append(raw.strip())
        elif handle.casefold() not in inline_keys and handle.casefold() not in (
            k.casefold() for k in kept
        ):
            kept.append(handle)
    if invalid:
        changes.append(
            Change(
                ChangeCode.MENTIONS_DROPPED,
                "Dropped mentions that are not valid handles here: "
                + ", ".join(f"\u201c{r}\u201d" for r in invalid)
                + ".",
            )
        )
    limit = rules.max_mentions
    if limit is not None:
        allowed = inline_keys[:limit]
        untag = [t for t in inline if t.tag.casefold() not in allowed]
        if untag:
            body = _untag(body, untag)
            changes.append(
                Change(
                    ChangeCode.MENTIONS_UNTAGGED,
                    f"Kept {len(untag)} mention(s) beyond the limit of {limit} as plain names "
                    f"without \u201c@\u201d.",
                )
            )
        room = max(limit - len(allowed), 0)
        if len(kept) > room:
            changes.append(
                Change(
                    ChangeCode.MENTIONS_DROPPED,
                    f"Dropped mentions beyond the limit of {limit}: {_signs('@', kept[room:])}.",
                )
            )
            kept = kept[:room]
    return TagPlan(body, (), tuple(kept), None, (), tuple(changes))
