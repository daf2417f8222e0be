"""``icop brand``: learn a brand kit from material, review proposals, kit versions.

Acts for the home's local workspace tenant unless ``--tenant`` names one, through the same
services as the API (``icop.brand``): a proposal is only ever a proposal until accepted; a URL
is fetched with the same guard (public addresses only in production).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.auth.principal import Principal
from icop.brand import proposals, versions
from icop.brand.learning.agent import BrandLearningAgent
from icop.brand.snapshot import KitChange
from icop.cli.common import console, fail, friendly_errors, settings
from icop.cli.workspace import workspace
from icop.config import Settings
from icop.db.engine import create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.embeddings import default_embedder
from icop.llm.registry import build_router, default_providers
from icop.models import BrandKitVersion, BrandProposal, ProposalStatus
from icop.runtime.database import prepare_database

app = typer.Typer(
    help="Brand kit: `icop brand learn --logo F --sample F …`, proposals, accept/reject, "
    "versions, diff, rollback.",
    no_args_is_help=True,
)
TENANT_HELP = "Tenant id (default: the local workspace)."
T = TypeVar("T")
Work = Callable[[Settings, async_sessionmaker[AsyncSession], Principal], Awaitable[T]]


@asynccontextmanager
async def _database(current: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    status = await asyncio.to_thread(prepare_database, current)
    engine = create_engine(
        status.urls.app, current, pool_size=2, max_overflow=0, application_name="icop-cli"
    )
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


def _run(tenant: UUID | None, work: Work[T]) -> T:
    current = settings()

    async def main() -> T:
        async with _database(current) as sessionmaker:
            principal = await workspace(current, sessionmaker, tenant)
            return await work(current, sessionmaker, principal)

    return asyncio.run(main())


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise fail(f"no such file: {path}")
    return path.read_bytes()


@app.command("learn")
@friendly_errors
def learn(
    logo: list[Path] = typer.Option([], "--logo", "--image", help="Logo or image (PNG/JPEG/WebP)."),
    html: list[Path] = typer.Option([], "--html", help="An HTML page or CSS file."),
    url: list[str] = typer.Option([], "--url", help="A public page to fetch now."),
    sample: list[Path] = typer.Option(
        [], "--sample", help="A text sample or past article (.txt, .md, .html)."
    ),
    name: str | None = typer.Option(None, "--name", help="The brand's name."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Propose a kit (palette, fonts, tone, voice) from the given material; nothing changes
    until the proposal is accepted (`icop brand accept ID`)."""
    images = [_read(path) for path in logo]
    pages = [_read(path).decode("utf-8", errors="replace") for path in html]
    samples: list[str] = []
    for path in sample:
        text, page = proposals.read_sample(_read(path), path.name, None)
        samples.append(text)
        if page is not None:
            pages.append(page)

    async def work(
        current: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> BrandProposal:
        with console.status("reading the material…"):
            material, sources = await proposals.gather(
                name=name,
                images=images,
                pages=pages,
                urls=url,
                samples=samples,
                limits=proposals.fetch_limits(current),
            )
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            kit = await proposals.current_snapshot(session, principal.tenant_id)
        router = build_router(current, sessionmaker, default_providers(current))
        try:
            with console.status("learning the brand (colours, fonts, tone)…"):
                agent = BrandLearningAgent(router, default_embedder(current))
                learned = await proposals.learn(agent, material, principal.tenant_id, kit)
        finally:
            await router.aclose()
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            return await proposals.store(
                session,
                principal,
                principal.tenant_id,
                learned,
                trigger="user",
                reason="asked for (CLI)",
                sources=sources,
            )

    stored = _run(tenant, work)
    _print_proposal(stored)
    console.print(f"accept with: icop brand accept {stored.id}")


def _print_proposal(proposal: BrandProposal) -> None:
    kit = proposal.proposal
    console.print(f"[bold]proposal {proposal.id}[/] ({proposal.status}, {proposal.trigger})")
    console.print(
        f"  colours: background {kit['background']}, text {kit['text']}, accent {kit['accent']}"
    )
    palette = ", ".join(f"{entry['hex']} {entry['share']:.0%}" for entry in kit["palette"][:8])
    console.print(f"  palette: {palette or '—'}")
    console.print(
        f"  fonts: {', '.join(kit['declared_fonts']) or '—'} → renderer {kit['font'] or 'default'}"
    )
    tone = kit.get("tone")
    if tone:
        console.print(
            f"  tone: {tone['formality']}, {tone['person'].replace('_', ' ')}, "
            f"~{tone['mean_sentence_words']:.0f} words a sentence"
        )
        console.print(f"  {escape(tone['description'])}", soft_wrap=True)


@app.command("proposals")
@friendly_errors
def list_proposals(
    pending: bool = typer.Option(False, "--pending", help="Only those waiting for a decision."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Proposals, newest first."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> list[BrandProposal]:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            status = ProposalStatus.PENDING if pending else None
            return list(await proposals.list_proposals(session, status=status, limit=50, offset=0))

    found = _run(tenant, work)
    if not found:
        console.print("no proposals")
    for proposal in found:
        _print_proposal(proposal)


@app.command("accept")
@friendly_errors
def accept(
    proposal_id: UUID = typer.Argument(..., help="The proposal to accept."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Make the proposal the kit: a new version."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> BrandKitVersion:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            _proposal, version = await proposals.accept(session, principal, proposal_id, None, None)
            return version

    version = _run(tenant, work)
    console.print(f"accepted: the kit is now version {version.number}")


@app.command("reject")
@friendly_errors
def reject(
    proposal_id: UUID = typer.Argument(..., help="The proposal to reject."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept with the proposal)."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Reject a proposal; the kit stays as it is."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> None:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            await proposals.reject(session, principal, proposal_id, reason)

    _run(tenant, work)
    console.print("rejected")


@app.command("versions")
@friendly_errors
def list_versions(tenant: UUID | None = typer.Option(None, help=TENANT_HELP)) -> None:
    """The kit's versions, newest first: when, why, what changed."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> list[BrandKitVersion]:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            return list(await versions.list_versions(session, limit=100, offset=0))

    found = _run(tenant, work)
    if not found:
        console.print("no versions yet: the default kit applies")
        return
    table = Table("version", "when", "why", "changed", "note")
    for version in found:
        table.add_row(
            str(version.number),
            version.created_at.strftime("%Y-%m-%d %H:%M"),
            version.reason,
            ", ".join(change["field"] for change in version.changes)[:60] or "—",
            escape(version.note or ""),
        )
    console.print(table)


@app.command("diff")
@friendly_errors
def diff(
    first: int = typer.Argument(..., min=1, help="From this version."),
    second: int = typer.Argument(..., min=1, help="To this version."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """What changed between two versions, field by field."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> list[KitChange]:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            return await versions.compare(session, first, second)

    changes = _run(tenant, work)
    if not changes:
        console.print(f"versions {first} and {second} are the same")
    for change in changes:
        console.print(
            f"{change.field}: {escape(json.dumps(change.before))} → "
            f"{escape(json.dumps(change.after))}",
            soft_wrap=True,
        )


@app.command("rollback")
@friendly_errors
def rollback(
    number: int = typer.Argument(..., min=1, help="The version to return to."),
    tenant: UUID | None = typer.Option(None, help=TENANT_HELP),
) -> None:
    """Return to an earlier version (a new version equal to it)."""

    async def work(
        _: Settings, sessionmaker: async_sessionmaker[AsyncSession], principal: Principal
    ) -> BrandKitVersion:
        async with unit_of_work(sessionmaker, principal.tenant_id) as session:
            _kit, version = await versions.rollback(session, principal, number)
            return version

    version = _run(tenant, work)
    console.print(f"rolled back: version {version.number} equals version {number}")
