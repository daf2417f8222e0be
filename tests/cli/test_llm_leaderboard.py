"""``icop llm leaderboard`` against the real embedded database (committed rows, as the CLI is
another process's view)."""

from __future__ import annotations

import asyncio
import uuid

from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.llm.contests.record import Contest, record
from tests.helpers import committed_tenant
from tests.llm.contests.test_contest_record import contest

runner = CliRunner()


async def _committed(urls: DatabaseUrls, settings: Settings, contests: list[Contest]) -> uuid.UUID:
    """A tenant and its contests, committed on a pool of their own (the CLI runs its own
    event loop, so the test is synchronous and this one runs before it)."""
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        tenant = await committed_tenant(sessionmaker, "CLI Leaderboard")
        for judged in contests:
            async with unit_of_work(sessionmaker, tenant) as session:
                await record(session, tenant, uuid.uuid4(), judged)
        return tenant
    finally:
        await engine.dispose()


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["llm", "leaderboard", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.output


def test_the_leaderboard_table_and_its_empty_message(
    database_urls: DatabaseUrls, settings: Settings
) -> None:
    empty = asyncio.run(_committed(database_urls, settings, []))
    code, output = _invoke("--tenant", str(empty))
    assert code == 0, output
    assert "No judged contests yet" in output

    tenant = asyncio.run(
        _committed(
            database_urls,
            settings,
            [
                contest("openai:gpt-4.1-mini", "openai:gpt-4.1-mini", "local:default"),
                contest("local:default", "local:default", "openai:gpt-4.1-mini"),
                contest("openai:gpt-4.1-mini", "openai:gpt-4.1-mini", "local:default"),
            ],
        )
    )
    code, output = _invoke("--tenant", str(tenant), "--task", "write.draft")
    assert code == 0, output
    lines = output.splitlines()
    gpt = next(line for line in lines if "openai:gpt-4.1-mini" in line)
    local = next(line for line in lines if "local:default" in line)
    assert lines.index(gpt) < lines.index(local)  # the better win rate first
    assert "67%" in gpt and "33%" in local
    assert "faithfulness" in output and "Traceback" not in output

    code, output = _invoke("--tenant", str(tenant), "--since", "2999-01-01")
    assert code == 1 and "since is in the future" in output and "Traceback" not in output
    code, output = _invoke("--tenant", str(tenant), "--task", "seo.meta")
    assert code == 1 and "seo.meta is not judged" in output
    code, output = _invoke("--tenant", str(uuid.uuid4()))
    assert code == 0 and "No judged contests yet" in output  # another tenant sees nothing
