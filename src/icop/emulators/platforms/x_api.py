"""Emulated X API v2 (``/api.x.com``) and its consent page (``/x.com/i/oauth2/authorize``).

Limits as X documents them: 280 weighted characters (the twitter-text weighting of
``icop.platforms.validation.weighted_length``), a duplicate text refused with 403, up to four
images of at most 5 MB, per-user fixed 15-minute windows reported in ``x-rate-limit-*`` (and a
daily cap in ``x-user-limit-24hour-*`` when the account has one), 2-hour access tokens, refresh
tokens only with ``offline.access``, and PKCE S256 checked on the code exchange.
"""

from __future__ import annotations

import base64
import math
import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from icop.emulators.platforms import common
from icop.emulators.platforms.common import x_invalid, x_problem
from icop.emulators.platforms.meta_api import redirect_with
from icop.emulators.platforms.state import (
    DAY_S,
    X_ACCESS_TTL_S,
    X_WINDOW_S,
    AuthCode,
    EmulatorState,
    Fault,
    Operation,
    Post,
    Token,
)
from icop.platforms import Platform
from icop.platforms.validation import weighted_length
from icop.syndication.platforms.oauth import pkce_challenge

X_TEXT_MAX = 280
X_MEDIA_MAX = 4
X_IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


def x_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_x_time(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def unauthorized() -> Response:
    return x_problem(401, "Unauthorized", "Unauthorized")


def x_router(state: EmulatorState) -> APIRouter:
    router = APIRouter()
    api = "/api.x.com"

    def authenticate(request: Request) -> tuple[Token | None, Response | None]:
        token = state.token(common.bearer(request))
        if token is None or token.platform is not Platform.X or state.expired(token):
            return None, unauthorized()
        return token, None

    def fault_for(token: Token, op: Operation) -> tuple[Fault | None, Response | None]:
        user = next(iter(token.account_ids), None)
        fault = state.take_fault(Platform.X, user, op)
        if fault is None:
            return None, None
        return fault, common.fault_x(state, fault, token.value)

    @router.get("/x.com/i/oauth2/authorize")
    async def authorize(request: Request) -> Response:
        q = request.query_params
        missing = [
            name for name in ("client_id", "redirect_uri", "code_challenge") if not q.get(name)
        ]
        if missing or q.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request", "missing": missing}, 400)
        if q.get("code_challenge_method") != "S256":
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "code_challenge_method must be S256",
                },
                400,
            )
        code = f"xc-{secrets.token_urlsafe(12)}"
        state.codes[code] = AuthCode(
            provider="x",
            owner=q.get("emulator_user", "default"),
            client_id=q["client_id"],
            redirect_uri=q["redirect_uri"],
            code_challenge=q["code_challenge"],
            scopes=tuple(q.get("scope", "").split()),
            expires_at=state.now() + 30,
        )
        return redirect_with(q["redirect_uri"], code=code, state=q.get("state", ""))

    @router.post(f"{api}/2/oauth2/token")
    async def token_endpoint(request: Request) -> Response:
        values = await common.params(request)
        client_id = values.get("client_id") or basic_user(request.headers.get("authorization"))
        if not client_id:
            return oauth_error("unauthorized_client", "Missing valid authorization header")
        grant_type = values.get("grant_type")
        if grant_type == "refresh_token":
            token = state.rotate_refresh(values.get("refresh_token", ""), ttl_s=X_ACCESS_TTL_S)
            if token is None:
                return oauth_error("invalid_request", "Value passed for the token was invalid.")
            return JSONResponse(x_token_body(token))
        if grant_type != "authorization_code":
            return oauth_error("invalid_request", "Missing required parameter [grant_type].")
        code = state.codes.pop(values.get("code", ""), None)
        if code is None or code.provider != "x" or code.expires_at < state.now():
            return oauth_error(
                "invalid_request", "Value passed for the authorization code was invalid."
            )
        verifier = values.get("code_verifier", "")
        if not verifier or pkce_challenge(verifier) != code.code_challenge:
            return oauth_error("invalid_request", "Value passed for the code verifier was invalid.")
        if code.redirect_uri != values.get("redirect_uri") or code.client_id != client_id:
            return oauth_error(
                "invalid_request", "Value passed for the redirect uri or client was invalid."
            )
        accounts = state.owned(Platform.X, code.owner)
        account = (
            accounts[0]
            if accounts
            else state.add_account(Platform.X, owner=code.owner, name=f"{code.owner}_x")
        )
        token = state.issue_token(
            Platform.X,
            owner=code.owner,
            account_ids=frozenset({account.account_id}),
            ttl_s=account.token_ttl_s or X_ACCESS_TTL_S,
            scopes=code.scopes,
            refreshable="offline.access" in code.scopes,
        )
        return JSONResponse(x_token_body(token))

    @router.get(f"{api}/2/users/me")
    async def users_me(request: Request) -> Response:
        token, problem = authenticate(request)
        if problem is not None or token is None:
            return problem or unauthorized()
        account = state.account(Platform.X, next(iter(token.account_ids), ""))
        if account is None:
            return unauthorized()
        return JSONResponse(
            {"data": {"id": account.account_id, "name": account.name, "username": account.name}}
        )

    @router.post(f"{api}/2/media/upload")
    async def upload(request: Request) -> Response:
        token, problem = authenticate(request)
        if problem is not None or token is None:
            return problem or unauthorized()
        fault, failed = fault_for(token, "upload")
        if failed is not None:
            return failed
        form = await request.form()
        media = form.get("media")
        content: bytes | None = None
        if isinstance(media, str):
            content = base64.b64decode(media)
        elif media is not None:
            content = await media.read()
        if not content:
            return x_invalid("The media field is required.", "media")
        if len(content) > X_IMAGE_MAX_BYTES:
            return x_invalid("Images may be at most 5 MB.", "media")
        kind = next((m for magic, m in IMAGE_MAGIC.items() if content.startswith(magic)), None)
        if kind is None:
            return x_invalid("Unsupported image format.", "media")
        media_id = state.new_id()
        state.media[f"x:{media_id}"] = next(iter(token.account_ids), "")
        body = {
            "data": {
                "id": media_id,
                "media_key": f"3_{media_id}",
                "size": len(content),
                "expires_after_secs": DAY_S,
                "image": {"image_type": kind},
            }
        }
        return await common.after(fault, JSONResponse(body))

    @router.post(f"{api}/2/media/metadata")
    async def metadata(request: Request) -> Response:
        token, problem = authenticate(request)
        if problem is not None or token is None:
            return problem or unauthorized()
        body = await request.json()
        media_id = str(body.get("id", "")) if isinstance(body, dict) else ""
        if f"x:{media_id}" not in state.media:
            return x_invalid("Unknown media id.", "id")
        return JSONResponse(
            {"data": {"id": media_id, "associated_metadata": body.get("metadata", {})}}
        )

    @router.post(f"{api}/2/tweets")
    async def create_tweet(request: Request) -> Response:
        token, problem = authenticate(request)
        if problem is not None or token is None:
            return problem or unauthorized()
        user = next(iter(token.account_ids), "")
        account = state.account(Platform.X, user)
        limit = (account.publishing_limit if account else None) or state.x_default_window_limit
        with state.lock:
            window = state.count_window(("x", user), X_WINDOW_S)
            window.count += 1
            headers = {
                "x-rate-limit-limit": str(limit),
                "x-rate-limit-remaining": str(max(0, limit - window.count)),
                # Rounded up: a client that waits until the header's second must find the
                # window reset, not a few hundred milliseconds short of it.
                "x-rate-limit-reset": str(math.ceil(window.start + X_WINDOW_S)),
            }
            over = window.count > limit
            if account is not None and account.daily_limit:
                day = state.count_window(("x-day", user), DAY_S)
                day.count += 1
                headers |= {
                    "x-user-limit-24hour-limit": str(account.daily_limit),
                    "x-user-limit-24hour-remaining": str(max(0, account.daily_limit - day.count)),
                    "x-user-limit-24hour-reset": str(math.ceil(day.start + DAY_S)),
                }
                over = over or day.count > account.daily_limit
        if over:
            return x_problem(429, "Too Many Requests", "Too Many Requests", headers=headers)
        fault, failed = fault_for(token, "create")
        if failed is not None:
            return failed
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return x_invalid("The request body must be a JSON object.", "body")
        refused = tweet_refusal(state, user, body)
        if refused is not None:
            return refused
        reply = body.get("reply") or {}
        media_ids = tuple((body.get("media") or {}).get("media_ids") or ())
        for media_id in media_ids:
            state.media.pop(f"x:{media_id}", None)
        post = state.add_post(
            Post(
                platform=Platform.X,
                account_id=user,
                post_id=state.new_id(),
                text=str(body.get("text") or ""),
                created_at=state.now(),
                media=media_ids,
                reply_to=reply.get("in_reply_to_tweet_id"),
                kind=("VIDEO" if any(m in state.videos for m in media_ids) else "MEDIA")
                if media_ids
                else "TEXT",
            )
        )
        data = {"id": post.post_id, "text": post.text, "edit_history_tweet_ids": [post.post_id]}
        return await common.after(fault, JSONResponse({"data": data}, 201, headers=headers))

    @router.get(api + "/2/users/{user_id}/tweets")
    async def user_tweets(user_id: str, request: Request) -> Response:
        token, problem = authenticate(request)
        if problem is not None or token is None:
            return problem or unauthorized()
        fault, failed = fault_for(token, "read")
        if failed is not None:
            return failed
        if state.account(Platform.X, user_id) is None:
            return x_invalid(f"Could not find user with id: [{user_id}].", "id")
        q = request.query_params
        max_results = int(q.get("max_results") or 10)
        if not 5 <= max_results <= 100:
            return x_invalid(
                "The `max_results` query parameter value is not between 5 and 100", "max_results"
            )
        start = parse_x_time(q["start_time"]) if q.get("start_time") else 0.0
        if start is None:
            return x_invalid("Invalid start_time.", "start_time")
        end = parse_x_time(q["end_time"]) if q.get("end_time") else math.inf
        if end is None:
            return x_invalid("Invalid end_time.", "end_time")
        posts = [p for p in state.posts_of(Platform.X, user_id) if start <= p.created_at < end]
        posts.sort(key=lambda p: (p.created_at, int(p.post_id)), reverse=True)
        data = []
        for post in posts[:max_results]:
            item: dict[str, Any] = {
                "id": post.post_id,
                "text": post.text,
                "created_at": x_time(post.created_at),
                "edit_history_tweet_ids": [post.post_id],
            }
            if post.reply_to:
                item["referenced_tweets"] = [{"type": "replied_to", "id": post.reply_to}]
            data.append(item)
        meta: dict[str, Any] = {"result_count": len(data)}
        if data:
            meta |= {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
            return await common.after(fault, JSONResponse({"data": data, "meta": meta}))
        return await common.after(fault, JSONResponse({"meta": meta}))

    return router


def tweet_refusal(state: EmulatorState, user: str, body: dict[str, Any]) -> Response | None:
    text = str(body.get("text") or "")
    media_ids = (body.get("media") or {}).get("media_ids") or []
    if not text and not media_ids:
        return x_invalid("Post text or media is required.", "text")
    if weighted_length(text) > X_TEXT_MAX:
        return x_problem(
            400,
            "Invalid Request",
            f"Post text is too long (weighted {weighted_length(text)} > {X_TEXT_MAX}).",
        )
    if len(media_ids) > X_MEDIA_MAX:
        return x_invalid("A post may have at most 4 images.", "media.media_ids")
    for media_id in media_ids:
        if state.media.get(f"x:{media_id}") != user:
            return x_invalid(f"Your media IDs are invalid: {media_id}", "media.media_ids")
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
    if reply_to and not state.post_exists(Platform.X, str(reply_to)):
        return x_invalid(
            "The post you are replying to is deleted or not visible to you.",
            "reply.in_reply_to_tweet_id",
        )
    if text and any(p.text == text for p in state.posts_of(Platform.X, user)):
        return x_problem(
            403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
        )
    return None


def basic_user(header: str | None) -> str | None:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        user, _, _secret = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None
    return user or None


def oauth_error(error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, 400)


def x_token_body(token: Token) -> dict[str, Any]:
    ttl = int((token.expires_at or 0) - token.issued_at) if token.expires_at else X_ACCESS_TTL_S
    body: dict[str, Any] = {
        "token_type": "bearer",
        "expires_in": ttl,
        "access_token": token.value,
        "scope": " ".join(token.scopes),
    }
    if token.refresh_token:
        body["refresh_token"] = token.refresh_token
    return body
