"""``icop article``: a topic becomes a ready article whose markdown path is printed (the real
command in its own process, over the test database and Temporal dev server, with fake model
providers and a source file for research to cite); a bad brief is one line, no traceback."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from icop.auth import service as auth
from icop.auth.service import ClientInfo
from icop.auth.tokens import TokenService
from icop.cli.main import app
from icop.config import Settings
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.orchestrator.connection import TemporalSettings

ROOT = Path(__file__).resolve().parents[2]
SOURCE = """# Composting at home

A compost pile needs a balance of green material, rich in nitrogen, and brown material, rich
in carbon. Keep the pile as damp as a wrung-out sponge and turn it every week or two so that
air reaches the middle. Red wigglers in a worm bin turn kitchen scraps into castings in about
three months.
"""


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ab"], "TOPIC: String should have at least 3 characters"),
        (["composting at home", "--mode", "mix"], "--mode: Input should be 'compare' or 'merge'"),
        (["composting at home", "--language", "English"], "--language: String should match"),
    ],
)
def test_a_bad_brief_is_one_line_without_a_traceback(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["article", *arguments])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: {message}")


async def test_article_wait_prints_the_markdown_path(
    app_engine: AsyncEngine, temporal_settings: TemporalSettings, tmp_path: Path
) -> None:
    # The command runs in another process, so its tenant is committed (in the session's
    # throwaway test database).
    async with unit_of_work(create_sessionmaker(app_engine), None) as session:
        pair = await auth.signup(
            session,
            TokenService.from_settings(Settings()),
            email=f"cli{uuid.uuid4().hex[:8]}@example.com",
            password=secrets.token_urlsafe(16),
            company_name="CLI articles",
            display_name=None,
            client=ClientInfo(user_agent="pytest"),
        )
    source = tmp_path / "composting.md"
    source.write_text(SOURCE, encoding="utf-8")
    env = {
        **os.environ,
        "ICOP_TEMPORAL_PORT": str(temporal_settings.port),
        "ICOP_TEMPORAL_TASK_QUEUE_PREFIX": temporal_settings.task_queue_prefix,
        "ICOP_LOG_LEVEL": "WARNING",
        "COLUMNS": "200",
    }
    env.pop("TEMPORAL_ADDRESS", None)
    completed = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "tests.articles.cli_driver",
            "composting at home",
            "--wait",
            "--words",
            "150",
            "--tenant",
            str(pair.tenant_id),
            "--source",
            str(source),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Traceback" not in output
    match = re.search(r"ready\S*: (\S+\.md)", output)
    assert match, output
    markdown = await asyncio.to_thread(Path(match.group(1)).read_text, encoding="utf-8")
    # Front matter, and the source file as the article's first source (the fake writers'
    # prose cites nothing inline; the real-model test covers citations).
    assert markdown.startswith("---\ntitle: ")
    assert "## Sources\n\n1. composting" in markdown
