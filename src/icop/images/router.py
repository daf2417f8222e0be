from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset
from icop.gateway.problems import problem_responses
from icop.images import preview, service
from icop.images.dependencies import ImageRuntimeDep
from icop.images.schemas import (
    CardPreviewRequest,
    ImageCreate,
    ImageOut,
    ImageRoutingOut,
    ImageRoutingUpdate,
)
from icop.models import Role
from icop.models.image import ImageStatus
from icop.orchestrator.dependencies import TemporalDep

router = APIRouter(
    prefix="/images",
    tags=["images"],
    responses=problem_responses(401, 403, 404, 422, 429),
)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImageOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(503),
)
async def create_image(
    body: ImageCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
    runtime: ImageRuntimeDep,
    response: Response,
) -> ImageOut:
    """Start an image job. With Temporal the job runs on the image workers (poll the
    ``Location``); without it the local renderer answers at once (``status: ready``)."""
    image = await service.create(session, runtime, principal, body, temporal)
    response.headers["Location"] = f"{router.prefix}/{image.id}"
    return service.to_out(image, runtime.store)


@router.get("", response_model=list[ImageOut])
async def list_images(
    session: TenantSession,
    runtime: ImageRuntimeDep,
    limit: Limit = 50,
    offset: Offset = 0,
    status: ImageStatus | None = Query(default=None),
) -> list[ImageOut]:
    images = await service.list_images(session, limit=limit, offset=offset, status=status)
    return [service.to_out(image, runtime.store) for image in images]


@router.get("/routing", response_model=ImageRoutingOut)
async def get_routing(
    principal: CurrentPrincipal, session: TenantSession, runtime: ImageRuntimeDep
) -> ImageRoutingOut:
    """The tenant's provider order, and which providers this deployment has configured."""
    return await service.get_routing(session, runtime, principal.tenant_id)


@router.put("/routing", response_model=ImageRoutingOut, dependencies=[require_role(Role.ADMIN)])
async def put_routing(
    body: ImageRoutingUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    runtime: ImageRuntimeDep,
) -> ImageRoutingOut:
    return await service.put_routing(session, runtime, principal, body)


@router.delete(
    "/routing", status_code=status.HTTP_204_NO_CONTENT, dependencies=[require_role(Role.ADMIN)]
)
async def delete_routing(principal: CurrentPrincipal, session: TenantSession) -> None:
    """Back to the deployment's default order."""
    await service.delete_routing(session, principal)


@router.post(
    "/card-preview",
    response_class=Response,
    dependencies=[require_role(Role.VIEWER)],
    responses={200: {"content": {"image/jpeg": {}}, "description": "The card, a JPEG."}},
)
async def card_preview(
    body: CardPreviewRequest,
    principal: CurrentPrincipal,
    session: TenantSession,
    runtime: ImageRuntimeDep,
) -> Response:
    """The local renderer's card for a brand kit that need not be saved yet (the brand page's
    preview): nothing is stored. The kit must pass the same contrast rule as ``PUT
    /brand/kit``; ``logo: true`` draws the tenant's saved logo."""
    return Response(
        await preview.card_preview(body, session, runtime.store, principal.tenant_id),
        media_type="image/jpeg",
        headers={"cache-control": "no-store"},
    )


@router.get("/{image_id}", response_model=ImageOut)
async def get_image(image_id: UUID, session: TenantSession, runtime: ImageRuntimeDep) -> ImageOut:
    return service.to_out(await service.get(session, image_id), runtime.store)
