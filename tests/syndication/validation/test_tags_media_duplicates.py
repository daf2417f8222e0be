"""The pieces under validate(): hashtag and mention rules, media formats, duplicate matching."""

from __future__ import annotations

import pytest

from icop.platforms.validation.duplicates import find_duplicate, normalize_for_comparison
from icop.platforms.validation.media import normalize_format
from icop.platforms.validation.model import Platform
from icop.platforms.validation.rules import PLATFORM_RULES
from icop.platforms.validation.tags import (
    inline_hashtags,
    inline_mentions,
    normalize_hashtag,
    normalize_mention,
    plan_hashtags,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#python", "python"),
        ("python", "python"),
        ("  #Machine Learning ", "MachineLearning"),
        ("\uff03\u6771\u4eac", "\u6771\u4eac"),  # full-width sign, Japanese letters
        ("#caf\u00e9", "caf\u00e9"),
        ("#cafe\u0301", "caf\u00e9"),  # NFC
        ("#c++", "c"),
        ("#1st", "1st"),
        ("#2026", None),  # all digits is no hashtag
        ("#", None),
        ("#!!", None),
    ],
)
def test_normalize_hashtag(raw: str, expected: str | None) -> None:
    assert normalize_hashtag(raw) == expected


def test_inline_hashtags_skip_urls_keycaps_and_glued_words() -> None:
    text = "Go #Python! See example.com/#anchor, C#sharp, #2026, #\ufe0f\u20e3 and #\ud55c\uad6d"
    assert [t.tag for t in inline_hashtags(text)] == ["Python", "\ud55c\uad6d"]


def test_inline_mentions_skip_emails_and_url_paths() -> None:
    text = "Thanks @ana. Mail bob@example.com or read medium.com/@carl and @dan_b!"
    assert [t.tag for t in inline_mentions(text)] == ["ana", "dan_b"]


@pytest.mark.parametrize(
    ("platform", "raw", "expected"),
    [
        (Platform.X, "@jack", "jack"),
        (Platform.X, "@way_too_long_handle", None),  # 19 > 15
        (Platform.X, "@ana.b", None),  # no dots on X
        (Platform.INSTAGRAM, "@ana.b", "ana.b"),
        (Platform.INSTAGRAM, "bad-handle", None),
    ],
)
def test_mention_patterns(platform: Platform, raw: str, expected: str | None) -> None:
    assert normalize_mention(raw, PLATFORM_RULES[platform].mention_pattern) == expected


def test_listed_hashtags_are_deduplicated_without_case() -> None:
    plan = plan_hashtags(
        "We love #Python", ("python", "#PYTHON", "Rust", "rust"), PLATFORM_RULES[Platform.X]
    )
    assert plan.hashtags == ("Rust",)
    assert "#python #PYTHON #rust" in plan.changes[-1].message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JPG", "jpeg"),
        ("image/jpeg", "jpeg"),
        (".tif", "tiff"),
        ("HEIF", "heic"),
        ("MPO", "jpeg"),
        ("webp", "webp"),
    ],
)
def test_normalize_format(raw: str, expected: str) -> None:
    assert normalize_format(raw) == expected


def test_duplicate_normalisation_ignores_case_spacing_and_urls() -> None:
    assert normalize_for_comparison("  Big\tNEWS:\n https://t.co/xyz ") == "big news: <url>"
    assert normalize_for_comparison("big news: example.com/a") == "big news: <url>"
    assert normalize_for_comparison("zero\u200bwidth") == "zerowidth"


def test_find_duplicate_prefers_exact_and_reports_near() -> None:
    recent = ("Something else entirely", "Launch day for v2.0!", "LAUNCH DAY for v2.0!")
    exact = find_duplicate("launch day for V2.0!", recent, 0.9)
    assert exact is not None and exact.exact and exact.recent_index == 1
    near = find_duplicate("Launch day for v2.1!", recent, 0.9)
    assert near is not None and not near.exact and near.ratio >= 0.9
    assert find_duplicate("A different post", recent, 0.9) is None
    assert find_duplicate("", recent, 0.9) is None
