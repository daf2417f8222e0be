"""Emulated video uploads: Instagram's resumable upload host (``rupload.facebook.com``), Facebook
Page videos, X's v2 chunked media upload, and the admin view of every video received.

Shapes as the client modules document them (``icop.syndication.platforms.instagram``,
``facebook`` and ``x``). Processing takes ``EmulatorState.video_processing_s`` on the emulator's
clock; the faults ``interrupt_upload`` (the connection dies after half the bytes, which are
kept) and ``processing_error`` (processing ends in an error) exercise the failure paths.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from icop.emulators.platforms import common
from icop.emulators.platforms.admin import iso
from icop.emulators.platforms.common import meta_error, x_invalid, x_problem
from icop.emulators.platforms.meta_api import GraphAuth, before, unsupported, usage_headers
from icop.emulators.platforms.state import DAY_S, EmulatorState, Post, Token, Video
from icop.platforms import Platform

X_VIDEO_MAX_BYTES = 512 * 1_000_000
X_CHUNK_MAX_BYTES = 5 * 1024 * 1024


class InterruptedUpload(Response):
    """The connection dies mid-answer, after the server kept what it received."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await common.DropConnection()(scope, receive, send)


def video_router(state: EmulatorState) -> APIRouter:
    router = APIRouter()
    graph = GraphAuth(state)

    # --- Instagram: rupload.facebook.com -------------------------------------------------------
    def upload_target(request: Request, container_id: str) -> tuple[Video | None, Response | None]:
        token = state.token(common.bearer(request))
        if token is None or state.expired(token):
            return None, meta_error(400, "Invalid OAuth access token", 190, subcode=467)
        container = state.containers.get(container_id)
        video = state.videos.get(container.video_id or "") if container else None
        if container is None or video is None or video.source_url is not None:
            return None, unsupported(request.method, container_id)
        if not state.covers(token, Platform.INSTAGRAM, container.account_id):
            return None, meta_error(403, "(#200) Permissions error", 200)
        return video, None

    @router.post("/rupload.facebook.com/ig-api-upload/{version}/{container_id}")
    async def rupload(container_id: str, request: Request) -> Response:
        video, problem = upload_target(request, container_id)
        if problem is not None or video is None:
            return problem or unsupported("post", container_id)
        offset = _int(request.headers.get("offset"))
        size = _int(request.headers.get("file_size"))
        if offset is None or size is None or size <= 0:
            return meta_error(400, "The offset and file_size headers are required.", 100)
        if offset != len(video.data):
            return meta_error(
                400, f"Offset {offset} does not match the {len(video.data)} bytes received.", 100
            )
        video.file_size = size
        body = await request.body()
        fault = state.take_fault(Platform.INSTAGRAM, video.account_id, "upload")
        if fault is not None and fault.kind == "interrupt_upload":
            state.receive_video_bytes(video, offset, body[: max(1, len(body) // 2)])
            return InterruptedUpload()
        state.receive_video_bytes(video, offset, body)
        if len(video.data) >= size:
            state.fail_processing(Platform.INSTAGRAM, video.account_id, video)
        return JSONResponse({"success": True, "message": "Upload successful."})

    @router.get("/rupload.facebook.com/ig-api-upload/{version}/{container_id}")
    async def rupload_offset(container_id: str, request: Request) -> Response:
        video, problem = upload_target(request, container_id)
        if problem is not None or video is None:
            return problem or unsupported("get", container_id)
        return JSONResponse({"id": container_id, "file_offset": len(video.data)})

    # --- Facebook Page videos ------------------------------------------------------------------
    @router.post("/graph.facebook.com/{version}/{node}/videos")
    async def page_video(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = graph.account(request, values, Platform.FACEBOOK, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.FACEBOOK, node, token, "create")
        if failed is not None:
            return failed
        url = values.get("file_url", "")
        if not url.startswith(("http://", "https://")):
            return meta_error(400, "(#100) file_url or an upload is required", 100)
        video = state.add_video(Platform.FACEBOOK, node, source_url=url)
        state.add_post(
            Post(
                platform=Platform.FACEBOOK,
                account_id=node,
                post_id=video.video_id,
                text=values.get("description", ""),
                created_at=state.now(),
                media=(url,),
                kind="VIDEO",
            )
        )
        response = JSONResponse(
            {"id": video.video_id}, headers=usage_headers(state, Platform.FACEBOOK, node)
        )
        return await common.after(fault, response)

    # --- X: v2 chunked media upload ------------------------------------------------------------
    api = "/api.x.com"

    def x_user(request: Request) -> tuple[Token | None, Response | None]:
        token = state.token(common.bearer(request))
        if token is None or token.platform is not Platform.X or state.expired(token):
            return None, x_problem(401, "Unauthorized", "Unauthorized")
        return token, None

    def x_video(token: Token, media_id: str) -> Video | None:
        video = state.videos.get(media_id)
        user = next(iter(token.account_ids), "")
        if video is None or video.platform is not Platform.X or video.account_id != user:
            return None
        return video

    def processing(video: Video) -> dict[str, Any]:
        status = video.status(state.now())
        if status == "FINISHED":
            state.media[f"x:{video.video_id}"] = video.account_id
            return {"state": "succeeded", "progress_percent": 100}
        if status == "ERROR":
            return {
                "state": "failed",
                "progress_percent": 0,
                "error": {"code": 1, "name": "InvalidMedia", "message": video.error},
            }
        wait = max(1, round((video.ready_at or state.now()) - state.now()))
        return {"state": "in_progress", "check_after_secs": wait, "progress_percent": 50}

    @router.post(f"{api}/2/media/upload/initialize")
    async def x_initialize(request: Request) -> Response:
        token, problem = x_user(request)
        if problem is not None or token is None:
            return problem or x_problem(401, "Unauthorized", "Unauthorized")
        values = await common.params(request)
        total = _int(values.get("total_bytes"))
        if values.get("media_type") != "video/mp4":
            return x_invalid("media_type must be video/mp4 for a video.", "media_type")
        if total is None or not 0 < total <= X_VIDEO_MAX_BYTES:
            return x_invalid("total_bytes must be between 1 and 512 MB.", "total_bytes")
        video = state.add_video(Platform.X, next(iter(token.account_ids), ""), file_size=total)
        return JSONResponse(
            {
                "data": {
                    "id": video.video_id,
                    "media_key": f"13_{video.video_id}",
                    "expires_after_secs": DAY_S,
                }
            }
        )

    @router.post(api + "/2/media/upload/{media_id}/append")
    async def x_append(media_id: str, request: Request) -> Response:
        token, problem = x_user(request)
        if problem is not None or token is None:
            return problem or x_problem(401, "Unauthorized", "Unauthorized")
        video = x_video(token, media_id)
        if video is None:
            return x_invalid("Unknown media id.", "id")
        form = await request.form()
        media, segment = form.get("media"), _int(str(form.get("segment_index", "")))
        if media is None or isinstance(media, str) or segment is None:
            return x_invalid("media and segment_index are required.", "media")
        chunk = await media.read()
        if len(chunk) > X_CHUNK_MAX_BYTES:
            return x_invalid("A segment may be at most 5 MB.", "media")
        with state.lock:
            video.data.extend(chunk)  # segments arrive in order from our client
        return Response(status_code=204)

    @router.post(api + "/2/media/upload/{media_id}/finalize")
    async def x_finalize(media_id: str, request: Request) -> Response:
        token, problem = x_user(request)
        if problem is not None or token is None:
            return problem or x_problem(401, "Unauthorized", "Unauthorized")
        video = x_video(token, media_id)
        if video is None:
            return x_invalid("Unknown media id.", "id")
        if len(video.data) != video.file_size:
            return x_invalid(
                f"File size mismatch: {len(video.data)} bytes of {video.file_size} received.",
                "id",
            )
        state.receive_video_bytes(video, len(video.data), b"")
        state.fail_processing(Platform.X, video.account_id, video)
        return JSONResponse(
            {
                "data": {
                    "id": media_id,
                    "media_key": f"13_{media_id}",
                    "size": len(video.data),
                    "expires_after_secs": DAY_S,
                    "processing_info": processing(video),
                }
            }
        )

    @router.get(f"{api}/2/media/upload")
    async def x_status(request: Request) -> Response:
        token, problem = x_user(request)
        if problem is not None or token is None:
            return problem or x_problem(401, "Unauthorized", "Unauthorized")
        if request.query_params.get("command") != "STATUS":
            return x_invalid("command must be STATUS.", "command")
        media_id = request.query_params.get("media_id", "")
        video = x_video(token, media_id)
        if video is None:
            return x_invalid("Unknown media id.", "media_id")
        return JSONResponse({"data": {"id": media_id, "processing_info": processing(video)}})

    # --- admin: the videos received --------------------------------------------------------------
    @router.get("/_emulator/videos")
    async def list_videos() -> dict[str, Any]:
        with state.lock:
            videos = list(state.videos.values())
        now = state.now()
        return {
            "data": [
                {
                    "id": video.video_id,
                    "platform": video.platform.value,
                    "account_id": video.account_id,
                    "created_at": iso(video.created_at),
                    "bytes": len(video.data),
                    "file_size": video.file_size,
                    "sha256": hashlib.sha256(video.data).hexdigest() if video.data else None,
                    "source_url": video.source_url,
                    "status": video.status(now),
                    "error": video.error,
                }
                for video in videos
            ]
        }

    @router.get("/_emulator/videos/{video_id}")
    async def video_bytes(video_id: str) -> Response:
        video = state.videos.get(video_id)
        if video is None or not video.data:
            return JSONResponse({"detail": "no bytes stored for this video"}, status_code=404)
        return Response(bytes(video.data), media_type="video/mp4")

    return router


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
