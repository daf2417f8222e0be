"""Brand API: voice samples and the brand kit. Voice writes and similarity checks embed before
they open their unit of work, so no database connection waits on the model
(``DetachedPrincipal``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Response, UploadFile, status

from icop.auth.dependencies import CurrentPrincipal, DetachedPrincipal, TenantSession, require_role
from icop.brand import kit, service
from icop.brand.logo import MAX_LOGO_BYTES
from icop.brand.schemas import (
    BrandFontOut,
    BrandKitOut,
    BrandKitUpdate,
    BrandLogoOut,
    VoiceSampleCreate,
    VoiceSampleOut,
    VoiceSimilarityOut,
    VoiceSimilarityRequest,
)
from icop.db.session import unit_of_work
from icop.embeddings.dependencies import EmbedderDep
from icop.gateway.dependencies import Limit, Offset, SessionmakerDep
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.storage.dependencies import ObjectStoreDep

router = APIRouter(prefix="/brand", tags=["brand"], responses=problem_responses(401, 403, 429))


@router.post(
    "/voice-samples",
    status_code=status.HTTP_201_CREATED,
    response_model=VoiceSampleOut,
    dependencies=[require_role(Role.EDITOR, detached=True)],
    responses=problem_responses(409, 503),
)
async def create_sample(
    body: VoiceSampleCreate,
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
) -> VoiceSampleOut:
    """Add a passage in the brand's voice; writers see the samples closest to their topic."""
    embedding = await service.embed_passage(embedder, body.text)
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        sample = await service.create(
            session, principal, title=body.title, text=body.text, embedding=embedding
        )
        return service.to_out(sample)


@router.get("/voice-samples", response_model=list[VoiceSampleOut])
async def list_samples(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[VoiceSampleOut]:
    samples = await service.list_samples(session, limit=limit, offset=offset)
    return [service.to_out(sample) for sample in samples]


@router.get(
    "/voice-samples/{sample_id}", response_model=VoiceSampleOut, responses=problem_responses(404)
)
async def get_sample(sample_id: UUID, session: TenantSession) -> VoiceSampleOut:
    return service.to_out(await service.get(session, sample_id))


@router.delete(
    "/voice-samples/{sample_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(404),
)
async def delete_sample(
    sample_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    await service.delete(session, principal, sample_id)


@router.post(
    "/voice-similarity",
    response_model=VoiceSimilarityOut,
    dependencies=[require_role(Role.VIEWER, detached=True)],
    responses=problem_responses(503),
)
async def voice_similarity(
    body: VoiceSimilarityRequest,
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
    embedder: EmbedderDep,
) -> VoiceSimilarityOut:
    """How close a text is to the brand's voice: the cosine to the centroid of its samples."""
    embedding = await service.embed_passage(embedder, body.text)
    async with unit_of_work(sessionmaker, principal.tenant_id) as session:
        similarity, count = await service.similarity_to(session, embedding)
    return VoiceSimilarityOut(
        similarity=None if similarity is None else round(similarity, 6), samples=count
    )


# -- brand kit ----------------------------------------------------------------------------------
@router.get("/kit", response_model=BrandKitOut)
async def get_kit(principal: CurrentPrincipal, session: TenantSession) -> BrandKitOut:
    """The colours, name and font the image renderer uses for this tenant: its own kit, or
    the default (``is_default: true``), and its logo, if it has one."""
    return await kit.get(session, principal.tenant_id)


@router.put("/kit", response_model=BrandKitOut, dependencies=[require_role(Role.ADMIN)])
async def put_kit(
    body: BrandKitUpdate, principal: CurrentPrincipal, session: TenantSession
) -> BrandKitOut:
    """Create or replace the brand kit. Text on background must reach 3:1 (WCAG AA, large
    text); the font is a family from ``GET /brand/fonts``."""
    return await kit.put(session, principal, body)


@router.delete(
    "/kit", status_code=status.HTTP_204_NO_CONTENT, dependencies=[require_role(Role.ADMIN)]
)
async def delete_kit(principal: CurrentPrincipal, session: TenantSession) -> None:
    """Back to the default kit."""
    await kit.delete(session, principal)


@router.put(
    "/logo",
    response_model=BrandLogoOut,
    dependencies=[require_role(Role.ADMIN)],
    responses=problem_responses(413, 422),
)
async def put_logo(
    file: Annotated[
        UploadFile,
        File(
            description=f"PNG, JPEG or WebP, at most {MAX_LOGO_BYTES // 1024} KiB, 32 to 4096 "
            "pixels a side. SVG is refused."
        ),
    ],
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
) -> BrandLogoOut:
    """Upload (or replace) the logo drawn on the tenant's cards (multipart). It is stored as a
    PNG of at most 1024 pixels a side, made from the pixels alone (ADR 0026); too large a file
    is 413, anything else it cannot use is 422 with a ``reason``."""
    data = await file.read(MAX_LOGO_BYTES + 1)
    return await kit.put_logo(session, store, principal, data)


@router.delete(
    "/logo", status_code=status.HTTP_204_NO_CONTENT, dependencies=[require_role(Role.ADMIN)]
)
async def delete_logo(
    principal: CurrentPrincipal, session: TenantSession, store: ObjectStoreDep
) -> None:
    """Remove the logo; cards rendered from now on have none."""
    await kit.delete_logo(session, store, principal)


@router.get(
    "/logo/{logo_id}",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The logo, a PNG."},
        **problem_responses(404),
    },
)
async def get_logo(
    logo_id: UUID, principal: CurrentPrincipal, session: TenantSession, store: ObjectStoreDep
) -> Response:
    """The tenant's current logo; the id changes with every upload, so it may be cached."""
    data = await kit.logo_png(session, store, principal.tenant_id, logo_id)
    return Response(
        data,
        media_type="image/png",
        headers={
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/fonts", response_model=list[BrandFontOut], dependencies=[require_role(Role.VIEWER)])
async def list_fonts() -> list[BrandFontOut]:
    """The font families a brand kit may name."""
    return kit.fonts()
