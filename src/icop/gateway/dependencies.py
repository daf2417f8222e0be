"""Typed dependencies shared by all routers: the request's unit of work, paging, the settings.

The process's clients are created by the composition root (``icop.api``), which keeps them on
``app.state.runtime``; each service declares a narrow dependency for the one client it needs
(``LLMDep`` in ``icop.llm.dependencies``, ``KeyringDep`` in ``icop.credentials.dependencies``
…) over ``process_client``, so a route's signature says what it uses and a test can replace
exactly that with ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.config import Settings
from icop.db.session import unit_of_work
from icop.gateway.ratelimit import RateLimiter


def process_client(request: Request, name: str) -> Any:
    """The client called ``name`` that the composition root made for this process."""
    return getattr(request.app.state.runtime, name)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = process_client(request, "settings")
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """For handlers that open units of work of their own (a long wait must not hold the
    request's connection)."""
    sessionmaker: async_sessionmaker[AsyncSession] = process_client(request, "sessionmaker")
    return sessionmaker


SessionmakerDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]


async def get_session(sessionmaker: SessionmakerDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed after the handler returns and before the
    response is sent (``scope="function"``), so a client never sees a 2xx for lost work."""
    async with unit_of_work(sessionmaker, None) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_rate_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = process_client(request, "rate_limiter")
    return limiter


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]
PageCursor = Annotated[
    str | None,
    Query(
        max_length=200,
        description="The previous page's X-Next-Cursor header: the page after it (keyset).",
    ),
]


async def limit_anonymous(request: Request, limiter: RateLimiterDep) -> None:
    """Per-client-address limit for endpoints callable without credentials."""
    await limiter.check_anonymous(client_address(request))
