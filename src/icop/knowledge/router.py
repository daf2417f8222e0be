"""The knowledge store API. Writes and searches embed first and only then open their unit of
work, so a slow embedding never holds a database connection (``DetachedPrincipal``)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, UploadFile, status

from icop.auth.dependencies import CurrentPrincipal, DetachedPrincipal, TenantSession, require_role
from icop.db.session import unit_of_work
from icop.embeddings.dependencies import EmbedderDep
from icop.errors import PayloadTooLarge
from icop.gateway.dependencies import Limit, Offset, SessionmakerDep, SettingsDep
from icop.gateway.problems import problem_responses
from icop.knowledge import service
from icop.knowledge.config import KnowledgeConfig
from icop.knowledge.extract import extract
from icop.knowledge.schemas import (
    MAX_TITLE,
    DocumentCreate,
    DocumentOut,
    HttpUrl,
    Language,
    SearchRequest,
    SearchResponse,
    Text,
)
from icop.models import Role

router = APIRouter(
    prefix="/knowledge",
    tags=["knowledge"],
    responses=problem_responses(401, 403, 422, 429),
)


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    dependencies=[require_role(Role.EDITOR, detached=True)],
    responses=problem_responses(503),
)
async def create_document(
    body: DocumentCreate,
    principal: DetachedPrincipal,
    settings: SettingsDep,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
) -> DocumentOut:
    """Add a text to the tenant's knowledge store: it is cut into ~800-character chunks,
    embedded and becomes searchable (and citable by research) at once."""
    prepared = await service.prepare(
        embedder,
        KnowledgeConfig.from_settings(settings),
        title=body.title,
        text=body.text,
        source_kind="api",
        source_url=body.source_url,
        language=body.language,
    )
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        document = await service.store(session, principal, prepared)
        return service.to_out(document)


@router.post(
    "/documents/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    dependencies=[require_role(Role.EDITOR, detached=True)],
    responses=problem_responses(415, 503),
)
async def upload_document(
    principal: DetachedPrincipal,
    settings: SettingsDep,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
    file: Annotated[UploadFile, File(description="A .txt, .md or .html file, UTF-8.")],
    title: Annotated[Text | None, Form(min_length=1, max_length=MAX_TITLE)] = None,
    source_url: Annotated[HttpUrl | None, Form()] = None,
    language: Annotated[Language | None, Form()] = None,
) -> DocumentOut:
    """Upload a file (multipart): HTML is reduced to its text; the title defaults to the
    page's ``<title>``, the first Markdown heading or the file name."""
    config = KnowledgeConfig.from_settings(settings)
    data = await file.read(config.max_upload_bytes + 1)
    if len(data) > config.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than {config.max_upload_bytes:,} bytes")
    extracted = extract(data, file.filename, file.content_type)
    filename = PurePosixPath(file.filename or "").name or None
    fallback = PurePosixPath(filename).stem if filename else None
    prepared = await service.prepare(
        embedder,
        config,
        title=title or extracted.title or fallback or "Untitled",
        text=extracted.text,
        source_kind="upload",
        source_url=source_url,
        language=language,
        details={"filename": filename, "format": extracted.kind, "bytes": len(data)},
    )
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        document = await service.store(session, principal, prepared)
        return service.to_out(document)


@router.get("/documents", response_model=list[DocumentOut])
async def list_documents(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[DocumentOut]:
    """The tenant's documents, newest first."""
    documents = await service.list_documents(session, limit=limit, offset=offset)
    return [service.to_out(document) for document in documents]


@router.get(
    "/documents/{document_id}", response_model=DocumentOut, responses=problem_responses(404)
)
async def get_document(document_id: UUID, session: TenantSession) -> DocumentOut:
    return service.to_out(await service.get(session, document_id))


@router.delete(
    "/documents/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(404),
)
async def delete_document(
    document_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    """Remove a document and its chunks: research stops citing it at once."""
    await service.delete(session, principal, document_id)


@router.post(
    "/search",
    response_model=SearchResponse,
    dependencies=[require_role(Role.VIEWER, detached=True)],
    responses=problem_responses(503),
)
async def search(
    body: SearchRequest,
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
) -> SearchResponse:
    """The chunks most similar in meaning to the query, best first, with their document's
    title and URL."""
    [embedding] = await embedder.embed([body.query])
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        hits = await service.nearest(session, embedder.name, embedding, limit=body.limit)
    return SearchResponse(query=body.query, results=[service.hit_out(hit) for hit in hits])
