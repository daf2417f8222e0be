"""The hashing embedder: deterministic across processes, normalised, similar for similar."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from icop.embeddings import (
    EMBEDDING_DIMENSIONS,
    Embedder,
    HashingEmbedder,
    cosine,
    mean_vector,
    normalise,
)
from icop.embeddings.hashing import tokens

SCRIPT = (
    "from icop.embeddings import HashingEmbedder;"
    "print(HashingEmbedder().embed_one('Composting kitchen scraps at home')[:8])"
)


async def test_vectors_are_unit_length() -> None:
    embedder = HashingEmbedder()
    assert isinstance(embedder, Embedder)
    first, second = await embedder.embed(["How to compost at home", "How to compost at home"])
    assert first == second and len(first) == EMBEDDING_DIMENSIONS
    assert math.isclose(math.sqrt(sum(v * v for v in first)), 1.0)


def test_vectors_are_the_same_in_every_process() -> None:
    embedder = HashingEmbedder()
    # Another process (another hash seed) gives the same vector: stored vectors stay valid.
    output = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout
    here = embedder.embed_one("Composting kitchen scraps at home")[:8]
    assert output.strip() == str(here)


async def test_similar_texts_get_similar_vectors() -> None:
    embedder = HashingEmbedder()
    compost, paraphrase, taxes = await embedder.embed(
        [
            "How to compost kitchen scraps at home",
            "Composting your kitchen scraps at home, step by step",
            "Quarterly tax filing deadlines for small companies",
        ]
    )
    assert cosine(compost, paraphrase) > 0.5
    assert abs(cosine(compost, taxes)) < 0.2


def test_tokens_drop_function_words_and_share_stems() -> None:
    assert tokens("The composting of the composts") == ["compost", "compost"]
    assert tokens("Berries and cherries") == ["berry", "cherry"]


async def test_text_without_words_is_a_zero_vector() -> None:
    [vector] = await HashingEmbedder().embed(["?! ..."])
    assert not any(vector)
    assert cosine(vector, vector) == 0.0


def test_vector_helpers() -> None:
    assert normalise([3.0, 4.0]) == [0.6, 0.8]
    assert normalise([0.0, 0.0]) == [0.0, 0.0]
    assert mean_vector([[1.0, 0.0], [0.0, 1.0]]) == pytest.approx([math.sqrt(0.5)] * 2)
    with pytest.raises(ValueError):
        mean_vector([])
    with pytest.raises(ValueError):
        cosine([1.0], [1.0, 0.0])
    with pytest.raises(ValueError):
        HashingEmbedder(dimensions=4)


def test_the_feature_layout_is_pinned() -> None:
    # Stored vectors depend on these exact positions and signs: changing the hashing needs a
    # new VERSION (a new embedder name), never a silent change.
    embedder = HashingEmbedder()
    assert embedder.name == "hashing-v1-384"
    assert [(i, round(x, 6)) for i, x in enumerate(embedder.embed_one("garden compost")) if x] == [
        (110, -0.666667),
        (287, 0.666667),
        (353, -0.333333),
    ]
