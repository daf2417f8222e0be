"""validate() for Meta's platforms: Instagram captions and images, Threads' 500 limit, topic tag,
links and carousels, Facebook's link preview."""

from __future__ import annotations

import pytest

from icop.platforms.validation import (
    ChangeCode,
    DraftPost,
    IssueCode,
    MediaItem,
    Platform,
    ValidationOptions,
    validate,
)


def jpeg(width: int = 1080, height: int = 1080, size: int = 500_000) -> MediaItem:
    return MediaItem("jpeg", width, height, size)


def codes(items: tuple[object, ...]) -> list[str]:
    return [str(item.code) for item in items]  # type: ignore[attr-defined]


# --- Instagram ---------------------------------------------------------------------------
def test_instagram_needs_an_image() -> None:
    result = validate(DraftPost(text="Caption only"), Platform.INSTAGRAM)
    assert codes(result.errors) == [IssueCode.MEDIA_REQUIRED]


@pytest.mark.parametrize(("length", "changed"), [(2200, False), (2201, True)])
def test_instagram_caption_boundary(length: int, changed: bool) -> None:
    text = ("word " * 500)[: length - 1] + "."
    result = validate(DraftPost(text=text, media=(jpeg(),)), Platform.INSTAGRAM)
    assert result.ok
    assert result.posts[0].length <= 2200
    assert (result.changes != ()) is changed
    if changed:
        assert result.changes[0].code is ChangeCode.SHORTENED
        assert len(result.posts) == 1  # Instagram has no threads


def test_instagram_counts_emoji_as_two_utf16_units() -> None:
    text = "\U0001f600" * 1100
    assert validate(DraftPost(text=text, media=(jpeg(),)), Platform.INSTAGRAM).changes == ()
    longer = validate(DraftPost(text=text + "!", media=(jpeg(),)), Platform.INSTAGRAM)
    assert longer.changes[0].code is ChangeCode.SHORTENED


def test_instagram_keeps_five_hashtags() -> None:
    tags = tuple(f"tag{i}" for i in range(9))
    draft = DraftPost(text="Sunset #beach", hashtags=tags, media=(jpeg(),))
    result = validate(draft, Platform.INSTAGRAM)
    assert result.posts[0].text == "Sunset #beach\n\n#tag0 #tag1 #tag2 #tag3"
    assert result.dropped_hashtags == ("tag4", "tag5", "tag6", "tag7", "tag8")
    [dropped] = [c for c in result.changes if c.code is ChangeCode.HASHTAGS_DROPPED]
    assert dropped.message.startswith("Dropped 5 hashtags beyond Instagram's limit of 5")


def test_inline_hashtags_beyond_the_limit_become_words() -> None:
    text = "#one #two #three #four #five #six and #seven"
    result = validate(DraftPost(text=text, media=(jpeg(),)), Platform.INSTAGRAM)
    assert result.posts[0].text == "#one #two #three #four #five six and seven"
    assert ChangeCode.HASHTAGS_UNTAGGED in codes(result.changes)


def test_instagram_mentions_over_twenty() -> None:
    inline = " ".join(f"@user{i}" for i in range(22))
    draft = DraftPost(text=inline, mentions=("extra",), media=(jpeg(),))
    result = validate(draft, Platform.INSTAGRAM)
    assert result.posts[0].text.endswith("@user19 user20 user21")
    assert codes(result.changes) == [ChangeCode.MENTIONS_UNTAGGED, ChangeCode.MENTIONS_DROPPED]


def test_instagram_image_actions() -> None:
    media = (
        MediaItem("png", 1080, 1080, 300_000),  # wrong format
        jpeg(1080, 1920),  # 9:16 is taller than 4:5
        jpeg(1080, 1350),  # exactly 4:5
        jpeg(2000, 1000, 9_000_000),  # 2:1 and over 8 MB
        jpeg(1080, 566),  # 1.908:1, inside
    )
    result = validate(DraftPost(text="x", media=media), Platform.INSTAGRAM)
    assert result.ok
    actions = {a.media_index: a.problems for a in result.image_actions}
    assert actions == {0: ("format",), 1: ("aspect_ratio",), 3: ("file_size", "aspect_ratio")}
    assert all(a.min_aspect == pytest.approx(0.8) for a in result.image_actions)
    assert all(a.max_aspect == pytest.approx(1.91) for a in result.image_actions)


def test_instagram_carousel_sizes() -> None:
    too_many = validate(DraftPost(text="x", media=(jpeg(),) * 11), Platform.INSTAGRAM)
    assert codes(too_many.errors) == [IssueCode.TOO_MANY_MEDIA]
    ten = validate(DraftPost(text="x", media=(jpeg(),) * 10), Platform.INSTAGRAM)
    assert ten.ok and ten.posts[0].media == tuple(range(10))
    one = validate(DraftPost(text="x", media=(jpeg(),), carousel=True), Platform.INSTAGRAM)
    assert codes(one.errors) == [IssueCode.CAROUSEL_TOO_FEW_ITEMS]


def test_instagram_link_is_kept_but_flagged() -> None:
    draft = DraftPost(text="Read more", link_url="https://example.com/a", media=(jpeg(),))
    result = validate(draft, Platform.INSTAGRAM)
    assert result.posts[0].text == "Read more\n\nhttps://example.com/a"
    assert codes(result.warnings) == [IssueCode.LINK_NOT_CLICKABLE]


