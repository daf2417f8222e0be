"""validate() for X: the 280 weighted limit (thread or shorten), links and their price, the
duplicate rule, media per post."""

from __future__ import annotations

from decimal import Decimal

import pytest

from icop.platforms.validation import (
    ChangeCode,
    DraftPost,
    IssueCode,
    MediaItem,
    MediaKind,
    Platform,
    ValidationOptions,
    validate,
    weighted_length,
)

SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."
NO_THREAD = ValidationOptions(allow_thread=False)


def photo(
    fmt: str = "jpeg", width: int = 1200, height: int = 675, size: int = 400_000, **kw: bool
) -> MediaItem:
    return MediaItem(fmt, width, height, size, **kw)  # type: ignore[arg-type]


def codes(items: tuple[object, ...]) -> list[str]:
    return [str(item.code) for item in items]  # type: ignore[attr-defined]


def test_exactly_280_is_sent_unchanged() -> None:
    text = "a" * 280
    result = validate(DraftPost(text=text), Platform.X)
    assert result.ok
    assert [p.text for p in result.posts] == [text]
    assert result.posts[0].length == 280
    assert result.changes == ()
    assert result.estimated_cost_usd == Decimal("0.015")


def test_281_becomes_a_thread() -> None:
    text = " ".join(["word"] * 56) + "ss"  # 56 * 5 - 1 + 2 = 281
    assert weighted_length(text) == 281
    result = validate(DraftPost(text=text), Platform.X)
    assert result.ok
    assert len(result.posts) == 2
    assert all(p.length <= 280 for p in result.posts)
    assert codes(result.changes) == [ChangeCode.SPLIT_INTO_THREAD]
    assert "2-post thread" in result.changes[0].message
    assert result.posts[1].reply_to_previous and not result.posts[0].reply_to_previous


def test_281_is_shortened_when_threads_are_not_allowed() -> None:
    text = " ".join([SENTENCE] * 5)  # 324
    result = validate(DraftPost(text=text), Platform.X, NO_THREAD)
    assert result.ok
    [post] = result.posts
    assert post.length <= 280
    assert post.text.endswith("bank.")
    assert result.changes[0].code is ChangeCode.SHORTENED
    assert result.changes[0].message.startswith("Shortened from 324 to ")


def test_cjk_and_korean_weigh_double() -> None:
    assert validate(DraftPost(text="\u65e5" * 140), Platform.X).posts[0].length == 280
    result = validate(DraftPost(text="\u65e5" * 141), Platform.X)
    assert len(result.posts) == 2
    korean = validate(DraftPost(text="\ud55c\uad6d\uc5b4 " * 70), Platform.X)  # 489
    assert [p.length for p in korean.posts] == [279, 209]


def test_emoji_count_two_at_the_boundary() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    assert validate(DraftPost(text=family * 140), Platform.X).posts[0].length == 280
    assert len(validate(DraftPost(text=family * 141), Platform.X).posts) == 2


def test_shortening_keeps_link_and_hashtags_whole() -> None:
    url = "https://example.com/articles/" + "long-slug-" * 20
    draft = DraftPost(text=" ".join([SENTENCE] * 6), hashtags=("Foxes", "Rivers"), link_url=url)
    [post] = validate(draft, Platform.X, NO_THREAD).posts
    assert post.text.endswith(f"\n\n{url}\n\n#Foxes #Rivers")
    assert post.length <= 280


def test_link_counts_23_and_costs_more() -> None:
    draft = DraftPost(text="New article", link_url="https://example.com/" + "x" * 300)
    result = validate(draft, Platform.X)
    assert result.posts[0].length == len("New article\n\n") + 23
    assert result.estimated_cost_usd == Decimal("0.200")
    [warning] = result.warnings
    assert warning.code is IssueCode.URL_PRICING
    assert "$0.200 instead of $0.015" in warning.message
    assert warning.suggestion is not None and "url_as_reply" in warning.suggestion


def test_url_as_reply_moves_the_article_link_into_a_reply() -> None:
    url = "https://example.com/a"
    draft = DraftPost(text="New article about foxes", link_url=url, reply_to="1999")
    result = validate(draft, Platform.X, ValidationOptions(url_as_reply=True))
    assert [p.text for p in result.posts] == ["New article about foxes", url]
    assert result.posts[0].reply_to == "1999"
    assert result.posts[1].reply_to_previous
    assert ChangeCode.URL_MOVED_TO_REPLY in codes(result.changes)
    # the reply is still billed as a post with a URL, and we say so
    assert result.estimated_cost_usd == Decimal("0.215")
    assert "reply with the link is billed" in (result.warnings[0].suggestion or "")


def test_url_as_reply_cannot_move_links_written_in_the_text() -> None:
    draft = DraftPost(text="Read https://example.com/a today")
    result = validate(draft, Platform.X, ValidationOptions(url_as_reply=True))
    assert len(result.posts) == 1
    assert IssueCode.INLINE_URL_KEPT in codes(result.warnings)


