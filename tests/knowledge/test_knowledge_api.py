"""The knowledge store API over the real database: documents in, chunks embedded, search by
meaning, tenants apart."""

from __future__ import annotations

import json
import math
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from icop.embeddings import HashingEmbedder
from icop.knowledge.config import KnowledgeConfig
from icop.runtime.clients import Runtime
from tests.helpers import Account, ApiClient

COMPOSTING = """Composting at home turns kitchen scraps into rich soil.

A compost bin needs green material such as vegetable peelings and coffee grounds, and brown
material such as dry leaves and cardboard. Turn the compost pile every week so air reaches it.

Worms speed up composting: a worm bin handles kitchen scraps even in a small flat."""

TAXES = """Quarterly tax filing for small companies.

Companies file value added tax returns every quarter. Keep invoices and receipts for each
quarter, and pay the tax office before the deadline to avoid penalties."""

BICYCLES = """Bicycle chain maintenance.

Clean the chain with a degreaser, dry it, then apply a drop of lubricant to every link.
Check tyre pressure before each ride and replace worn brake pads."""


async def _document(
    client: ApiClient, account: Account, title: str, body: str, **extra: object
) -> dict[str, object]:
    response = await client.post(
        "/api/v1/knowledge/documents",
        headers=account.headers,
        json={"title": title, "text": body, **extra},
    )
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


async def _search(client: ApiClient, account: Account, query: str, limit: int = 5) -> list[dict]:
    response = await client.post(
        "/api/v1/knowledge/search", headers=account.headers, json={"query": query, "limit": limit}
    )
    assert response.status_code == 200, response.text
    results: list[dict] = response.json()["results"]
    return results


async def _bind(connection: AsyncConnection, tenant_id: UUID) -> None:
    await connection.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)}
    )


async def test_create_get_list_delete(client: ApiClient, connection: AsyncConnection) -> None:
    owner = await client.signup()
    long_text = "\n\n".join(COMPOSTING for _ in range(6))
    created = await _document(
        client,
        owner,
        "Composting guide",
        long_text,
        source_url="https://example.com/compost",
        language="en",
    )
    assert created["chunk_count"] >= 2  # type: ignore[operator]
    assert created["embedder"] == HashingEmbedder().name
    assert created["source_kind"] == "api" and created["language"] == "en"
    assert created["created_by"] == str(owner.user_id)

    fetched = await client.get(
        f"/api/v1/knowledge/documents/{created['id']}", headers=owner.headers
    )
    assert fetched.status_code == 200 and fetched.json() == created
    listed = await client.get("/api/v1/knowledge/documents", headers=owner.headers)
    assert [d["id"] for d in listed.json()] == [created["id"]]

    # Stored chunks: ordered, bounded, unit vectors.
    await _bind(connection, owner.tenant_id)
    rows = (
        await connection.execute(
            text(
                "SELECT ordinal, length(text), vector_norm(embedding) FROM knowledge_chunks "
                "WHERE document_id = :d ORDER BY ordinal"
            ),
            {"d": created["id"]},
        )
    ).all()
    assert [row[0] for row in rows] == list(range(int(created["chunk_count"])))  # type: ignore[call-overload]
    assert all(row[1] <= KnowledgeConfig().chunk_chars for row in rows)
    assert all(math.isclose(row[2], 1.0, rel_tol=1e-5) for row in rows)

    deleted = await client.delete(
        f"/api/v1/knowledge/documents/{created['id']}", headers=owner.headers
    )
    assert deleted.status_code == 204
    missing = await client.get(
        f"/api/v1/knowledge/documents/{created['id']}", headers=owner.headers
    )
    assert missing.status_code == 404
    await _bind(connection, owner.tenant_id)
    remaining = await connection.scalar(text("SELECT count(*) FROM knowledge_chunks"))
    assert remaining == 0, "the chunks go with their document"


