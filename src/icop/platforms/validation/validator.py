"""validate(): one draft, one platform -> the posts to send, or why they cannot be sent.

The order of the steps matters:
1. clean the text (NFC, characters X refuses), so every later count is of what is sent;
2. media, because Facebook moves the link into the text when there are photos;
3. hashtags and mentions, which may rewrite the body;
4. the link: into the text, Facebook's link field, or an X reply;
5. length: a thread where the platform has reply chains and the caller allows it, else a
   shortened body with the link, mentions and hashtags kept whole at the end;
6. media onto posts, the duplicate rule, Threads' link limit and X's price, on the final texts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from icop.platforms.validation.duplicates import find_duplicate
from icop.platforms.validation.lengths import LengthRule, Measure, measure_for
from icop.platforms.validation.media import MediaPlan, plan_media
from icop.platforms.validation.model import (
    Change,
    ChangeCode,
    DraftPost,
    Issue,
    IssueCode,
    Platform,
    PreparedPost,
    ValidationOptions,
    ValidationResult,
)
from icop.platforms.validation.rules import PLATFORM_RULES, LinkPlacement, PlatformRules
from icop.platforms.validation.splitting import shorten, split_into_parts
from icop.platforms.validation.tags import inline_mentions, plan_hashtags, plan_mentions
from icop.platforms.validation.twitter_text import INVALID_CHARACTERS, extract_urls

_BLOCK_SEPARATOR = "\n\n"
# Below this many characters a shortened body says nothing; report instead of mangling.
_MIN_BODY = 20


@dataclass
class _Report:
    changes: list[Change] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    def change(self, code: ChangeCode, message: str) -> None:
        self.changes.append(Change(code, message))


@dataclass(frozen=True, slots=True)
class _Link:
    in_text: str | None = None  # append to the text
    link_field: str | None = None  # Facebook's `link` parameter
    reply: str | None = None  # X: a reply post of its own


def _join(blocks: list[str | None]) -> str:
    return _BLOCK_SEPARATOR.join(block for block in blocks if block)


def _unit(rules: PlatformRules) -> str:
    if rules.length_rule is LengthRule.X_WEIGHTED:
        return "weighted characters"
    if rules.length_rule is LengthRule.THREADS:
        return "characters (emoji count as their UTF-8 bytes)"
    return "characters"


def _clean_text(text: str, report: _Report) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    invalid = sum(1 for char in text if char in INVALID_CHARACTERS)
    if invalid:
        text = "".join(char for char in text if char not in INVALID_CHARACTERS)
        report.change(
            ChangeCode.INVALID_CHARACTERS_REMOVED,
            f"Removed {invalid} invisible character(s) (byte-order marks or non-characters) "
            "that X refuses.",
        )
    return text.strip()


def _place_link(
    draft: DraftPost,
    body: str,
    rules: PlatformRules,
    options: ValidationOptions,
    has_images: bool,
    report: _Report,
) -> _Link:
    url = (draft.link_url or "").strip() or None
    is_x = rules.platform is Platform.X
    if url is None:
        if is_x and options.url_as_reply and extract_urls(body):
            report.warnings.append(
                Issue(
                    IssueCode.INLINE_URL_KEPT,
                    "The text itself contains a link; only the article link can go into a reply.",
                    suggestion="Move the link out of the text into the draft's link field.",
                )
            )
        return _Link()
    already = url in body
    if rules.link_placement is LinkPlacement.LINK_FIELD:
        if not has_images:
            return _Link(link_field=url)  # the preview card; the text stays as written
        if not already:
            report.change(
                ChangeCode.LINK_MOVED_TO_TEXT,
                f"{rules.display_name} shows no link preview on a photo post, so the link was "
                "added to the text.",
            )
        return _Link(in_text=None if already else url)
    if is_x and options.url_as_reply:
        if already:
            report.warnings.append(
                Issue(
                    IssueCode.INLINE_URL_KEPT,
                    "The article link is written inside the text, so it stays in the first post.",
                    suggestion="Remove it from the text to post it as a reply.",
                )
            )
            return _Link()
        report.change(
            ChangeCode.URL_MOVED_TO_REPLY,
            "Moved the link into a reply post, so the first post carries no link.",
        )
        return _Link(reply=url)
    if not rules.link_clickable:
        report.warnings.append(
            Issue(
                IssueCode.LINK_NOT_CLICKABLE,
                f"{rules.display_name} does not make links in captions clickable.",
                suggestion="Point readers to the link in the profile instead.",
            )
        )
    return _Link(in_text=None if already else url)


def _fit_length(
    body: str,
    tail: str,
    rules: PlatformRules,
    measure: Measure,
    options: ValidationOptions,
    report: _Report,
) -> list[str] | None:
    full = _join([body, tail])
    limit = rules.text_limit
    original = measure(full)
    if original <= limit:
        return [full] if full else []
    possessive, unit = rules.possessive, _unit(rules)
    if rules.supports_reply_chain and options.allow_thread:
        split = split_into_parts(full, limit, measure, numbering=options.number_parts)
        numbered = ", numbered" if split.numbered else ""
        report.change(
            ChangeCode.SPLIT_INTO_THREAD,
            f"Split into a {len(split.parts)}-post thread{numbered}: the text is {original} "
            f"{unit}, over {possessive} limit of {limit}; each post is at most {limit}, cut at "
            "sentence or word boundaries.",
        )
        return list(split.parts)
    tail_cost = measure(_BLOCK_SEPARATOR + tail) if tail else 0
    budget = limit - tail_cost
    if not body or budget < _MIN_BODY:
        report.errors.append(
            Issue(
                IssueCode.TEXT_TOO_LONG,
                f"The text is {original} {unit}, over {possessive} limit of {limit}, and the link, "
                f"mentions and hashtags alone take {tail_cost}.",
                suggestion="Remove hashtags or mentions, or shorten the link.",
            )
        )
        return None
    text = _join([shorten(body, budget, measure), tail])
    report.change(
        ChangeCode.SHORTENED,
        f"Shortened from {original} to {measure(text)} {unit} to fit {possessive} limit of "
        f"{limit}.",
    )
    return [text]


def _check_duplicates(
    texts: list[str],
    rules: PlatformRules,
    measure: Measure,
    options: ValidationOptions,
    report: _Report,
) -> None:
    variation = (options.duplicate_variation or "").strip()
    for index, text in enumerate(texts):
        match = find_duplicate(text, options.recent_texts, options.near_duplicate_ratio)
        if match is None:
            continue
        which = f"Post {index + 1}" if len(texts) > 1 else "The post"
        if not match.exact:
            report.warnings.append(
                Issue(
                    IssueCode.NEAR_DUPLICATE_TEXT,
                    f"{which} is {match.ratio:.0%} similar to recent post {match.recent_index + 1}"
                    f"; {rules.display_name} may treat it as a repeat.",
                    suggestion="Rephrase it so it reads as a new post.",
                )
            )
            continue
        if not rules.rejects_duplicates:
            report.warnings.append(
                Issue(
                    IssueCode.DUPLICATE_TEXT,
                    f"{which} repeats recent post {match.recent_index + 1}.",
                    suggestion="Rephrase it, or skip this platform.",
                )
            )
            continue
        varied = f"{text} {variation}" if variation else ""
        fixed = find_duplicate(varied, options.recent_texts, 1.0) if varied else match
        if varied and measure(varied) <= rules.text_limit and fixed is None:
            texts[index] = varied
            report.change(
                ChangeCode.DUPLICATE_VARIATION_APPENDED,
                f"Appended the approved variation \u201c{variation}\u201d to {which.lower()}, "
                f"which repeated recent post {match.recent_index + 1}.",
            )
            continue
        report.errors.append(
            Issue(
                IssueCode.DUPLICATE_TEXT,
                f"{which} repeats recent post {match.recent_index + 1}; {rules.display_name} "
                "rejects duplicate text.",
                suggestion="Rephrase it, or approve a variation (for example the date) to append.",
            )
        )


def _check_links(texts: list[str], rules: PlatformRules, report: _Report) -> None:
    if rules.max_links is None:
        return
    for index, text in enumerate(texts):
        links = {text[u.start : u.end] for u in extract_urls(text)}
        if len(links) > rules.max_links:
            report.errors.append(
                Issue(
                    IssueCode.TOO_MANY_LINKS,
                    f"Post {index + 1} has {len(links)} different links; {rules.display_name} "
                    f"allows {rules.max_links}.",
                    suggestion="Keep the links that matter most.",
                )
            )


def _price(texts: list[str], rules: PlatformRules, link: _Link, report: _Report) -> Decimal | None:
    base, with_url = rules.price_per_post_usd, rules.price_per_post_with_url_usd
    if base is None or with_url is None:
        return None
    with_links = sum(1 for text in texts if extract_urls(text))
    total = base * (len(texts) - with_links) + with_url * with_links
    if with_links:
        advice = (
            "The reply with the link is billed at the link rate too; leave the link out to pay "
            "the base rate."
            if link.reply
            else "Set url_as_reply to keep the first post link-free (the reply is still billed at "
            "the link rate), or leave the link out to pay the base rate."
        )
        report.warnings.append(
            Issue(
                IssueCode.URL_PRICING,
                f"{with_links} of {len(texts)} post(s) contain a link; {rules.display_name} bills "
                f"a post with a link at ${with_url} instead of ${base} (pay-per-use rates, check "
                f"the Developer Console). Estimated cost: ${total}.",
                suggestion=advice,
            )
        )
    return total


def _posts(
    texts: list[str],
    media: MediaPlan,
    rules: PlatformRules,
    measure: Measure,
    draft: DraftPost,
    link: _Link,
    topic: str | None,
    report: _Report,
) -> list[PreparedPost]:
    groups = list(media.groups)
    # X: extra media groups become media-only posts after the text; other platforms have one.
    while len(groups) > len(texts):
        texts.append("")
    if len(groups) > 1:
        report.change(
            ChangeCode.MEDIA_SPREAD_OVER_THREAD,
            f"Spread {len(media.images)} images over {len(groups)} posts "
            f"({rules.display_name} takes {rules.media.max_items} photos, or one GIF, per post).",
        )
    if link.reply:
        texts.append(link.reply)
    posts = []
    for index, text in enumerate(texts):
        first = index == 0
        posts.append(
            PreparedPost(
                text=text,
                length=measure(text),
                media=groups[index] if index < len(groups) else (),
                link_url=link.link_field if first else None,
                topic_tag=topic if first else None,
                reply_to=draft.reply_to if first else None,
                reply_to_previous=not first,
            )
        )
    return posts


def validate(
    draft: DraftPost, platform: Platform | str, options: ValidationOptions | None = None
) -> ValidationResult:
    """Check `draft` against `platform`'s rules and fix what can be fixed without the author.

    Pure and deterministic: the same arguments always give the same result. The result's
    `errors` say what blocks sending; `image_actions` must be applied before uploading."""
    options = options or ValidationOptions()
    rules = PLATFORM_RULES[Platform(platform)]
    measure = measure_for(rules.length_rule)
    report = _Report()

    body = _clean_text(draft.text, report)
    threadable = rules.supports_reply_chain and options.allow_thread
    media = plan_media(draft, rules, allow_thread=threadable)
    report.errors.extend(media.errors)
    report.warnings.extend(media.warnings)
    if draft.reply_to and not rules.supports_reply_to:
        report.errors.append(
            Issue(
                IssueCode.REPLY_NOT_SUPPORTED,
                f"{rules.display_name} publishing cannot reply to another post.",
                suggestion="Publish it as a new post instead.",
            )
        )

    hashtags = plan_hashtags(body, draft.hashtags, rules)
    mentions = plan_mentions(hashtags.body, draft.mentions, rules)
    body = mentions.body
    report.changes.extend(hashtags.changes + mentions.changes)
    if not rules.mentions_linked and (mentions.mentions or inline_mentions(body)):
        report.warnings.append(
            Issue(
                IssueCode.MENTIONS_NOT_LINKED,
                f"@mentions are not linked in {rules.display_name} posts made through the API.",
                suggestion="Name the page in words, or tag it by hand after publishing.",
            )
        )
    link = _place_link(draft, body, rules, options, bool(media.images), report)
    tail = _join(
        [
            " ".join("@" + handle for handle in mentions.mentions),
            link.in_text,
            " ".join("#" + tag for tag in hashtags.hashtags),
        ]
    )

    texts: list[str] | None = None
    if not _join([body, tail]) and not media.images and not link.link_field and not link.reply:
        report.errors.append(
            Issue(
                IssueCode.EMPTY_POST,
                "There is nothing to post: no text, link or image.",
                suggestion="Write the post's text or attach an image.",
            )
        )
    else:
        texts = _fit_length(body, tail, rules, measure, options, report)
    cost: Decimal | None = None
    posts: list[PreparedPost] = []
    if texts is not None:
        if not texts:
            texts = [""]  # a media-only post, or a Facebook post that is just a link
        _check_duplicates(texts, rules, measure, options, report)
        _check_links(texts, rules, report)
        posts = _posts(texts, media, rules, measure, draft, link, hashtags.topic_tag, report)
        cost = _price([post.text for post in posts], rules, link, report)
    return ValidationResult(
        platform=rules.platform,
        posts=tuple(posts),
        changes=tuple(report.changes),
        warnings=tuple(report.warnings),
        errors=tuple(report.errors),
        image_actions=media.actions,
        video_actions=media.video_actions,
        estimated_cost_usd=cost,
        dropped_hashtags=hashtags.dropped_hashtags,
    )