def test_instagram_cannot_reply() -> None:
    draft = DraftPost(text="x", media=(jpeg(),), reply_to="123")
    assert codes(validate(draft, Platform.INSTAGRAM).errors) == [IssueCode.REPLY_NOT_SUPPORTED]


# --- Threads -----------------------------------------------------------------------------
@pytest.mark.parametrize(("length", "parts"), [(500, 1), (501, 2)])
def test_threads_boundary(length: int, parts: int) -> None:
    text = ("word " * 200)[: length - 1] + "."
    result = validate(DraftPost(text=text), Platform.THREADS)
    assert len(result.posts) == parts
    assert all(p.length <= 500 for p in result.posts)


def test_threads_501_is_shortened_without_threads() -> None:
    text = ("word " * 200)[:500] + "."
    result = validate(DraftPost(text=text), Platform.THREADS, ValidationOptions(allow_thread=False))
    [post] = result.posts
    assert post.length <= 500 and post.text.endswith("\u2026")


def test_threads_counts_emoji_as_utf8_bytes() -> None:
    text = "\U0001f600" * 125  # 4 bytes each: 500
    assert validate(DraftPost(text=text), Platform.THREADS).posts[0].length == 500
    assert len(validate(DraftPost(text=text + "a"), Platform.THREADS).posts) == 2


def test_threads_single_topic_tag() -> None:
    draft = DraftPost(text="Release notes #Python and #Rust", hashtags=("Programming",))
    result = validate(draft, Platform.THREADS)
    [post] = result.posts
    assert post.text == "Release notes #Python and Rust"
    assert post.topic_tag == "Python"
    assert result.dropped_hashtags == ("Programming",)


def test_threads_listed_tag_becomes_the_topic_field() -> None:
    result = validate(DraftPost(text="No tags inline", hashtags=("#AI", "ML")), Platform.THREADS)
    assert result.posts[0].text == "No tags inline"
    assert result.posts[0].topic_tag == "AI"
    assert ChangeCode.TOPIC_TAG_SET in codes(result.changes)


def test_threads_topic_tag_longer_than_50_is_dropped() -> None:
    result = validate(DraftPost(text="x", hashtags=("a" * 51, "short")), Platform.THREADS)
    assert result.posts[0].topic_tag == "short"


def test_threads_link_limit() -> None:
    links = " ".join(f"https://site{i}.com" for i in range(6))
    result = validate(DraftPost(text=links), Platform.THREADS)
    assert codes(result.errors) == [IssueCode.TOO_MANY_LINKS]
    five = " ".join(f"https://site{i}.com" for i in range(5)) + " https://site0.com"
    assert validate(DraftPost(text=five), Platform.THREADS).ok


def test_threads_carousel() -> None:
    one = validate(DraftPost(text="x", media=(jpeg(),), carousel=True), Platform.THREADS)
    assert codes(one.errors) == [IssueCode.CAROUSEL_TOO_FEW_ITEMS]
    twenty = validate(DraftPost(text="x", media=(jpeg(),) * 20), Platform.THREADS)
    assert twenty.ok
    too_many = validate(DraftPost(text="x", media=(jpeg(),) * 21), Platform.THREADS)
    assert codes(too_many.errors) == [IssueCode.TOO_MANY_MEDIA]


def test_threads_accepts_png_but_not_webp() -> None:
    media = (MediaItem("image/png", 800, 800, 100_000), MediaItem("webp", 800, 800, 100_000))
    result = validate(DraftPost(text="x", media=media), Platform.THREADS)
    assert [a.media_index for a in result.image_actions] == [1]


# --- Facebook ----------------------------------------------------------------------------
def test_facebook_link_goes_into_the_link_field() -> None:
    draft = DraftPost(text="New article", link_url="https://example.com/a")
    [post] = validate(draft, Platform.FACEBOOK).posts
    assert post.text == "New article"
    assert post.link_url == "https://example.com/a"


def test_facebook_photo_post_carries_the_link_in_the_text() -> None:
    draft = DraftPost(text="New article", link_url="https://example.com/a", media=(jpeg(),))
    result = validate(draft, Platform.FACEBOOK)
    assert result.posts[0].text == "New article\n\nhttps://example.com/a"
    assert result.posts[0].link_url is None
    assert codes(result.changes) == [ChangeCode.LINK_MOVED_TO_TEXT]


def test_facebook_mentions_are_not_linked() -> None:
    result = validate(DraftPost(text="Thanks @partner"), Platform.FACEBOOK)
    assert codes(result.warnings) == [IssueCode.MENTIONS_NOT_LINKED]


def test_facebook_long_text_boundary() -> None:
    text = "a" * 63_206
    assert validate(DraftPost(text=text), Platform.FACEBOOK).changes == ()
    assert validate(DraftPost(text=text + " b"), Platform.FACEBOOK).posts[0].length <= 63_206


def test_facebook_photo_over_4mb_is_recompressed() -> None:
    result = validate(DraftPost(text="x", media=(jpeg(size=4_500_000),)), Platform.FACEBOOK)
    assert [a.problems for a in result.image_actions] == [("file_size",)]
    assert result.image_actions[0].min_aspect is None  # Facebook documents no aspect limit
