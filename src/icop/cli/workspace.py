"""The principal CLI commands act as: the owner of ``--tenant``, or of the home's local
workspace tenant (created on first use with a few reference documents, so research can cite
something offline)."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth import service as auth
from icop.auth.principal import Principal, PrincipalKind
from icop.auth.service import ClientInfo
from icop.auth.tokens import TokenService
from icop.cli.common import fail
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.embeddings import default_embedder
from icop.knowledge import service as knowledge
from icop.knowledge.config import KnowledgeConfig
from icop.models import Role
from icop.users.repository import UserRepository

WORKSPACE_FILE = "local-workspace.json"
WORKSPACE_KNOWLEDGE = Path(__file__).with_name("workspace_knowledge")


def _save_workspace(path: Path, tenant_id: UUID, user_id: UUID) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"tenant_id": str(tenant_id), "user_id": str(user_id)}))


def saved_workspace_tenant(current: Settings) -> UUID | None:
    """The local workspace's tenant if this home has one (None: never created), for commands
    that only read and so have no reason to create it."""
    path: Path = current.home / WORKSPACE_FILE
    if not path.exists():
        return None
    return UUID(json.loads(path.read_text())["tenant_id"])


async def workspace(
    current: Settings, sessionmaker: async_sessionmaker[AsyncSession], tenant: UUID | None
) -> Principal:
    """The principal the CLI acts as: the owner of ``tenant`` or of the local workspace."""
    path: Path = current.home / WORKSPACE_FILE
    if tenant is None and await asyncio.to_thread(path.exists):
        saved = json.loads(await asyncio.to_thread(path.read_text))
        return Principal(
            kind=PrincipalKind.USER,
            tenant_id=UUID(saved["tenant_id"]),
            role=Role.OWNER,
            user_id=UUID(saved["user_id"]),
        )
    if tenant is not None:
        async with unit_of_work(sessionmaker, tenant) as session:
            owners = [
                u
                for u in await UserRepository(session).list(limit=200, offset=0)
                if u.role == Role.OWNER.value
            ]
        if not owners:
            raise fail(f"no tenant {tenant} (or it has no owner)")
        return Principal(
            kind=PrincipalKind.USER, tenant_id=tenant, role=Role.OWNER, user_id=owners[0].id
        )
    async with unit_of_work(sessionmaker, None) as session:
        # A password nobody knows: the workspace is used through the CLI (or reset it).
        pair = await auth.signup(
            session,
            TokenService.from_settings(current),
            email="workspace@local.icop.dev",
            password=secrets.token_urlsafe(24),
            company_name="Local workspace",
            display_name=None,
            client=ClientInfo(user_agent="icop-cli"),
        )
    await asyncio.to_thread(_save_workspace, path, pair.tenant_id, pair.user_id)
    principal = Principal(
        kind=PrincipalKind.USER, tenant_id=pair.tenant_id, role=Role.OWNER, user_id=pair.user_id
    )
    # A new workspace starts with a few reference documents, so research has something to cite
    # offline (no web search is configured on a fresh machine).
    await add_sources(current, sessionmaker, principal, sorted(WORKSPACE_KNOWLEDGE.glob("*.md")))
    return principal


async def add_sources(
    current: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    paths: list[Path],
) -> None:
    """Add text/markdown files to the tenant's knowledge store (research cites them)."""
    embedder = default_embedder(current)
    config = KnowledgeConfig.from_settings(current)
    for source in paths:
        text = await asyncio.to_thread(source.read_text, encoding="utf-8")
        prepared = await knowledge.prepare(
            embedder, config, title=source.stem.replace("-", " "), text=text, source_kind="file"
        )
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            await knowledge.store(session, principal, prepared)
