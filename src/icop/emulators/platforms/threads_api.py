"""Emulated Threads API (``/graph.threads.net``) and its consent page (``/threads.net``)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from icop.emulators.platforms import common
from icop.emulators.platforms.common import meta_error
from icop.emulators.platforms.meta_api import (
    GraphAuth,
    before,
    container_status,
    limit_body,
    publish_container,
    publish_refusal,
    recent,
    redirect_with,
    token_body,
    unsupported,
)
from icop.emulators.platforms.state import (
    THREADS_LONG_TTL_S,
    THREADS_SHORT_TTL_S,
    AuthCode,
    Container,
    EmulatorState,
)
from icop.platforms import Platform

THREADS_TEXT_MAX = 500
THREADS_CAROUSEL = (2, 20)
MEDIA_TYPES = ("TEXT", "IMAGE", "CAROUSEL", "VIDEO")


def is_threads_image(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".jpg", ".jpeg", ".png"))


def threads_router(state: EmulatorState) -> APIRouter:
    router = APIRouter()
    auth = GraphAuth(state)
    root = "/graph.threads.net"

    @router.get("/threads.net/oauth/authorize")
    async def authorize(request: Request) -> Response:
        q = request.query_params
        if not q.get("client_id") or not q.get("redirect_uri"):
            return JSONResponse({"error": "client_id and redirect_uri are required"}, 400)
        code = f"thc-{secrets.token_urlsafe(12)}"
        state.codes[code] = AuthCode(
            provider="threads",
            owner=q.get("emulator_user", "default"),
            client_id=q["client_id"],
            redirect_uri=q["redirect_uri"],
            code_challenge=None,
            scopes=tuple(q.get("scope", "").split(",")),
            expires_at=state.now() + 600,
        )
        return redirect_with(q["redirect_uri"], code=code, state=q.get("state", ""))

    @router.post(f"{root}/oauth/access_token")
    @router.post(root + "/{version}/oauth/access_token")
    async def exchange(request: Request) -> Response:
        values = await common.params(request)
        if not values.get("client_id") or not values.get("client_secret"):
            return meta_error(400, "Missing client_id or client_secret parameter.", 101)
        code = state.codes.pop(values.get("code", ""), None)
        if code is None or code.provider != "threads" or code.expires_at < state.now():
            return meta_error(400, "Invalid authorization code", 100, subcode=36009)
        if code.redirect_uri != values.get("redirect_uri"):
            return meta_error(400, "Invalid redirect_uri", 100, subcode=36008)
        accounts = state.owned(Platform.THREADS, code.owner)
        account = (
            accounts[0]
            if accounts
            else state.add_account(Platform.THREADS, owner=code.owner, name=f"{code.owner}_threads")
        )
        token = state.issue_token(
            Platform.THREADS,
            owner=code.owner,
            account_ids=frozenset({account.account_id}),
            ttl_s=THREADS_SHORT_TTL_S,
            scopes=code.scopes,
        )
        return JSONResponse({"access_token": token.value, "user_id": account.account_id})

    def _exchanged(old_value: str | None, *, require_long: bool) -> Response:
        old = state.token(old_value)
        if old is None or old.platform is not Platform.THREADS:
            return meta_error(400, "Invalid OAuth access token", 190, subcode=467)
        if state.expired(old):
            return meta_error(
                400, "Error validating access token: Session has expired.", 190, subcode=463
            )
        token = state.issue_token(
            Platform.THREADS,
            owner=old.owner,
            account_ids=old.account_ids,
            ttl_s=THREADS_LONG_TTL_S,
            scopes=old.scopes,
        )
        return JSONResponse(token_body(token.value, THREADS_LONG_TTL_S))

    @router.get(f"{root}/access_token")
    @router.get(root + "/{version}/access_token")
    async def long_lived(request: Request) -> Response:
        q = request.query_params
        if q.get("grant_type") != "th_exchange_token" or not q.get("client_secret"):
            return meta_error(400, "grant_type th_exchange_token and client_secret required", 100)
        return _exchanged(q.get("access_token"), require_long=False)

    @router.get(f"{root}/refresh_access_token")
    @router.get(root + "/{version}/refresh_access_token")
    async def refresh(request: Request) -> Response:
        values = await common.params(request)
        if values.get("grant_type") != "th_refresh_token":
            return meta_error(400, "grant_type must be th_refresh_token", 100)
        return _exchanged(common.bearer(request, values), require_long=True)

    @router.get(root + "/{version}/me")
    async def me(request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.token(request, values)
        if problem is not None or token is None:
            return problem or unsupported("get", "me")
        account_id = next(iter(token.account_ids), "")
        account = state.account(Platform.THREADS, account_id)
        if account is None:
            return unsupported("get", "me")
        return JSONResponse({"id": account.account_id, "username": account.name})

    @router.post(root + "/{version}/{node}/threads")
    async def create_container(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.THREADS, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.THREADS, node, token, "container")
        if failed is not None:
            return failed
        refused = container_refusal(state, node, values)
        if refused is not None:
            return refused
        media_type = values.get("media_type", "TEXT").upper()
        video_id = None
        if media_type == "VIDEO":
            video = state.add_video(Platform.THREADS, node, source_url=values["video_url"])
            state.fail_processing(Platform.THREADS, node, video)
            video_id = video.video_id
        container = Container(
            platform=Platform.THREADS,
            account_id=node,
            container_id=state.new_id(),
            media_type=media_type,
            text=values.get("text", ""),
            created_at=state.now(),
            image_url=values.get("image_url"),
            children=tuple(c for c in values.get("children", "").split(",") if c),
            reply_to=values.get("reply_to_id"),
            topic_tag=values.get("topic_tag"),
            is_carousel_item=values.get("is_carousel_item") == "true",
            polls_until_finished=0 if media_type == "TEXT" else state.threads_polls_until_finished,
            video_id=video_id,
        )
        state.containers[container.container_id] = container
        return await common.after(fault, JSONResponse({"id": container.container_id}))

    @router.post(root + "/{version}/{node}/threads_publish")
    async def publish(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.THREADS, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.THREADS, node, token, "create")
        if failed is not None:
            return failed
        refused = publish_refusal(state, Platform.THREADS, node, values.get("creation_id"))
        if refused is not None:
            return refused
        post = publish_container(state, state.containers[values["creation_id"]])
        return await common.after(fault, JSONResponse({"id": post.post_id}))

    @router.get(root + "/{version}/{node}/threads")
    async def list_threads(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.THREADS, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        fault, failed = before(state, Platform.THREADS, node, token, "read")
        if failed is not None:
            return failed
        body = recent(state, Platform.THREADS, node, values, "text", "timestamp")
        return await common.after(fault, JSONResponse(body))

    @router.get(root + "/{version}/{node}/replies")
    async def list_replies(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.THREADS, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        fault, failed = before(state, Platform.THREADS, node, token, "read")
        if failed is not None:
            return failed
        body = recent(state, Platform.THREADS, node, values, "text", "timestamp", replies=True)
        return await common.after(fault, JSONResponse(body))

    @router.get(root + "/{version}/{node}/threads_publishing_limit")
    async def publishing_limit(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.THREADS, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        return JSONResponse(limit_body(state, Platform.THREADS, node))

    @router.get(root + "/{version}/{node}")
    async def container(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.token(request, values)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        item = state.containers.get(node)
        if item is None or item.platform is not Platform.THREADS:
            return unsupported("get", node)
        if not state.covers(token, Platform.THREADS, item.account_id):
            return meta_error(403, "(#200) Permissions error", 200)
        body: dict[str, Any] = {"id": node, "status": container_status(state, item)}
        # container_status copies a video's processing error onto the container.
        if item.error:
            body["error_message"] = item.error
        return JSONResponse(body)

    return router


def container_refusal(state: EmulatorState, node: str, values: dict[str, str]) -> Response | None:
    media_type = values.get("media_type", "TEXT").upper()
    text = values.get("text", "")
    if media_type not in MEDIA_TYPES:
        return meta_error(400, f"(#100) media_type must be one of {', '.join(MEDIA_TYPES)}", 100)
    if len(text) > THREADS_TEXT_MAX:
        return meta_error(
            400, f"The text is longer than {THREADS_TEXT_MAX} characters.", 100, subcode=4279009
        )
    if media_type == "TEXT" and not text:
        return meta_error(400, "(#100) The parameter text is required", 100)
    if media_type == "IMAGE":
        url = values.get("image_url", "")
        if not url or not is_threads_image(url):
            return meta_error(400, "Only JPEG and PNG images are supported.", 100, subcode=2207052)
    if media_type == "VIDEO" and not values.get("video_url", "").startswith(
        ("http://", "https://")
    ):
        return meta_error(400, "(#100) The parameter video_url is required", 100)
    if media_type == "CAROUSEL":
        children = [c for c in values.get("children", "").split(",") if c]
        if not THREADS_CAROUSEL[0] <= len(children) <= THREADS_CAROUSEL[1]:
            return meta_error(400, "A carousel needs between 2 and 20 children.", 100)
        for child in children:
            item = state.containers.get(child)
            if item is None or item.account_id != node or not item.is_carousel_item:
                return meta_error(400, f"Invalid carousel child {child}.", 100)
    reply_to = values.get("reply_to_id")
    if reply_to and not state.post_exists(Platform.THREADS, reply_to):
        return meta_error(400, f"(#100) reply_to_id {reply_to} does not exist", 100)
    return None
