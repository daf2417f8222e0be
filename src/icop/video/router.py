from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response, status

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.gateway.dependencies import Limit, Offset, SettingsDep
from icop.gateway.problems import problem_responses
from icop.models import Role
from icop.orchestrator.dependencies import TemporalDep
from icop.syndication.dependencies import SchedulerDep
from icop.syndication.schemas import PostOut
from icop.video import service
from icop.video.schemas import VideoCreate, VideoOut, VideoPublish

router = APIRouter(
    prefix="/videos",
    tags=["videos"],
    responses=problem_responses(401, 403, 404, 422, 429),
)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=VideoOut,
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def create_video(
    body: VideoCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    temporal: TemporalDep,
    response: Response,
) -> VideoOut:
    """Start a video from an article or a brief; it is made on the image workers (poll the
    ``Location`` for its status and each segment's)."""
    video = await service.create(session, principal, body, temporal)
    response.headers["Location"] = f"/api/v1{router.prefix}/{video.id}"
    return service.to_out(video)


@router.get("", response_model=list[VideoOut])
async def list_videos(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[VideoOut]:
    return [
        service.to_out(video)
        for video in await service.list_videos(session, limit=limit, offset=offset)
    ]


@router.get("/{video_id}", response_model=VideoOut)
async def get_video(video_id: UUID, session: TenantSession) -> VideoOut:
    """The video with each segment's status, attempts, cost and the reviewer's reasons."""
    video, segments = await service.get(session, video_id)
    return service.to_out(video, segments)


@router.post(
    "/{video_id}/publish",
    status_code=status.HTTP_201_CREATED,
    response_model=list[PostOut],
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(409, 503),
)
async def publish_video(
    video_id: UUID,
    body: VideoPublish,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    scheduler: SchedulerDep,
) -> list[PostOut]:
    """Post a ready video now on the tenant's connected accounts (per platform: a Reel, a Page
    video, a Threads video, an X video), each with the article's copy for that platform.
    Accounts that already have a post of this video are skipped (an empty list: nothing new)."""
    return await service.publish(session, settings, scheduler, principal, video_id, body)
