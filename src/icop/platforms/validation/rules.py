"""Every platform limit the validation stage enforces, in one table.

Limits change; when one does, change it here and nowhere else. Each value carries where it comes
from and when it was read. Image sizes and aspect ratios are not repeated here: they live in the
image service's table (icop.platforms.images.PLATFORM_SPECS), which the JPEG pipeline applies,
so the check and the fix cannot disagree.

Sources, as cited below:
[X-COUNT]  docs.x.com/fundamentals/counting-characters and twitter/twitter-text config/v3.json
[X-MEDIA]  docs.x.com/x-api/media/quickstart/best-practices ("up to 4 photos, 1 animated GIF or 1
           video in a Post"; JPG, PNG, GIF, WEBP; image <= 5 MB; animated GIF <= 15 MB)
[X-PRICE]  docs.x.com/x-api/getting-started/pricing (pay-per-use, 2026: Content: Create $0.015
           per request, Content: Create (with URL) $0.200; current rates in the Developer Console)
[X-USER]   X username rules: letters, digits and _, at most 15 (twitter-text validate.yml: "-" is
           not allowed)
[TH-POSTS] developers.facebook.com/documentation/threads/posts, Limitations (updated 2026-04-14):
           "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
           bytes."; carousels: "at least 2 and up to 20 total images or videos"
[TH-LINKS] developers.facebook.com/documentation/threads/create-posts/text-attachments: from
           2025-12-22 posts with more than 5 links fail with THREADS_API__LINK_LIMIT_EXCEEDED
[TH-TAG]   Threads allows one tag per post (Meta's launch of tags; Ayrshare's Threads API notes
           "Threads only allows 1 hashtag per post"); the API's topic_tag is 1-50 characters
           without "." or "&" (Zernio/Late API reference for ThreadsPlatformData)
[TH-MEDIA] Threads media specifications: JPEG and PNG, <= 8 MB, aspect ratio limit 10:1
[IG-MEDIA] Instagram Graph API, IG User Media reference: caption "Maximum 2200 characters, 30
           hashtags, and 20 @ tags"; JPEG only; 4:5 to 1.91:1; <= 8 MB (error 2207004: "less
           than 8 MiB"); content publishing: carousels of 2 to 10 items; PRODUCT.md §4
[IG-TAGS]  Instagram (@creators, Dec 2025; reported by RouteNote and others) caps hashtags at 5
           per post or reel, down from 30; the Graph API reference still says 30
[IG-USER]  Instagram usernames: letters, digits, "." and "_", at most 30 characters
[FB-TEXT]  Facebook post text: 63,206 characters (Ayrshare and Upload-Post limit references;
           Meta documents no number for the Graph API `message`)
[FB-PHOTO] Graph API Page Photos: JPEG, BMP, PNG, GIF, TIFF; "photos should be less than 4 MB"
           (the size is in the image service's table). Multi-photo feed posts: we cap at 10,
           the largest set third-party schedulers document as accepted (Meta gives no number)
[MVP]      PRODUCT.md §4: feed images only, no video in the MVP
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from icop.platforms import Platform
from icop.platforms.images import PLATFORM_SPECS, PlatformSpec
from icop.platforms.validation.lengths import LengthRule


class HashtagPolicy(StrEnum):
    INLINE = "inline"  # any number of #tags in the text, up to max_hashtags
    SINGLE_TOPIC = "single_topic"  # one tag, also sent as the topic_tag field (Threads)


class LinkPlacement(StrEnum):
    TEXT = "text"  # the link goes in the text
    LINK_FIELD = "link_field"  # a separate field makes the preview card (Facebook `link`)


@dataclass(frozen=True, slots=True)
class MediaRules:
    """`formats` are accepted as uploaded; anything else goes through the JPEG pipeline.
    `max_items` is per post (X) or per carousel; a carousel needs `min_carousel` items."""

    formats: frozenset[str]
    max_items: int
    min_carousel: int
    requires_media: bool
    keeps_animated_gif: bool
    gif_max_bytes: int | None
    # X attaches media per post (four photos, or one GIF alone), so a thread can carry more;
    # elsewhere all images of a post form one carousel or multi-photo post.
    per_post_groups: bool
    spec: PlatformSpec


@dataclass(frozen=True, slots=True)
class PlatformRules:
    platform: Platform
    display_name: str
    text_limit: int
    length_rule: LengthRule
    max_hashtags: int | None
    hashtag_policy: HashtagPolicy
    max_topic_tag_length: int | None
    max_mentions: int | None
    mention_pattern: str
    mentions_linked: bool
    max_links: int | None
    link_placement: LinkPlacement
    link_clickable: bool
    supports_reply_chain: bool
    supports_reply_to: bool
    rejects_duplicates: bool
    price_per_post_usd: Decimal | None
    price_per_post_with_url_usd: Decimal | None
    media: MediaRules

    @property
    def possessive(self) -> str:
        """ "X's", "Threads'": for messages users read."""
        return self.display_name + ("'" if self.display_name.endswith("s") else "'s")


MB: Final = 1_000_000

PLATFORM_RULES: Final[dict[Platform, PlatformRules]] = {
    Platform.X: PlatformRules(
        platform=Platform.X,
        display_name="X",
        text_limit=280,  # [X-COUNT], weighted
        length_rule=LengthRule.X_WEIGHTED,
        max_hashtags=None,  # X sets no number; every tag costs characters instead
        hashtag_policy=HashtagPolicy.INLINE,
        max_topic_tag_length=None,
        max_mentions=None,
        mention_pattern=r"[A-Za-z0-9_]{1,15}",  # [X-USER]
        mentions_linked=True,
        max_links=None,
        link_placement=LinkPlacement.TEXT,
        link_clickable=True,
        supports_reply_chain=True,
        supports_reply_to=True,
        rejects_duplicates=True,  # PRODUCT.md §4: "duplicate text rejected" (403)
        price_per_post_usd=Decimal("0.015"),  # [X-PRICE]
        price_per_post_with_url_usd=Decimal("0.200"),  # [X-PRICE]
        media=MediaRules(
            formats=frozenset({"jpeg", "png", "gif", "webp"}),  # [X-MEDIA]
            max_items=4,  # [X-MEDIA]: 4 photos, or 1 animated GIF, per post
            min_carousel=1,
            requires_media=False,
            keeps_animated_gif=True,
            gif_max_bytes=15 * MB,  # [X-MEDIA]
            per_post_groups=True,
            spec=PLATFORM_SPECS[Platform.X],  # image <= 5 MB [X-MEDIA]
        ),
    ),
    Platform.THREADS: PlatformRules(
        platform=Platform.THREADS,
        display_name="Threads",
        text_limit=500,  # [TH-POSTS]
        length_rule=LengthRule.THREADS,
        max_hashtags=1,  # [TH-TAG]
        hashtag_policy=HashtagPolicy.SINGLE_TOPIC,
        max_topic_tag_length=50,  # [TH-TAG]
        max_mentions=None,
        mention_pattern=r"[A-Za-z0-9._]{1,30}",  # Threads handles are Instagram's [IG-USER]
        mentions_linked=True,
        max_links=5,  # [TH-LINKS], unique URLs
        link_placement=LinkPlacement.TEXT,  # the first URL in the text becomes the preview
        link_clickable=True,
        supports_reply_chain=True,
        supports_reply_to=True,
        rejects_duplicates=False,
        price_per_post_usd=None,
        price_per_post_with_url_usd=None,
        media=MediaRules(
            formats=frozenset({"jpeg", "png"}),  # [TH-MEDIA]
            max_items=20,  # [TH-POSTS]
            min_carousel=2,  # [TH-POSTS]
            requires_media=False,
            keeps_animated_gif=False,
            gif_max_bytes=None,
            per_post_groups=False,
            spec=PLATFORM_SPECS[Platform.THREADS],  # <= 8 MB, 10:1 [TH-MEDIA]
        ),
    ),
    Platform.INSTAGRAM: PlatformRules(
        platform=Platform.INSTAGRAM,
        display_name="Instagram",
        text_limit=2200,  # [IG-MEDIA]
        length_rule=LengthRule.UTF16,
        max_hashtags=5,  # [IG-TAGS]; the stricter of the two numbers Meta has published
        hashtag_policy=HashtagPolicy.INLINE,
        max_topic_tag_length=None,
        max_mentions=20,  # [IG-MEDIA]
        mention_pattern=r"[A-Za-z0-9._]{1,30}",  # [IG-USER]
        mentions_linked=True,
        max_links=None,
        link_placement=LinkPlacement.TEXT,
        link_clickable=False,  # captions do not link URLs
        supports_reply_chain=False,
        supports_reply_to=False,  # the publishing API creates feed posts, not replies
        rejects_duplicates=False,
        price_per_post_usd=None,
        price_per_post_with_url_usd=None,
        media=MediaRules(
            formats=frozenset({"jpeg"}),  # [IG-MEDIA]
            max_items=10,  # [IG-MEDIA]; the app allows 20, the publishing API documents 10
            min_carousel=2,  # [IG-MEDIA]
            requires_media=True,  # feed posts are images; there is no text-only post
            keeps_animated_gif=False,
            gif_max_bytes=None,
            per_post_groups=False,
            spec=PLATFORM_SPECS[Platform.INSTAGRAM],  # 4:5 .. 1.91:1, <= 8 MB [IG-MEDIA]
        ),
    ),
    Platform.FACEBOOK: PlatformRules(
        platform=Platform.FACEBOOK,
        display_name="Facebook",
        text_limit=63_206,  # [FB-TEXT]
        length_rule=LengthRule.UTF16,
        max_hashtags=None,
        hashtag_policy=HashtagPolicy.INLINE,
        max_topic_tag_length=None,
        max_mentions=None,
        mention_pattern=r"[A-Za-z0-9._]{1,50}",
        mentions_linked=False,  # "@name" in a Graph API message is plain text, not a tag
        max_links=None,
        link_placement=LinkPlacement.LINK_FIELD,  # POST /{page-id}/feed `link`
        link_clickable=True,
        supports_reply_chain=False,
        supports_reply_to=False,
        rejects_duplicates=False,
        price_per_post_usd=None,
        price_per_post_with_url_usd=None,
        media=MediaRules(
            formats=frozenset({"jpeg", "png", "gif", "bmp", "tiff"}),  # [FB-PHOTO]
            max_items=10,  # [FB-PHOTO]
            min_carousel=1,
            requires_media=False,
            keeps_animated_gif=True,
            gif_max_bytes=None,
            per_post_groups=False,
            spec=PLATFORM_SPECS[Platform.FACEBOOK],  # < 4 MB [FB-PHOTO]
        ),
    ),
}
