"""Brand-voice samples: the API, retrieval for writers' prompts and draft similarity, over the
real database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.brand import BrandVoiceService
from icop.brand.service import embed_passage
from icop.embeddings import HashingEmbedder, cosine
from tests.helpers import Account, ApiClient

GARDEN = [
    "Grab your trowel, friends! Our compost bins turn kitchen scraps into garden gold.",
    "Muddy boots, happy worms: this spring our garden beds get fresh compost and mulch.",
    "Plant tomatoes deep and water the garden beds at dawn, the soil will thank you.",
]
FINANCE = [
    "Quarterly revenue grew four percent while operating costs were held flat.",
    "The board approved the dividend policy and the audited annual accounts.",
]


async def _sample(client: ApiClient, account: Account, text: str, title: str | None = None) -> str:
    response = await client.post(
        "/api/v1/brand/voice-samples",
        headers=account.headers,
        json={"text": text, **({"title": title} if title else {})},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _similarity(client: ApiClient, account: Account, text: str) -> dict[str, object]:
    response = await client.post(
        "/api/v1/brand/voice-similarity", headers=account.headers, json={"text": text}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_samples_api(client: ApiClient) -> None:
    owner = await client.signup()
    sample_id = await _sample(client, owner, GARDEN[0], title="Spring newsletter")
    fetched = await client.get(f"/api/v1/brand/voice-samples/{sample_id}", headers=owner.headers)
    assert fetched.status_code == 200
    body = fetched.json()
    assert body["title"] == "Spring newsletter" and body["text"] == GARDEN[0]
    assert body["created_by"] == str(owner.user_id) and "embedding" not in body
    listed = await client.get("/api/v1/brand/voice-samples", headers=owner.headers)
    assert [s["id"] for s in listed.json()] == [sample_id]

    viewer = await client.add_member(owner, "viewer")
    denied = await client.post(
        "/api/v1/brand/voice-samples", headers=viewer.headers, json={"text": "x"}
    )
    assert denied.status_code == 403
    assert (
        await client.delete(f"/api/v1/brand/voice-samples/{sample_id}", headers=viewer.headers)
    ).status_code == 403

    other = await client.signup("Other")
    assert (
        await client.get(f"/api/v1/brand/voice-samples/{sample_id}", headers=other.headers)
    ).status_code == 404
    assert (await client.get("/api/v1/brand/voice-samples", headers=other.headers)).json() == []

    deleted = await client.delete(f"/api/v1/brand/voice-samples/{sample_id}", headers=owner.headers)
    assert deleted.status_code == 204
    assert (
        await client.get(f"/api/v1/brand/voice-samples/{sample_id}", headers=owner.headers)
    ).status_code == 404


@pytest.mark.parametrize(
    "body", [{"text": "  "}, {"text": "x" * 20_001}, {"text": "ok", "title": ""}, {"txt": "a"}]
)
async def test_invalid_samples(client: ApiClient, body: dict[str, object]) -> None:
    owner = await client.signup()
    response = await client.post("/api/v1/brand/voice-samples", headers=owner.headers, json=body)
    assert response.status_code == 422, response.text


async def test_similarity_to_the_brand_voice(client: ApiClient) -> None:
    owner = await client.signup()
    empty = await _similarity(client, owner, "Anything at all.")
    assert empty == {"similarity": None, "samples": 0}, "no samples: no similarity, not 0"
    for text in GARDEN:
        await _sample(client, owner, text)
    on_voice = await _similarity(
        client, owner, "Happy worms and fresh compost make our garden beds thrive this spring."
    )
    off_voice = await _similarity(
        client, owner, "The audited accounts show quarterly revenue and operating costs."
    )
    assert on_voice["samples"] == 3
    assert on_voice["similarity"] > off_voice["similarity"] + 0.2  # type: ignore[operator]
    # Another tenant's samples never count.
    stranger = await client.signup("Stranger")
    assert (await _similarity(client, stranger, GARDEN[0]))["similarity"] is None


async def test_retrieve_and_similarity_for_the_workflow(
    client: ApiClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    embedder: HashingEmbedder,
) -> None:
    owner = await client.signup()
    ids = {text: await _sample(client, owner, text) for text in [*GARDEN, *FINANCE]}
    voice = BrandVoiceService(sessionmaker, embedder)

    examples = await voice.retrieve(owner.tenant_id, "compost for garden beds", k=2)
    assert len(examples) == 2
    assert {e.text for e in examples} <= set(GARDEN), examples
    assert examples[0].score >= examples[1].score
    assert str(examples[0].id) == ids[examples[0].text]
    dividend = await voice.retrieve(owner.tenant_id, "dividend policy of the board", k=1)
    assert dividend[0].text == FINANCE[1]
    clipped = await voice.retrieve(owner.tenant_id, "garden", k=2, max_chars=10)
    assert [len(e.text) for e in clipped] == [10, 10]
    assert await voice.retrieve(owner.tenant_id, "   ", k=2) == []

    garden_draft = " ".join(GARDEN[:2])
    similarity = await voice.similarity(owner.tenant_id, garden_draft)
    assert similarity is not None and 0.0 < similarity <= 1.0
    stranger = await client.signup("Stranger")
    assert await voice.similarity(stranger.tenant_id, garden_draft) is None
    assert await voice.retrieve(stranger.tenant_id, "compost", k=3) == []


async def test_a_long_passage_is_embedded_as_a_whole(embedder: HashingEmbedder) -> None:
    # Two different halves; a model window would only see the first. The mean sees both.
    first = " ".join(GARDEN) * 4
    second = " ".join(FINANCE) * 6
    whole = await embed_passage(embedder, f"{first}\n\n{second}")
    [finance] = await embedder.embed([second])
    [garden] = await embedder.embed([first])
    assert cosine(whole, finance) > 0.3 and cosine(whole, garden) > 0.3
