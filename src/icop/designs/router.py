"""``/api/v1/designs``: every image as an editable design (issue #14, ADR 0027).

Viewers read and render; editors and above change, undo, restore and publish. Every change
names the version it was made against (``expected_head``); another head is a 409.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from icop.auth.dependencies import (
    CurrentPrincipal,
    DetachedPrincipal,
    TenantSession,
    require_role,
)
from icop.designs import commanding, publishing, service, sources
from icop.designs.dependencies import DesignPublishedListenersDep
from icop.designs.from_images import design_for_image
from icop.designs.schemas import (
    ActionsIn,
    CommandIn,
    CommandOut,
    DesignCreate,
    DesignOut,
    ExpectedHead,
    VersionOut,
)
from icop.gateway.dependencies import Limit, Offset, SessionmakerDep
from icop.gateway.problems import problem_responses
from icop.llm.dependencies import LLMDep
from icop.models import Role
from icop.platforms import Platform
from icop.storage.dependencies import ObjectStoreDep

router = APIRouter(
    prefix="/designs",
    tags=["designs"],
    responses=problem_responses(401, 403, 404, 422, 429),
)
IMMUTABLE = "private, max-age=31536000, immutable"
Version = Annotated[int | None, Query(alias="v", ge=1, description="A version (default: head).")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
    responses={
        200: {"model": DesignOut, "description": "The image's existing design."},
        **problem_responses(409),
    },
)
async def create_design(
    body: DesignCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
    response: Response,
) -> DesignOut:
    """An image of the workspace as a design (a second call returns the same design, 200), or
    a blank canvas of a preset's size."""
    if body.image_id is not None:
        stored, created = await design_for_image(
            session, store, principal.tenant_id, body.image_id, actor=principal
        )
        if not created:
            response.status_code = status.HTTP_200_OK
    else:
        assert body.preset is not None  # DesignCreate wants one of the two
        stored = await service.create_blank(session, principal, body.preset)
    response.headers["Location"] = f"/api/v1/designs/{stored.record.id}"
    return service.to_out(stored, store)


@router.get("", response_model=list[DesignOut])
async def list_designs(
    session: TenantSession,
    store: ObjectStoreDep,
    article_id: UUID | None = Query(default=None),
    image_id: UUID | None = Query(default=None),
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DesignOut]:
    designs = await service.list_designs(
        session, article_id=article_id, image_id=image_id, limit=limit, offset=offset
    )
    return [service.to_out(stored, store) for stored in designs]


@router.get("/{design_id}", response_model=DesignOut)
async def get_design(design_id: UUID, session: TenantSession, store: ObjectStoreDep) -> DesignOut:
    return service.to_out(await service.load(session, design_id), store)


@router.post(
    "/{design_id}/commands",
    response_model=CommandOut,
    dependencies=[require_role(Role.EDITOR, detached=True)],
    responses=problem_responses(409),
)
async def run_command(
    design_id: UUID,
    body: CommandIn,
    principal: DetachedPrincipal,
    sessionmaker: SessionmakerDep,
    llm: LLMDep,
    store: ObjectStoreDep,
) -> CommandOut:
    """A sentence ("make the title bigger and yellow", "제목을 더 크게") as one new version.
    Not understood: 422 ``command_not_understood`` (the detail says what was understood);
    an ambiguous reference: 422 ``ambiguous_reference`` with the ``candidates``; nothing is
    stored in either case. Sent again with ``targets`` (some of the candidates' ids), the
    reference means those."""
    result = await commanding.run_command(
        sessionmaker,
        llm,
        principal,
        design_id,
        body.text,
        body.expected_head,
        chosen=tuple(body.targets or ()),
    )
    return CommandOut(
        design=service.to_out(result.stored, store),
        description=result.description,
        actions=list(result.actions),
        source=result.source,
    )


@router.post(
    "/{design_id}/actions",
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def apply_actions(
    design_id: UUID,
    body: ActionsIn,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
) -> DesignOut:
    """Hand edits from the canvas as one new version; an invalid one (off the canvas, a font
    the workspace lacks, too little contrast) is a 422 ``invalid_design_action``."""
    stored = await commanding.apply_actions(
        session, principal, design_id, body.actions, body.expected_head
    )
    return service.to_out(stored, store)


@router.post(
    "/{design_id}/undo",
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def undo(
    design_id: UUID,
    body: ExpectedHead,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
) -> DesignOut:
    stored = await service.undo(session, principal, design_id, body.expected_head)
    return service.to_out(stored, store)


@router.post(
    "/{design_id}/redo",
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def redo(
    design_id: UUID,
    body: ExpectedHead,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
) -> DesignOut:
    stored = await service.redo(session, principal, design_id, body.expected_head)
    return service.to_out(stored, store)


@router.get("/{design_id}/versions", response_model=list[VersionOut])
async def list_versions(design_id: UUID, session: TenantSession) -> list[VersionOut]:
    """Every version, oldest first, the undone ones included (restorable)."""
    return await service.versions_out(session, design_id)


@router.post(
    "/{design_id}/versions/{number}/restore",
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409),
)
async def restore_version(
    design_id: UUID,
    number: int,
    body: ExpectedHead,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
) -> DesignOut:
    """Version ``number``'s document as a new version (the history is never rewritten)."""
    stored = await service.restore(session, principal, design_id, number, body.expected_head)
    return service.to_out(stored, store)


@router.get(
    "/{design_id}/render.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The version as a PNG."}},
)
async def render_png(
    design_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
    version: Version = None,
) -> Response:
    stored = await service.load(session, design_id)
    design = service.version_of(stored, version).design
    data = await sources.png(design, store, principal.tenant_id)
    # A numbered version never changes; the head does.
    cache = IMMUTABLE if version is not None else "no-store"
    return Response(data, media_type="image/png", headers={"cache-control": cache})


@router.get(
    "/{design_id}/render.jpg",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "The platform JPEG."}},
)
async def render_jpeg(
    design_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
    platform: Platform | None = Query(default=None, description="Fit this platform's rules."),
    version: Version = None,
) -> Response:
    """The version as the JPEG a post would carry (the image service's pipeline)."""
    stored = await service.load(session, design_id)
    design = service.version_of(stored, version).design
    result = await sources.jpeg(design, store, principal.tenant_id, platform)
    cache = IMMUTABLE if version is not None else "no-store"
    return Response(result.data, media_type="image/jpeg", headers={"cache-control": cache})


@router.post(
    "/{design_id}/publish",
    response_model=DesignOut,
    dependencies=[require_role(Role.EDITOR)],
)
async def publish(
    design_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    store: ObjectStoreDep,
    listeners: DesignPublishedListenersDep,
) -> DesignOut:
    """The head's JPEG becomes the picture of the article and of its posts not sent yet (the
    old picture's URL is replaced; posts already sent never change)."""
    stored = await publishing.publish(session, store, principal, design_id, listeners)
    return service.to_out(stored, store)
