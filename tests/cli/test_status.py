"""``icop status``: what is down is reported as down; failures and unconfirmed posts of every
tenant are listed (through the audited system listing of tenants)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.articles.repository import ArticleRepository
from icop.cli.status import Report, _collect, _probe, collect_rows
from icop.config import Settings
from icop.db.session import unit_of_work
from icop.models import GeneratedArticle
from tests.helpers import ApiClient


async def test_a_home_with_nothing_running_reports_everything_down(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, home=tmp_path / "home", api_port=1, emulator_port=2)
    report = await _collect(settings, limit=5)
    states = {name: state for name, state, _ in report.services}
    assert states["PostgreSQL"] == "down" and states["Temporal"] == "down"
    assert states["API"] == "down" and states["platform emulator"] == "down"
    assert report.queues == [] and report.workflows == []


async def test_a_local_service_is_up_when_it_answers_and_down_when_its_port_is_closed() -> None:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        assert await _probe(f"http://127.0.0.1:{port}/healthz")
    assert not await _probe(f"http://127.0.0.1:{port}/healthz")


async def test_failures_of_every_tenant_are_listed(
    client: ApiClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for company in ("Status A", "Status B"):
        owner = await client.signup(company)
        article_id = uuid.uuid4()
        async with unit_of_work(sessionmaker, owner.tenant_id) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=owner.tenant_id,
                    topic=f"{company} topic",
                    status="failed",
                    error="every writer failed",
                    workflow_id=f"article-{article_id}",
                )
            )
    report = Report()
    await collect_rows(sessionmaker, report, limit=10)
    failed = {(status, about, error) for _, status, about, error in report.failures}
    assert ("failed", "Status A topic", "every writer failed") in failed
    assert ("failed", "Status B topic", "every writer failed") in failed