async def test_search_ranks_the_relevant_chunk_first(client: ApiClient) -> None:
    owner = await client.signup()
    documents = {
        title: await _document(client, owner, title, body, source_url=f"https://example.com/{i}")
        for i, (title, body) in enumerate(
            [("Composting", COMPOSTING), ("Taxes", TAXES), ("Bicycles", BICYCLES)]
        )
    }
    for query, expected, phrase in [
        ("how do I compost kitchen scraps with worms", "Composting", "worm"),
        ("deadline for quarterly tax returns", "Taxes", "deadline"),
        ("lubricant for a bicycle chain", "Bicycles", "lubricant"),
    ]:
        results = await _search(client, owner, query, limit=3)
        assert results[0]["title"] == expected, (query, results)
        assert results[0]["document_id"] == documents[expected]["id"]
        assert results[0]["source_url"] == documents[expected]["source_url"]
        assert phrase in results[0]["text"].lower()
        scores = [r["score"] for r in results]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] > 0.2 and scores[0] > scores[-1]


async def test_another_tenants_documents_never_appear(
    client: ApiClient, connection: AsyncConnection
) -> None:
    tenant_a = await client.signup("Tenant A")
    tenant_b = await client.signup("Tenant B")
    secret = await _document(client, tenant_a, "A's compost secrets", COMPOSTING)
    assert await _search(client, tenant_b, "compost kitchen scraps worms") == []
    own = await _document(client, tenant_b, "B's taxes", TAXES)
    results = await _search(client, tenant_b, "compost kitchen scraps worms", limit=50)
    assert {r["document_id"] for r in results} == {own["id"]}
    assert (
        secret["id"]
        not in (await client.get("/api/v1/knowledge/documents", headers=tenant_b.headers)).text
    )
    foreign = await client.get(
        f"/api/v1/knowledge/documents/{secret['id']}", headers=tenant_b.headers
    )
    assert foreign.status_code == 404
    # Underneath, row-level security hides A's chunks from a transaction bound to B.
    await _bind(connection, tenant_b.tenant_id)
    visible = await connection.scalar(
        text("SELECT count(*) FROM knowledge_chunks WHERE document_id = :d"), {"d": secret["id"]}
    )
    assert visible == 0


async def test_vectors_of_another_embedder_are_not_compared(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup()
    await _document(client, owner, "Composting", COMPOSTING)

    class OtherSpace(HashingEmbedder):
        @property
        def name(self) -> str:
            return "another-model"

    context.embedder = OtherSpace()  # type: ignore[attr-defined]
    assert await _search(client, owner, "compost kitchen scraps") == []


async def test_a_query_with_no_words_matches_nothing(client: ApiClient) -> None:
    owner = await client.signup()
    await _document(client, owner, "Composting", COMPOSTING)
    assert await _search(client, owner, "?!") == []


async def test_upload_html_markdown_and_text(client: ApiClient) -> None:
    owner = await client.signup()
    page = (
        b"<html><head><title>Worm bins</title><script>var hidden = 'tracking';</script></head>"
        b"<body><h1>Worm bins</h1><p>Red wigglers eat kitchen scraps &amp; paper.</p></body></html>"
    )
    html = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("worms.html", page, "text/html")},
        data={"source_url": "https://example.com/worms", "language": "en"},
    )
    assert html.status_code == 201, html.text
    body = html.json()
    assert body["title"] == "Worm bins" and body["filename"] == "worms.html"
    assert body["source_kind"] == "upload" and body["source_url"] == "https://example.com/worms"
    hits = await _search(client, owner, "red wigglers eat paper")
    assert hits[0]["document_id"] == body["id"]
    assert "Red wigglers eat kitchen scraps & paper." in hits[0]["text"]
    assert "tracking" not in hits[0]["text"]

    markdown = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("guide.md", b"# Leaf mould\n\nPile up autumn leaves.", "text/markdown")},
    )
    assert markdown.status_code == 201 and markdown.json()["title"] == "Leaf mould"
    plain = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("dir/field-notes.txt", b"Notes.", "text/plain")},
        data={"title": "My notes"},
    )
    assert plain.status_code == 201 and plain.json()["title"] == "My notes"
    untitled = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("field-notes.txt", b"More notes.", "text/plain")},
    )
    assert untitled.json()["title"] == "field-notes"


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ({"file": ("report.pdf", b"%PDF-1.7", "application/pdf")}, 415, "unsupported_media_type"),
        ({"file": ("blank.txt", b" \n\n\t ", "text/plain")}, 422, "validation_failed"),
        ({"file": ("latin.txt", b"caf\xe9", "text/plain")}, 422, "validation_failed"),
        ({"file": ("bin.txt", b"a\x00b", "text/plain")}, 422, "validation_failed"),
        ({"other": ("a.txt", b"text", "text/plain")}, 422, "validation_failed"),
    ],
)
async def test_upload_errors(
    client: ApiClient, files: dict[str, tuple[str, bytes, str]], status: int, code: str
) -> None:
    owner = await client.signup()
    response = await client.post(
        "/api/v1/knowledge/documents/upload", headers=owner.headers, files=files
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    listed = await client.get("/api/v1/knowledge/documents", headers=owner.headers)
    assert listed.json() == [], "a rejected upload stores nothing"


@pytest.mark.parametrize(
    "form",
    [{"source_url": "ftp://example.com/a"}, {"language": "english!"}, {"title": "t" * 301}],
)
async def test_upload_form_fields_are_validated(client: ApiClient, form: dict[str, str]) -> None:
    owner = await client.signup()
    response = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("a.txt", b"Some text.", "text/plain")},
        data=form,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    listed = await client.get("/api/v1/knowledge/documents", headers=owner.headers)
    assert listed.json() == [], "a rejected upload stores nothing"


