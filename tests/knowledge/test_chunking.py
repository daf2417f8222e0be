"""Chunking: bounded size, nothing lost, overlap between neighbours, structure respected."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icop.knowledge.chunking import chunk_text, normalise_text

SENTENCE = "Compost needs a balance of green and brown material to break down well."


def _words(text: str) -> list[str]:
    return text.split()


def test_short_text_is_one_chunk() -> None:
    assert chunk_text("  Hello   world.\r\n\r\n\r\nSecond   paragraph.  ") == [
        "Hello world.\n\nSecond paragraph."
    ]


def test_empty_text_has_no_chunks() -> None:
    assert chunk_text(" \n\n \t ") == []


def test_paragraphs_are_packed_and_kept_whole() -> None:
    paragraphs = [f"Paragraph {i}. " + SENTENCE * 2 for i in range(12)]
    chunks = chunk_text("\n\n".join(paragraphs), target=400, overlap=0)
    assert all(len(chunk) <= 400 for chunk in chunks)
    # Each paragraph (~155 chars) fits, so none is cut: every one appears whole in a chunk.
    for paragraph in paragraphs:
        assert any(paragraph in chunk for chunk in chunks)
    assert len(chunks) == 6  # two paragraphs per chunk


def test_long_paragraph_is_cut_between_sentences_with_overlap() -> None:
    sentences = [f"Sentence number {i} says something about soil and worms." for i in range(40)]
    chunks = chunk_text(" ".join(sentences), target=300, overlap=120)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk) <= 300
        # Cut only between sentences: every chunk starts and ends on a whole sentence.
        assert chunk.startswith("Sentence number") and chunk.endswith("worms.")
    for previous, following in itertools.pairwise(chunks):
        # The next chunk starts with the previous one's last sentences, at most 120 characters.
        shared = max(n for n in range(len(following) + 1) if previous.endswith(following[:n]))
        assert 0 < shared <= 120, "neighbours share their boundary sentences"
        assert following[:shared].startswith("Sentence number")
    numbers = {int(n) for chunk in chunks for n in re.findall(r"number (\d+)", chunk)}
    assert numbers == set(range(40))


def test_sentence_longer_than_a_chunk_is_cut_between_words() -> None:
    sentence = " ".join(f"word{i}" for i in range(400))  # ~3,000 characters, no full stop
    chunks = chunk_text(sentence, target=500, overlap=50)
    assert all(len(chunk) <= 500 for chunk in chunks)
    assert all(not chunk.startswith(" ") and not chunk.endswith(" ") for chunk in chunks)
    seen = [word for chunk in chunks for word in chunk.split()]
    assert set(seen) == set(sentence.split())
    assert all(re.fullmatch(r"word\d+", word) for word in seen), "no word was cut"


def test_a_giant_word_is_sliced() -> None:
    chunks = chunk_text("x" * 1_000, target=300, overlap=0)
    assert [len(chunk) for chunk in chunks] == [300, 300, 300, 100]


def test_cjk_sentences_split_without_spaces() -> None:
    text = "堆肥是一种有机肥料。" * 60
    chunks = chunk_text(text, target=100, overlap=20)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(chunk.endswith("。") for chunk in chunks)


@pytest.mark.parametrize(("target", "overlap"), [(10, 0), (100, 60), (100, -1)])
def test_bad_parameters(target: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_text("text", target=target, overlap=overlap)


def test_normalise_text() -> None:
    assert normalise_text("a  \r\nb\r\n\r\n\r\n\r\nc\n") == "a\nb\n\nc"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abc de.!?\n"), min_size=0, max_size=400),
        max_size=8,
    ),
    st.integers(min_value=60, max_value=400),
)
def test_chunks_are_bounded_and_lose_nothing(parts: list[str], target: int) -> None:
    text = "\n\n".join(parts)
    chunks = chunk_text(text, target=target, overlap=target // 4)
    assert all(0 < len(chunk) <= target for chunk in chunks)
    # Every word of the input is in some chunk, and in order when overlaps are removed.
    covered = " ".join(chunks).split()
    assert set(_words(text)) <= set(covered)
