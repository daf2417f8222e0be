"""The one test that runs the real bundled MiniLM model (torch, CPU): load, embed, and check
that meaning, not wording, drives the vectors."""

from __future__ import annotations

import math
import sys
import time

import pytest

from icop.embeddings import EMBEDDING_DIMENSIONS, MiniLMEmbedder, cosine

# The first dimensions of sentence-transformers' own encoding of the same sentences with the
# same model files (normalised): our torch forward pass must reproduce them.
REFERENCE = {
    "A man is playing a guitar.": [0.02166, -0.00486, -0.00965, -0.0634, -0.16749, 0.00468],
    "Composting turns kitchen scraps into rich garden soil.": [
        0.01778, -0.02162, 0.04564, -0.03968, 0.08581, -0.01108,
    ],
}  # fmt: skip


@pytest.mark.slow
async def test_bundled_minilm_embeds_meaning() -> None:
    embedder = MiniLMEmbedder(batch_size=2)
    assert embedder.name == "all-MiniLM-L6-v2" and embedder.dimensions == EMBEDDING_DIMENSIONS
    started = time.perf_counter()
    sentences = [
        *REFERENCE,
        "Kitchen waste can be turned into fertile compost for the garden.",  # paraphrase of [1]
        "The central bank raised interest rates by a quarter point.",  # unrelated
        "",
    ]
    vectors = await embedder.embed(sentences)
    elapsed = time.perf_counter() - started
    assert embedder.loaded and "torch" in sys.modules
    assert len(vectors) == len(sentences)
    for vector in vectors:
        assert len(vector) == EMBEDDING_DIMENSIONS
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, rel_tol=1e-4)
    for vector, expected in zip(vectors, REFERENCE.values(), strict=False):
        assert vector[:6] == pytest.approx(expected, abs=2e-4)

    guitar, compost, paraphrase, bank, _empty = vectors
    assert cosine(compost, paraphrase) > 0.5
    assert cosine(compost, paraphrase) > cosine(compost, bank) + 0.3
    assert cosine(compost, paraphrase) > cosine(compost, guitar) + 0.3

    # Batching and input order do not change a text's vector.
    again = await embedder.embed(list(reversed(sentences[:4])))
    assert again[3] == pytest.approx(guitar, abs=1e-5)
    # Loaded once per process: a second embedder shares the weights and answers at once.
    second = time.perf_counter()
    await MiniLMEmbedder().embed(["warm"])
    assert time.perf_counter() - second < max(1.0, elapsed / 2)