@pytest.mark.parametrize(
    "body",
    [
        {"title": "t", "text": "   "},
        {"title": "", "text": "some text"},
        {"title": "t", "text": "x", "source_url": "ftp://example.com/a"},
        {"title": "t", "text": "x", "source_url": "not a url"},
        {"title": "t", "text": "x", "language": "english!"},
        {"title": "t", "text": "x", "unknown": 1},
        {"title": "t", "text": "lone \ud800 surrogate"},
    ],
)
async def test_invalid_documents_are_rejected(client: ApiClient, body: dict[str, object]) -> None:
    owner = await client.signup()
    # json.dumps escapes the lone surrogate as JSON allows; httpx's encoder would refuse it.
    response = await client.post(
        "/api/v1/knowledge/documents",
        headers={**owner.headers, "content-type": "application/json"},
        content=json.dumps(body),
    )
    assert response.status_code == 422, response.text


async def test_size_limits(client: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = await client.signup()
    small = KnowledgeConfig(max_document_chars=1_000, max_upload_bytes=500, max_chunks=2)
    monkeypatch.setattr(KnowledgeConfig, "from_settings", classmethod(lambda cls, s: small))
    too_long = await client.post(
        "/api/v1/knowledge/documents",
        headers=owner.headers,
        json={"title": "t", "text": "word " * 400},
    )
    assert too_long.status_code == 413 and "1,000" in too_long.json()["detail"]
    too_many_chunks = await client.post(
        "/api/v1/knowledge/documents",
        headers=owner.headers,
        json={"title": "t", "text": "\n\n".join(["w" * 400] * 3)},
    )
    assert too_many_chunks.status_code == 413
    too_big = await client.post(
        "/api/v1/knowledge/documents/upload",
        headers=owner.headers,
        files={"file": ("big.txt", b"a" * 501, "text/plain")},
    )
    assert too_big.status_code == 413


async def test_roles(client: ApiClient) -> None:
    owner = await client.signup()
    viewer = await client.add_member(owner, "viewer")
    editor = await client.add_member(owner, "editor")
    denied = await client.post(
        "/api/v1/knowledge/documents", headers=viewer.headers, json={"title": "t", "text": "x"}
    )
    assert denied.status_code == 403
    document = await _document(client, editor, "Composting", COMPOSTING)
    assert (await _search(client, viewer, "compost"))[0]["document_id"] == document["id"]
    listed = await client.get("/api/v1/knowledge/documents", headers=viewer.headers)
    assert listed.status_code == 200 and len(listed.json()) == 1
    forbidden = await client.delete(
        f"/api/v1/knowledge/documents/{document['id']}", headers=viewer.headers
    )
    assert forbidden.status_code == 403
    anonymous = await client.post("/api/v1/knowledge/search", json={"query": "compost"})
    assert anonymous.status_code == 401
