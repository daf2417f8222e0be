"""Properties of validate() over generated drafts: whatever the input, what it returns as
sendable fits the platform, keeps the author's words in order, and is the same every time."""

from __future__ import annotations

import unicodedata
from typing import Literal

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icop.platforms.validation import (
    DraftPost,
    MediaItem,
    Platform,
    ValidationOptions,
    validate,
    weighted_length,
)
from icop.platforms.validation.lengths import threads_length, utf16_length

NumberParts = Literal["auto", "always", "never"]

_WORDS = st.sampled_from(
    [
        "a",
        "post",
        "about",
        "Launch!",
        "caf\u00e9",
        "\u65e5\u672c\u8a9e\u306e\u6587\u7ae0\u3002",
        "\ud55c\uad6d\uc5b4",
        "\U0001f680",
        "\U0001f469\u200d\U0001f4bb",
        "\U0001f1ef\U0001f1f5",
        "#Python",
        "#\u6771\u4eac",
        "@someone",
        "https://example.com/story?id=42",
        "x.com/i",
        "docs.python.org/3/",
        "\u2014",
        "e\u0301t\u00e9",
        "2026.",
        "Why?",
        "#AI",
    ]
)
_SPACES = st.sampled_from([" ", " ", " ", "\n", "\n\n"])


@st.composite
def bodies(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=0, max_size=220))
    return "".join(word + draw(_SPACES) for word in words)


@st.composite
def drafts(draw: st.DrawFn) -> DraftPost:
    media = draw(
        st.lists(
            st.builds(
                MediaItem,
                format=st.sampled_from(["jpeg", "png", "webp", "heic", "gif"]),
                width=st.integers(100, 5000),
                height=st.integers(100, 5000),
                size_bytes=st.integers(10_000, 12_000_000),
                animated=st.booleans(),
            ),
            max_size=6,
        )
    )
    return DraftPost(
        text=draw(bodies()),
        hashtags=tuple(
            draw(
                st.lists(
                    st.sampled_from(
                        ["AI", "#ai", "Open Source", "\u6771\u4eac", "2026", "news", "#Launch"]
                    ),
                    max_size=8,
                )
            )
        ),
        mentions=tuple(
            draw(st.lists(st.sampled_from(["@icop", "bad-handle", "ana.b"]), max_size=3))
        ),
        link_url=draw(st.one_of(st.none(), st.just("https://example.com/articles/" + "s" * 80))),
        media=tuple(media),
    )


_OPTIONS = st.builds(
    ValidationOptions,
    allow_thread=st.booleans(),
    url_as_reply=st.booleans(),
    number_parts=st.sampled_from(["auto", "always", "never"]),
)
_LIMITS = {
    Platform.X: lambda text: weighted_length(text, upper_bound=True) <= 280,
    Platform.THREADS: lambda text: threads_length(text) <= 500,
    Platform.INSTAGRAM: lambda text: utf16_length(text) <= 2200,
    Platform.FACEBOOK: lambda text: utf16_length(text) <= 63_206,
}


@given(draft=drafts(), platform=st.sampled_from(list(Platform)), options=_OPTIONS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_prepared_post_fits_its_platform(
    draft: DraftPost, platform: Platform, options: ValidationOptions
) -> None:
    result = validate(draft, platform, options)
    for post in result.posts:
        assert _LIMITS[platform](post.text), post.text
        if platform is Platform.X:
            assert weighted_length(post.text) <= 280  # the exact count is never above the bound
            assert len(post.media) <= 4
    if result.ok and platform is not Platform.X:
        assert len(result.posts) == 1 or platform is Platform.THREADS


@given(text=bodies(), numbering=st.sampled_from(["auto", "always", "never"]))
@settings(max_examples=100, deadline=None)
def test_x_thread_keeps_the_words_in_order(text: str, numbering: NumberParts) -> None:
    result = validate(DraftPost(text=text), Platform.X, ValidationOptions(number_parts=numbering))
    if not text.strip():
        assert not result.ok
        return
    numbered = any("numbered" in change.message for change in result.changes)
    parts = [regex.sub(r" \d+/\d+$", "", p.text) if numbered else p.text for p in result.posts]
    original = unicodedata.normalize("NFC", text)
    assert " ".join(parts).split() == original.split()


@given(draft=drafts(), platform=st.sampled_from(list(Platform)), options=_OPTIONS)
@settings(max_examples=60, deadline=None)
def test_validate_is_deterministic(
    draft: DraftPost, platform: Platform, options: ValidationOptions
) -> None:
    assert validate(draft, platform, options) == validate(draft, platform, options)