def test_exact_duplicate_is_an_error_with_a_suggestion() -> None:
    recent = ("Our new   ARTICLE is out: https://t.co/abc123",)
    draft = DraftPost(text="Our new article is out: https://example.com/new")
    result = validate(draft, Platform.X, ValidationOptions(recent_texts=recent))
    assert not result.ok
    [error] = result.errors
    assert error.code is IssueCode.DUPLICATE_TEXT
    assert error.suggestion and "approve a variation" in error.suggestion
    assert result.posts[0].text == draft.text  # never varied silently


def test_approved_variation_resolves_a_duplicate() -> None:
    options = ValidationOptions(recent_texts=("Big news today",), duplicate_variation="(update)")
    result = validate(DraftPost(text="big news today"), Platform.X, options)
    assert result.ok
    assert result.posts[0].text == "big news today (update)"
    assert ChangeCode.DUPLICATE_VARIATION_APPENDED in codes(result.changes)


def test_near_duplicate_is_a_warning() -> None:
    options = ValidationOptions(recent_texts=("We shipped version 2.0 of the app today!",))
    result = validate(
        DraftPost(text="We shipped version 2.1 of the app today!"), Platform.X, options
    )
    assert result.ok
    assert codes(result.warnings) == [IssueCode.NEAR_DUPLICATE_TEXT]


def test_duplicate_elsewhere_is_only_a_warning() -> None:
    options = ValidationOptions(recent_texts=("Same text",))
    result = validate(DraftPost(text="same text", media=(photo(),)), Platform.INSTAGRAM, options)
    assert result.ok
    assert IssueCode.DUPLICATE_TEXT in codes(result.warnings)


def test_four_photos_per_post_and_the_rest_in_the_thread() -> None:
    draft = DraftPost(text="Gallery", media=tuple(photo() for _ in range(6)))
    result = validate(draft, Platform.X)
    assert [p.media for p in result.posts] == [(0, 1, 2, 3), (4, 5)]
    assert result.posts[1].text == ""
    assert ChangeCode.MEDIA_SPREAD_OVER_THREAD in codes(result.changes)
    blocked = validate(draft, Platform.X, NO_THREAD)
    assert codes(blocked.errors) == [IssueCode.TOO_MANY_MEDIA]


def test_animated_gif_goes_alone() -> None:
    gif = photo("gif", 480, 270, 3_000_000, animated=True)
    result = validate(DraftPost(text="Look", media=(photo(), gif)), Platform.X)
    assert [p.media for p in result.posts] == [(0,), (1,)]
    assert result.image_actions == ()  # the GIF stays a GIF
    blocked = validate(DraftPost(text="Look", media=(photo(), gif)), Platform.X, NO_THREAD)
    assert codes(blocked.errors) == [IssueCode.GIF_MUST_BE_ALONE]


def test_oversized_gif_is_converted_and_loses_animation() -> None:
    gif = photo("gif", 480, 270, 16_000_000, animated=True)
    result = validate(DraftPost(text="Look", media=(gif,)), Platform.X)
    assert [a.problems for a in result.image_actions] == [("file_size",)]
    assert codes(result.warnings) == [IssueCode.ANIMATION_LOST]


def test_heic_is_converted_webp_is_not() -> None:
    result = validate(DraftPost(text="Pics", media=(photo("heic"), photo("webp"))), Platform.X)
    [action] = result.image_actions
    assert action.media_index == 0
    assert action.problems == ("format",)
    assert action.target_format == "jpeg" and action.max_bytes == 5_000_000


def test_a_video_is_posted_alone_and_scaled_into_xs_bounds() -> None:
    video = MediaItem("mp4", 1920, 1080, 9_000_000, kind=MediaKind.VIDEO)
    result = validate(DraftPost(text="Watch", media=(video,)), Platform.X)
    assert result.ok and result.posts[0].media == (0,)
    [action] = result.video_actions
    assert action.problems == ("size",) and "1920x1080 px is larger than 1280x1024" in action.detail


def test_invisible_characters_x_refuses_are_removed() -> None:
    result = validate(DraftPost(text="\ufeffHello\uffff"), Platform.X)
    assert result.posts[0].text == "Hello"
    assert codes(result.changes) == [ChangeCode.INVALID_CHARACTERS_REMOVED]


def test_empty_post_is_an_error() -> None:
    result = validate(DraftPost(text="   "), Platform.X)
    assert codes(result.errors) == [IssueCode.EMPTY_POST]
    assert result.posts == ()


@pytest.mark.parametrize("platform", list(Platform))
def test_platform_may_be_given_as_a_string(platform: Platform) -> None:
    draft = DraftPost(text="hi", media=(photo(),))
    assert validate(draft, platform.value) == validate(draft, platform)
