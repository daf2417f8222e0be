"""``/_emulator``: what tests, the demo and the benchmark use to set the emulator up and look
inside it — accounts and tokens, faults, the posts received, the clock, a reset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from icop.emulators.platforms.state import (
    THREADS_LONG_TTL_S,
    X_ACCESS_TTL_S,
    EmulatorState,
    Fault,
    FaultKind,
    FaultScope,
    Post,
)
from icop.platforms import Platform


class AccountIn(BaseModel):
    platform: Platform
    account_id: str | None = None
    name: str | None = None
    owner: str = "default"
    page_id: str | None = Field(default=None, description="Instagram: the linked Facebook Page.")
    publishing_limit: int | None = Field(
        default=None,
        description="Instagram/Threads: posts per 24 h. X: create calls per 15 minutes.",
    )
    daily_limit: int | None = Field(default=None, description="X: create calls per 24 h.")
    token_ttl_s: int | None = Field(
        default=None, description="Access token lifetime; unset: the platform's own."
    )
    scopes: list[str] = Field(default_factory=list)


class FaultIn(BaseModel):
    platform: Platform
    kind: FaultKind
    account_id: str | None = None
    on: FaultScope = "any"
    count: int | None = None
    probability: float | None = Field(default=None, ge=0, le=1)
    reset_s: int = Field(default=60, description="rate_limit: seconds until the window resets.")
    delay_s: float = Field(default=30.0, description="timeout: seconds before the answer.")


class ClockIn(BaseModel):
    advance_s: float


def iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(epoch, UTC).isoformat() if epoch is not None else None


def post_json(post: Post) -> dict[str, Any]:
    return {
        "platform": post.platform.value,
        "account_id": post.account_id,
        "id": post.post_id,
        "text": post.text,
        "created_at": iso(post.created_at),
        "media": list(post.media),
        "reply_to": post.reply_to,
        "link": post.link,
        "topic_tag": post.topic_tag,
        "kind": post.kind,
    }


def default_ttl(platform: Platform) -> int | None:
    return {Platform.X: X_ACCESS_TTL_S, Platform.THREADS: THREADS_LONG_TTL_S}.get(platform)


def admin_router(state: EmulatorState) -> APIRouter:
    router = APIRouter(prefix="/_emulator", tags=["emulator"])

    @router.post("/accounts")
    async def create_account(body: AccountIn) -> dict[str, Any]:
        account = state.add_account(
            body.platform,
            account_id=body.account_id,
            name=body.name,
            owner=body.owner,
            page_id=body.page_id,
            publishing_limit=body.publishing_limit,
            daily_limit=body.daily_limit,
            token_ttl_s=body.token_ttl_s,
        )
        ttl = body.token_ttl_s if body.token_ttl_s is not None else default_ttl(body.platform)
        token = state.issue_token(
            body.platform,
            owner=account.owner,
            account_ids=frozenset({account.account_id}),
            ttl_s=ttl,
            scopes=tuple(body.scopes),
            refreshable=body.platform is Platform.X,
        )
        return {
            "platform": account.platform.value,
            "account_id": account.account_id,
            "name": account.name,
            "access_token": token.value,
            "refresh_token": token.refresh_token,
            "expires_at": iso(token.expires_at),
        }

    @router.post("/faults")
    async def add_fault(body: FaultIn) -> dict[str, Any]:
        fault = state.add_fault(Fault(fault_id=len(state.faults) + 1, **body.model_dump()))
        return {"id": fault.fault_id, "count": fault.count, "probability": fault.probability}

    @router.get("/faults")
    async def list_faults() -> dict[str, Any]:
        with state.lock:
            return {
                "data": [
                    {
                        "id": f.fault_id,
                        "platform": f.platform.value,
                        "kind": f.kind,
                        "account_id": f.account_id,
                        "on": f.on,
                        "count": f.count,
                        "probability": f.probability,
                        "fired": f.fired,
                    }
                    for f in state.faults
                ]
            }

    @router.delete("/faults")
    async def clear_faults() -> dict[str, Any]:
        with state.lock:
            state.faults.clear()
        return {"ok": True}

    @router.get("/posts")
    async def list_posts(
        platform: Platform | None = Query(default=None),
        account_id: str | None = Query(default=None),
    ) -> dict[str, Any]:
        posts = state.posts_of(platform, account_id)
        return {"data": [post_json(post) for post in posts], "count": len(posts)}

    @router.post("/clock")
    async def advance_clock(body: ClockIn) -> dict[str, Any]:
        state.advance(body.advance_s)
        return {"now": iso(state.now())}

    @router.post("/reset")
    async def reset() -> dict[str, Any]:
        state.reset()
        return {"ok": True}

    return router
