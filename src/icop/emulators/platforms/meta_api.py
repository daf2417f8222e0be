"""Emulated Graph API: Facebook Pages, Instagram content publishing and Facebook Login.

Served under ``/graph.facebook.com/{version}`` and ``/www.facebook.com/{version}/dialog/oauth``
with the real paths, parameters, answers and error envelopes (see the client modules for the
documentation pages each shape comes from).
"""

from __future__ import annotations

import json
import math
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from icop.emulators.platforms import common
from icop.emulators.platforms.common import meta_error
from icop.emulators.platforms.state import (
    DAY_S,
    META_LONG_TTL_S,
    META_SHORT_TTL_S,
    AuthCode,
    Container,
    EmulatorState,
    Fault,
    Operation,
    Post,
    Token,
)
from icop.platforms import Platform

IG_CAPTION_MAX = 2_200
IG_HASHTAGS_MAX = 30
IG_CAROUSEL = (2, 10)


def graph_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def is_jpeg_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".jpg", ".jpeg"))


class GraphAuth:
    """Token checks in the Graph API's own words."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def token(
        self, request: Request, values: dict[str, str]
    ) -> tuple[Token | None, Response | None]:
        value = common.bearer(request, values)
        if not value:
            return None, meta_error(
                400, "An active access token must be used to query information.", 2500
            )
        token = self.state.token(value)
        if token is None:
            return None, meta_error(
                400, "Invalid OAuth access token - Cannot parse access token", 190, subcode=467
            )
        if self.state.expired(token):
            return None, meta_error(
                400, "Error validating access token: Session has expired.", 190, subcode=463
            )
        return token, None

    def account(
        self, request: Request, values: dict[str, str], platform: Platform, node: str
    ) -> tuple[Token | None, Response | None]:
        token, problem = self.token(request, values)
        if problem is not None or token is None:
            return None, problem
        if self.state.account(platform, node) is None:
            return None, unsupported(request.method, node)
        if not self.state.covers(token, platform, node):
            return None, meta_error(403, "(#200) Permissions error", 200, type_="OAuthException")
        return token, None


def unsupported(method: str, node: str) -> Response:
    return meta_error(
        400,
        f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist, cannot "
        "be loaded due to missing permissions, or does not support this operation.",
        100,
        type_="GraphMethodException",
        subcode=33,
    )


def before(
    state: EmulatorState, platform: Platform, account_id: str, token: Token, op: Operation
) -> tuple[Fault | None, Response | None]:
    fault = state.take_fault(platform, account_id, op)
    if fault is None:
        return None, None
    return fault, common.fault_meta(state, fault, token.value, account_id)


def usage_headers(state: EmulatorState, platform: Platform, account_id: str) -> dict[str, str]:
    account = state.account(platform, account_id)
    limit = (account.publishing_limit if account else None) or state.ig_default_limit
    used = len(state.published_in_window(platform, account_id))
    return common.buc_header(
        account_id,
        percent=min(100.0, 100 * used / max(limit, 1)),
        regain_min=0,
        kind="instagram" if platform is Platform.INSTAGRAM else "pages",
    )


def recent(
    state: EmulatorState,
    platform: Platform,
    node: str,
    values: dict[str, str],
    text_key: str,
    time_key: str,
    *,
    replies: bool = False,
) -> dict[str, Any]:
    """An account's posts, newest first. Threads lists replies on their own edge
    (``/replies``), every other edge leaves them out."""
    since = float(values.get("since") or 0)
    until = float(values.get("until") or "inf")
    limit = int(values.get("limit") or 25)
    posts = [
        post
        for post in state.posts_of(platform, node)
        # Graph times are whole seconds, and so are the bounds' comparisons.
        if since <= post.created_at
        and math.floor(post.created_at) <= until
        and bool(post.reply_to) == replies
    ]
    posts.sort(key=lambda post: (post.created_at, post.post_id), reverse=True)
    data = []
    for post in posts[:limit]:
        item: dict[str, Any] = {
            "id": post.post_id,
            text_key: post.text,
            time_key: graph_time(post.created_at),
        }
        if post.reply_to:
            item["replied_to"] = {"id": post.reply_to}
        data.append(item)
    return {
        "data": data,
        "paging": {"cursors": {"before": "emu", "after": "emu"}},
    }


def graph_router(state: EmulatorState) -> APIRouter:
    router = APIRouter()
    auth = GraphAuth(state)

    # --- Facebook Login -------------------------------------------------------------------------
    @router.get("/www.facebook.com/{version}/dialog/oauth")
    async def dialog(request: Request) -> Response:
        q = request.query_params
        if not q.get("client_id") or not q.get("redirect_uri"):
            return JSONResponse({"error": "client_id and redirect_uri are required"}, 400)
        code = f"fbc-{secrets.token_urlsafe(12)}"
        state.codes[code] = AuthCode(
            provider="meta",
            owner=q.get("emulator_user", "default"),
            client_id=q["client_id"],
            redirect_uri=q["redirect_uri"],
            code_challenge=None,
            scopes=tuple(q.get("scope", "").split(",")),
            expires_at=state.now() + 600,
        )
        return redirect_with(q["redirect_uri"], code=code, state=q.get("state", ""))

    @router.get("/graph.facebook.com/{version}/oauth/access_token")
    async def access_token(request: Request) -> Response:
        q = request.query_params
        if not q.get("client_id") or not q.get("client_secret"):
            return meta_error(400, "Missing client_id or client_secret parameter.", 101)
        if q.get("grant_type") == "fb_exchange_token":
            short = state.token(q.get("fb_exchange_token"))
            if short is None or short.platform != "meta_user" or state.expired(short):
                return meta_error(400, "Error validating access token.", 190, subcode=467)
            token = state.issue_token(
                "meta_user", owner=short.owner, ttl_s=META_LONG_TTL_S, scopes=short.scopes
            )
            return JSONResponse(token_body(token.value, META_LONG_TTL_S))
        code = state.codes.pop(q.get("code", ""), None)
        if code is None or code.provider != "meta" or code.expires_at < state.now():
            return meta_error(400, "This authorization code has been used.", 100, subcode=36009)
        if code.redirect_uri != q.get("redirect_uri") or code.client_id != q.get("client_id"):
            return meta_error(
                400,
                "Error validating verification code. Please make sure your "
                "redirect_uri is identical to the one you used.",
                100,
                subcode=36008,
            )
        token = state.issue_token(
            "meta_user", owner=code.owner, ttl_s=META_SHORT_TTL_S, scopes=code.scopes
        )
        return JSONResponse(token_body(token.value, META_SHORT_TTL_S))

    @router.get("/graph.facebook.com/{version}/me/accounts")
    async def me_accounts(request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.token(request, values)
        if problem is not None or token is None:
            return problem or unsupported("get", "me")
        if token.platform != "meta_user":
            return meta_error(400, "(#100) Tried accessing nonexisting field (accounts)", 100)
        pages = state.owned(Platform.FACEBOOK, token.owner)
        if not pages:
            # A fresh emulator still lets a demo connect: the login "manages" one Page with an
            # Instagram business account.
            page = state.add_account(Platform.FACEBOOK, owner=token.owner, name="Emulated Page")
            state.add_account(
                Platform.INSTAGRAM,
                owner=token.owner,
                page_id=page.account_id,
                name="emulated_instagram",
            )
            pages = [page]
        data = []
        for page in pages:
            page_token = state.issue_token(
                Platform.FACEBOOK,
                owner=token.owner,
                account_ids=frozenset({page.account_id}),
                ttl_s=None,
                scopes=token.scopes,
            )
            entry: dict[str, Any] = {
                "id": page.account_id,
                "name": page.name,
                "access_token": page_token.value,
                "category": "Media",
                "tasks": ["CREATE_CONTENT", "MANAGE"],
            }
            linked = [
                ig
                for ig in state.owned(Platform.INSTAGRAM, token.owner)
                if ig.page_id == page.account_id
            ]
            if linked:
                entry["instagram_business_account"] = {
                    "id": linked[0].account_id,
                    "username": linked[0].name,
                }
            data.append(entry)
        return JSONResponse({"data": data, "paging": {"cursors": {"before": "e", "after": "e"}}})

    # --- Facebook Pages -------------------------------------------------------------------------
    @router.post("/graph.facebook.com/{version}/{node}/feed")
    async def feed(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.FACEBOOK, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.FACEBOOK, node, token, "create")
        if failed is not None:
            return failed
        message, link = values.get("message", ""), values.get("link")
        attached = []
        for key in sorted(k for k in values if k.startswith("attached_media[")):
            try:
                fbid = str(json.loads(values[key])["media_fbid"])
            except (ValueError, KeyError, TypeError):
                return meta_error(400, f"(#100) Invalid parameter {key}", 100)
            if fbid not in state.media:
                return meta_error(400, f"(#100) media_fbid {fbid} is not a photo of this Page", 100)
            attached.append(state.media.pop(fbid))
        if not message and not link and not attached:
            return meta_error(400, "(#100) Missing message or attachment", 100)
        post = state.add_post(
            Post(
                platform=Platform.FACEBOOK,
                account_id=node,
                post_id=f"{node}_{state.new_id()}",
                text=message,
                created_at=state.now(),
                media=tuple(attached),
                link=link,
                kind="PHOTOS" if attached else ("LINK" if link else "TEXT"),
            )
        )
        response = JSONResponse(
            {"id": post.post_id}, headers=usage_headers(state, Platform.FACEBOOK, node)
        )
        return await common.after(fault, response)

    @router.post("/graph.facebook.com/{version}/{node}/photos")
    async def photos(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.FACEBOOK, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        published = values.get("published", "true").lower() != "false"
        fault, failed = before(
            state, Platform.FACEBOOK, node, token, "create" if published else "upload"
        )
        if failed is not None:
            return failed
        url = values.get("url", "")
        if not url.startswith(("http://", "https://")):
            return meta_error(400, "(#324) Requires upload file", 324)
        photo_id = state.new_id()
        if not published:
            state.media[photo_id] = url
            return await common.after(fault, JSONResponse({"id": photo_id}))
        post = state.add_post(
            Post(
                platform=Platform.FACEBOOK,
                account_id=node,
                post_id=f"{node}_{photo_id}",
                text=values.get("caption") or values.get("message") or "",
                created_at=state.now(),
                media=(url,),
                kind="PHOTO",
            )
        )
        response = JSONResponse(
            {"id": photo_id, "post_id": post.post_id},
            headers=usage_headers(state, Platform.FACEBOOK, node),
        )
        return await common.after(fault, response)

    @router.get("/graph.facebook.com/{version}/{node}/posts")
    @router.get("/graph.facebook.com/{version}/{node}/feed")
    async def page_posts(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.FACEBOOK, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        fault, failed = before(state, Platform.FACEBOOK, node, token, "read")
        if failed is not None:
            return failed
        body = recent(state, Platform.FACEBOOK, node, values, "message", "created_time")
        return await common.after(fault, JSONResponse(body))

    # --- Instagram ------------------------------------------------------------------------------
    @router.post("/graph.facebook.com/{version}/{node}/media")
    async def ig_container(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.INSTAGRAM, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.INSTAGRAM, node, token, "container")
        if failed is not None:
            return failed
        caption = values.get("caption", "")
        if len(caption) > IG_CAPTION_MAX:
            return meta_error(
                400,
                f"The caption is longer than {IG_CAPTION_MAX} characters.",
                100,
                subcode=2207003,
            )
        if len(re.findall(r"#\w+", caption)) > IG_HASHTAGS_MAX:
            return meta_error(
                400,
                f"A caption may contain at most {IG_HASHTAGS_MAX} hashtags.",
                100,
                subcode=2207003,
            )
        media_type = values.get("media_type", "IMAGE").upper()
        children: tuple[str, ...] = ()
        image_url = values.get("image_url")
        if media_type == "CAROUSEL":
            children = tuple(c for c in values.get("children", "").split(",") if c)
            if not IG_CAROUSEL[0] <= len(children) <= IG_CAROUSEL[1]:
                return meta_error(
                    400, "A carousel needs between 2 and 10 children.", 100, subcode=2207004
                )
            for child in children:
                item = state.containers.get(child)
                if item is None or item.account_id != node or not item.is_carousel_item:
                    return meta_error(400, f"Invalid carousel child {child}.", 100, subcode=2207004)
        elif media_type == "REELS":
            return await reel_container(node, values, request, fault)
        elif media_type == "IMAGE":
            if not image_url:
                return meta_error(400, "(#100) The parameter image_url is required", 100)
            if not is_jpeg_url(image_url):
                return meta_error(400, "Only JPEG images are supported.", 9004, subcode=2207052)
        else:
            return meta_error(400, f"(#100) media_type {media_type} is not supported here", 100)
        container = Container(
            platform=Platform.INSTAGRAM,
            account_id=node,
            container_id=state.new_id(),
            media_type=media_type,
            text=caption,
            created_at=state.now(),
            image_url=image_url,
            children=children,
            is_carousel_item=values.get("is_carousel_item") == "true",
            polls_until_finished=state.ig_polls_until_finished,
        )
        state.containers[container.container_id] = container
        return await common.after(fault, JSONResponse({"id": container.container_id}))

    async def reel_container(
        node: str, values: dict[str, str], request: Request, fault: Fault | None
    ) -> Response:
        """A Reels container: ``upload_type=resumable`` waits for its bytes on the rupload
        host (the answer carries that ``uri``); otherwise the ``video_url`` is "fetched"."""
        resumable = values.get("upload_type") == "resumable"
        if not resumable and not values.get("video_url", "").startswith(("http://", "https://")):
            return meta_error(400, "(#100) The parameter video_url is required", 100)
        video = state.add_video(
            Platform.INSTAGRAM, node, source_url=None if resumable else values["video_url"]
        )
        if not resumable:
            state.fail_processing(Platform.INSTAGRAM, node, video)
        container = Container(
            platform=Platform.INSTAGRAM,
            account_id=node,
            container_id=state.new_id(),
            media_type="REELS",
            text=values.get("caption", ""),
            created_at=state.now(),
            image_url=values.get("cover_url"),
            video_id=video.video_id,
        )
        state.containers[container.container_id] = container
        body = {"id": container.container_id}
        if resumable:
            version = request.path_params.get("version", "v21.0")
            base = str(request.base_url).rstrip("/")
            body["uri"] = (
                f"{base}/rupload.facebook.com/ig-api-upload/{version}/{container.container_id}"
            )
        return await common.after(fault, JSONResponse(body))

    @router.post("/graph.facebook.com/{version}/{node}/media_publish")
    async def ig_publish(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.INSTAGRAM, node)
        if problem is not None or token is None:
            return problem or unsupported("post", node)
        fault, failed = before(state, Platform.INSTAGRAM, node, token, "create")
        if failed is not None:
            return failed
        refused = publish_refusal(state, Platform.INSTAGRAM, node, values.get("creation_id"))
        if refused is not None:
            return refused
        container = state.containers[values["creation_id"]]
        post = publish_container(state, container)
        response = JSONResponse(
            {"id": post.post_id}, headers=usage_headers(state, Platform.INSTAGRAM, node)
        )
        return await common.after(fault, response)

    @router.get("/graph.facebook.com/{version}/{node}/media")
    async def ig_media(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.INSTAGRAM, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        fault, failed = before(state, Platform.INSTAGRAM, node, token, "read")
        if failed is not None:
            return failed
        body = recent(state, Platform.INSTAGRAM, node, values, "caption", "timestamp")
        return await common.after(fault, JSONResponse(body))

    @router.get("/graph.facebook.com/{version}/{node}/content_publishing_limit")
    async def ig_limit(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.account(request, values, Platform.INSTAGRAM, node)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        return JSONResponse(limit_body(state, Platform.INSTAGRAM, node))

    @router.get("/graph.facebook.com/{version}/{node}")
    async def ig_container_status(node: str, request: Request) -> Response:
        values = await common.params(request)
        token, problem = auth.token(request, values)
        if problem is not None or token is None:
            return problem or unsupported("get", node)
        container = state.containers.get(node)
        if container is None or container.platform is not Platform.INSTAGRAM:
            return unsupported("get", node)
        if not state.covers(token, Platform.INSTAGRAM, container.account_id):
            return meta_error(403, "(#200) Permissions error", 200)
        status = container_status(state, container)
        return JSONResponse({"id": node, "status_code": status, "status": status_text(status)})

    return router


def redirect_with(redirect_uri: str, **query: str) -> Response:
    joiner = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{joiner}{urlencode(query)}", status_code=302)


def token_body(value: str, ttl_s: int) -> dict[str, Any]:
    return {"access_token": value, "token_type": "bearer", "expires_in": ttl_s}


def video_ref(video_id: str) -> str:
    """Where the admin API serves a video's bytes (what a post's ``media`` lists)."""
    return f"/_emulator/videos/{video_id}"


def container_status(state: EmulatorState, container: Container) -> str:
    with state.lock:
        if container.published_id is not None:
            return "PUBLISHED"
        video = state.videos.get(container.video_id or "")
        if video is not None:
            if video.error:
                container.error = video.error
                return "ERROR"
            return video.status(state.now())
        if container.error:
            return "ERROR"
        if state.now() - container.created_at > DAY_S:
            return "EXPIRED"
        if container.polls_until_finished > 0:
            container.polls_until_finished -= 1
            return "IN_PROGRESS"
        return "FINISHED"


def status_text(status: str) -> str:
    return {
        "IN_PROGRESS": "In Progress: Media is still being processed.",
        "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
        "PUBLISHED": "Published: Media has been published.",
        "EXPIRED": "Expired: Media was not published within 24 hours.",
    }.get(status, "Error: Media could not be processed.")


def limit_body(state: EmulatorState, platform: Platform, account_id: str) -> dict[str, Any]:
    account = state.account(platform, account_id)
    default = (
        state.ig_default_limit if platform is Platform.INSTAGRAM else state.threads_default_limit
    )
    total = (account.publishing_limit if account else None) or default
    used = len([p for p in state.published_in_window(platform, account_id) if not p.reply_to])
    return {
        "data": [{"quota_usage": used, "config": {"quota_total": total, "quota_duration": DAY_S}}]
    }


def publish_refusal(
    state: EmulatorState, platform: Platform, account_id: str, creation_id: str | None
) -> Response | None:
    """Why ``media_publish``/``threads_publish`` refuses this container, if it does."""
    container = state.containers.get(creation_id or "")
    if container is None or container.account_id != account_id or container.is_carousel_item:
        return meta_error(
            400, "(#100) Param creation_id must be a valid media container id", 100, subcode=2207027
        )
    if container.published_id is not None:
        return meta_error(
            400, "The media container has already been published.", 100, subcode=2207051
        )
    if state.now() - container.created_at > DAY_S:
        return meta_error(400, "The media container has expired.", 100, subcode=2207008)
    video = state.videos.get(container.video_id or "")
    if container.polls_until_finished > 0 or (
        video is not None and video.status(state.now()) != "FINISHED"
    ):
        return meta_error(400, "Media ID is not available", 9007, subcode=2207027)
    if platform is Platform.THREADS and container.reply_to:
        return None
    used = [p for p in state.published_in_window(platform, account_id) if not p.reply_to]
    account = state.account(platform, account_id)
    default = (
        state.ig_default_limit if platform is Platform.INSTAGRAM else state.threads_default_limit
    )
    total = (account.publishing_limit if account else None) or default
    if len(used) >= total:
        oldest = min(post.created_at for post in used)
        wait_s = oldest + DAY_S - state.now()
        return meta_error(
            400,
            "Application request limit reached",
            9,
            subcode=2207042,
            headers=common.buc_header(
                account_id, percent=100, regain_min=common.regain_minutes(wait_s), kind="instagram"
            ),
        )
    return None


def publish_container(state: EmulatorState, container: Container) -> Post:
    with state.lock:
        if container.children:
            media = tuple(state.containers[child].image_url or "" for child in container.children)
        elif container.video_id is not None:
            media = (video_ref(container.video_id),)
        else:
            media = (container.image_url,) if container.image_url else ()
        post = state.add_post(
            Post(
                platform=container.platform,
                account_id=container.account_id,
                post_id=state.new_id(),
                text=container.text,
                created_at=state.now(),
                media=media,
                reply_to=container.reply_to,
                topic_tag=container.topic_tag,
                kind=container.media_type,
            )
        )
        container.published_id = post.post_id
        return post
