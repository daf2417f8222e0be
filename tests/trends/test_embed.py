"""The trend embed step embeds each distinct text once, shortest first across the whole run
(so batches pad little), and hands the vectors back in the items' order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from icop.embeddings import HashingEmbedder
from icop.trends import embed


class Recording:
    """The hashing embedder (real vectors, no model), remembering what it was asked."""

    def __init__(self) -> None:
        self.inner = HashingEmbedder()
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimensions(self) -> int:
        return self.inner.dimensions

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return await self.inner.embed(texts)


async def test_each_distinct_text_once_shortest_first_and_the_order_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embed, "EMBED_BATCH", 3)
    texts = [f"item {'x' * (n % 5)} number {n}" for n in range(10)]
    texts += [texts[2], texts[7], texts[2]]
    recording = Recording()
    vectors = await embed.embed_texts(recording, texts)

    asked = [text for call in recording.calls for text in call]
    assert sorted(asked) == sorted(set(texts))  # each distinct text once
    assert [len(text) for text in asked] == sorted(len(text) for text in asked)
    assert max(len(call) for call in recording.calls) == 3
    expected = np.asarray(await HashingEmbedder().embed(texts), dtype=np.float32)
    assert vectors.shape == (len(texts), recording.dimensions)
    assert np.allclose(vectors, expected)


async def test_no_texts_no_call() -> None:
    recording = Recording()
    assert (await embed.embed_texts(recording, [])).shape == (0, recording.dimensions)
    assert recording.calls == []
