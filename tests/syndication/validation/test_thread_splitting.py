"""Cutting texts into thread parts and shortening them: examples, then properties (Hypothesis)
that must hold for any text: every part fits, nothing is lost or reordered, no cut lands inside a
URL or a grapheme cluster, and the same input always gives the same parts."""

from __future__ import annotations

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icop.platforms.validation.lengths import threads_length, utf16_length, x_budget_length
from icop.platforms.validation.splitting import shorten, split_into_parts
from icop.platforms.validation.twitter_text import extract_urls, normalize

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."


def _cut_offsets(text: str, parts: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where each part lies in `text`; asserts the parts are consecutive slices of it with
    only whitespace between them."""
    spans = []
    position = 0
    for part in parts:
        start = text.find(part, position)
        assert start >= 0, f"part not found in order: {part!r}"
        assert text[position:start].strip() == "", "text between parts was lost"
        spans.append((start, start + len(part)))
        position = start + len(part)
    assert text[position:].strip() == "", "text after the last part was lost"
    return spans


def _strip_numbers(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(regex.sub(r" \d+/\d+$", "", part) for part in parts)


def test_text_that_fits_is_one_part() -> None:
    split = split_into_parts("Short post.", 280, x_budget_length)
    assert split.parts == ("Short post.",)
    assert not split.numbered


def test_cuts_at_sentence_ends() -> None:
    text = " ".join([SENTENCE] * 12)  # 12 sentences of 64: 779 characters
    split = split_into_parts(text, 280, x_budget_length)
    assert len(split.parts) == 3  # four sentences (259) and " 1/3" per part
    assert split.numbered
    for index, part in enumerate(split.parts, start=1):
        assert part.endswith(f"bank. {index}/3")
        assert x_budget_length(part) <= 280


def test_two_parts_are_not_numbered_by_default_but_can_be() -> None:
    text = " ".join([SENTENCE] * 6)
    assert split_into_parts(text, 280, x_budget_length).parts[0].endswith("bank.")
    always = split_into_parts(text, 280, x_budget_length, numbering="always")
    assert always.parts[0].endswith("1/2")
    never = split_into_parts(" ".join([SENTENCE] * 12), 280, x_budget_length, numbering="never")
    assert not never.numbered and not never.parts[0].endswith("/3")


def test_paragraph_break_is_preferred() -> None:
    first = " ".join([SENTENCE] * 2)
    text = first + "\n\n" + " ".join([SENTENCE] * 5)
    parts = split_into_parts(text, 280, x_budget_length).parts
    assert _strip_numbers(parts)[0] == first  # 129 of 280: a paragraph is worth a short part


def test_cjk_without_spaces_is_cut_after_full_stops() -> None:
    clause = "\u6545\u4eba\u897f\u8f9e\u9ec4\u9e64\u697c\uff0c"
    line = clause + "\u70df\u82b1\u4e09\u6708\u4e0b\u626c\u5dde\u3002"
    text = line * 12
    parts = split_into_parts(text, 280, x_budget_length).parts  # 384 weighted
    assert len(parts) == 2
    for part in parts:
        assert part.endswith("\u3002")
        assert x_budget_length(part) <= 280


def test_korean_weighs_two_per_syllable_in_splits() -> None:
    text = " ".join(["\uc548\ub155\ud558\uc138\uc694"] * 60)  # 60 x 10 + 59 spaces = 659
    parts = split_into_parts(text, 280, x_budget_length).parts
    assert all(x_budget_length(part) <= 280 for part in parts)
    assert "".join(_strip_numbers(parts)).replace(" ", "") == text.replace(" ", "")


def test_long_url_is_never_cut_and_counts_23() -> None:
    url = "https://example.com/" + "a" * 400
    text = "word " * 60 + url + " end"
    parts = split_into_parts(text, 280, x_budget_length).parts
    assert sum(url in part for part in parts) == 1


def test_a_cut_that_creates_a_url_is_re_measured() -> None:
    # Inside the unbroken word, "https://a.co" follows a letter, so X does not link it and it
    # weighs 12. Once a cut puts it at the start of a part it is a link and weighs 23: the
    # part must be re-measured and cut shorter, or it would be 291.
    word = "z" * 280 + "https://a.co!" + "q" * 300
    parts = split_into_parts(word, 280, x_budget_length, numbering="never").parts
    assert [x_budget_length(part) for part in parts] == [280, 280, 44]
    assert "".join(parts) == word


def test_emoji_sequences_are_never_cut() -> None:
    text = FAMILY * 200  # one 200-emoji "word", 400 weighted
    parts = split_into_parts(text, 280, x_budget_length).parts
    assert all(set(regex.findall(r"\X", part)) <= {FAMILY, " ", "1", "2", "/"} for part in parts)


def test_threads_counts_emoji_bytes() -> None:
    assert threads_length("a\U0001f600") == 1 + 4
    assert threads_length(FAMILY) == len(FAMILY.encode())  # 25 bytes
    parts = split_into_parts("\U0001f600 " * 200, 500, threads_length).parts
    assert all(threads_length(part) <= 500 for part in parts)


def test_shorten_keeps_whole_sentences_or_adds_an_ellipsis() -> None:
    text = " ".join([SENTENCE] * 10)
    short = shorten(text, 280, x_budget_length)
    assert short.endswith("bank.")
    assert x_budget_length(short) <= 280
    words = "word " * 100
    short_words = shorten(words, 100, utf16_length)
    assert short_words.endswith("word\u2026")
    assert utf16_length(short_words) <= 100
    assert shorten("fits", 100, utf16_length) == "fits"


# --- properties --------------------------------------------------------------------------
_WORDS = st.sampled_from(
    [
        "a",
        "the",
        "Hello,",
        "world.",
        "Why?",
        "caf\u00e9",
        "na\u0131ve",
        "\u65e5\u672c\u8a9e",
        "\uc548\ub155",
        "\u0645\u0631\u062d\u0628\u0627",
        "\U0001f600",
        FAMILY,
        "\U0001f1fa\U0001f1f8",
        "\U0001f44d\U0001f3fd",
        "e\u0301",
        "#tag",
        "@user",
        "x.com",
        "https://example.com/path",
        "example.org/" + "p" * 60,
        "config.yaml",
        "\u2014",
        "\u2026",
        "\u00a9",
        "12:30",
    ]
)
_SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "  ", "\u3000"])
# words longer than a part (no spaces): CJK prose, emoji runs, letters with combining marks
_LONG_WORDS = st.lists(
    st.sampled_from(["a", "\u65e5", "\u3002", "\U0001f600", "e\u0301", FAMILY, ".", "\u0301"]),
    min_size=1,
    max_size=300,
).map("".join)
_TOKENS = st.one_of(_WORDS, _WORDS, _WORDS, _LONG_WORDS)


@st.composite
def texts(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(_TOKENS, min_size=1, max_size=160))
    out = tokens[0]
    for token in tokens[1:]:
        out += draw(_SEPARATORS) + token
    return normalize(out)


@given(text=texts(), limit=st.sampled_from([280, 140, 60]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_part_fits_and_nothing_is_lost(text: str, limit: int) -> None:
    split = split_into_parts(text, limit, x_budget_length)
    assert all(x_budget_length(part) <= limit for part in split.parts)
    bare = _strip_numbers(split.parts) if split.numbered else split.parts
    # joining the parts gives back every non-space character, in order
    assert "".join("".join(bare).split()) == "".join(text.split())
    spans = _cut_offsets(text, bare)
    boundaries = {m.start() for m in regex.finditer(r"\X", text)} | {len(text)}
    urls = extract_urls(text)
    for start, end in spans:
        assert start in boundaries and end in boundaries, "a cut split a grapheme cluster"
        for url in urls:
            assert not (url.start < start < url.end or url.start < end < url.end), "URL cut"


@given(text=texts())
@settings(max_examples=60, deadline=None)
def test_words_survive_when_each_fits_a_part(text: str) -> None:
    if any(x_budget_length(word) > 270 for word in text.split()):
        return
    parts = _strip_numbers(split_into_parts(text, 280, x_budget_length).parts)
    assert " ".join(parts).split() == text.split()


@given(text=texts())
@settings(max_examples=40, deadline=None)
def test_splitting_is_deterministic(text: str) -> None:
    assert split_into_parts(text, 280, x_budget_length) == split_into_parts(
        text, 280, x_budget_length
    )


@given(text=texts(), limit=st.sampled_from([500, 200]))
@settings(max_examples=60, deadline=None)
def test_shorten_fits_and_is_a_prefix(text: str, limit: int) -> None:
    short = shorten(text, limit, threads_length)
    assert threads_length(short) <= limit
    assert text.startswith(short.removesuffix("\u2026"))
