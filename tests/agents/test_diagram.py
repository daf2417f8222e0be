"""The developer diagrams: ``icop agents graph`` draws the graph ``build_graph`` compiles (its
nodes and edges, nothing more or less) and the planning and publishing workflows' steps from
their source; ``icop articles show ID --graph`` prints one article's run as the dashboard's
live view draws it, for the article's tenant only."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from icop.agents.diagram import article_graph_mermaid, outline, shape
from icop.agents.graph import EDGES
from icop.articles.repository import ArticleRepository
from icop.cli.main import app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.events import service as events
from icop.models import GeneratedArticle
from icop.orchestrator.diagram import mermaid, workflow_steps
from icop.planning.workflows import PipelineRunWorkflow
from icop.syndication.workflows import PublishPostWorkflow
from tests.agents.fakes import harness
from tests.helpers import committed_tenant

runner = CliRunner()
NODE = re.compile(r'^  (\w+)(?:\["|\(\[")')
EDGE = re.compile(r"^  (\w+) (-->|-\.->) (\w+)$")


def parsed(text: str) -> tuple[list[str], set[tuple[str, str, bool]]]:
    nodes = [m.group(1) for line in text.splitlines() if (m := NODE.match(line))]
    edges = {
        (m.group(1), m.group(3), m.group(2) == "-.->")
        for line in text.splitlines()
        if (m := EDGE.match(line))
    }
    return nodes, edges


def test_the_exported_graph_is_build_graphs() -> None:
    built = harness().graph().get_graph()  # the graph the workers compile, with real deps
    nodes, edges = parsed(article_graph_mermaid())
    assert nodes == list(built.nodes)
    assert edges == {(e.source, e.target, bool(e.conditional)) for e in built.edges}
    # The live view's edge list (drawn without compiling) is the same graph.
    assert set(EDGES) == edges == set(shape(outline()).edges)


def test_workflow_steps_come_from_the_source() -> None:
    planning = workflow_steps(PipelineRunWorkflow)
    names = [step.name for step in planning.steps]
    assert names == [
        "start_run",
        "watch_sheet",  # the sheet's Decision and Posts columns, beside the rows (ADR 0032)
        "prepare_row",
        "ArticleWorkflow",
        "await_article",
        "wait_condition",  # the writing slot, held until the article is written or done
        "publish_article",
        "finish_row",
        "finish_run",
    ]
    by_name = {step.name: step for step in planning.steps}
    assert by_name["ArticleWorkflow"].kind == "child" and by_name["ArticleWorkflow"].repeated
    assert by_name["publish_article"].conditional  # only rows with platforms publish
    assert not by_name["finish_run"].conditional and not by_name["start_run"].repeated
    assert planning.signals == ("article_written",)
    publishing = workflow_steps(PublishPostWorkflow)
    assert [(s.kind, s.name) for s in publishing.steps] == [
        ("wait", "wait_condition"),
        ("activity", "cancel"),
        ("activity", "publish"),
    ]
    assert publishing.steps[1].conditional and not publishing.steps[2].conditional
    assert set(publishing.signals) == {"cancel", "reschedule", "publish_now"}
    drawn = mermaid(publishing)
    assert drawn.startswith("flowchart TD") and "s0 -.-> s1" in drawn and "publish_now" in drawn


def test_the_cli_prints_all_three_and_each_alone() -> None:
    result = runner.invoke(app, ["agents", "graph"])
    assert result.exit_code == 0, result.output
    assert result.output.count("```mermaid") == 3
    assert article_graph_mermaid() in result.output
    single = runner.invoke(app, ["agents", "graph", "--workflow", "article"])
    assert single.exit_code == 0 and single.output == article_graph_mermaid()


def test_png_without_a_renderer_is_a_clear_message(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "agents",
            "graph",
            "--format",
            "png",
            "--workflow",
            "article",
            "-o",
            str(tmp_path / "g.png"),
            "--mermaid-js",
            str(tmp_path / "missing.js"),
        ],
    )
    assert result.exit_code == 2
    assert "--format mermaid" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "g.png").exists()


async def _article_with_a_run(urls: DatabaseUrls, settings: Settings) -> tuple[uuid.UUID, ...]:
    engine = create_engine(urls.app, settings, pool_size=1, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        tenant = await committed_tenant(sessionmaker, "Graph CLI")
        other = await committed_tenant(sessionmaker, "Graph CLI other")
        article_id = uuid.uuid4()
        started = datetime(2030, 1, 1, tzinfo=UTC)
        async with unit_of_work(sessionmaker, tenant) as session:
            await ArticleRepository(session).add(
                GeneratedArticle(
                    id=article_id,
                    tenant_id=tenant,
                    topic="graphs",
                    language="en",
                    mode="merge",
                    length_words=300,
                    status="running",
                )
            )
            for step, seconds in (("research", 4), ("writer_a", 12)):
                for status, at in (
                    ("started", started),
                    ("finished", started + timedelta(seconds=seconds)),
                ):
                    await events.record(
                        session,
                        tenant,
                        kind="step",
                        article_id=article_id,
                        step=step,
                        status=status,
                        started_at=started,
                        finished_at=at if status == "finished" else None,
                    )
                started += timedelta(seconds=seconds)
        return tenant, other, article_id
    finally:
        await engine.dispose()


def test_article_show_prints_the_runs_graph_for_its_tenant_only(
    database_urls: DatabaseUrls, settings: Settings
) -> None:
    tenant, other, article_id = asyncio.run(_article_with_a_run(database_urls, settings))
    result = runner.invoke(
        app, ["articles", "show", str(article_id), "--graph", "--tenant", str(tenant)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("flowchart TD")
    assert 'research["research<br/>finished · 4.0 s"]:::finished' in result.output
    assert 'writer_a["writer_a<br/>finished · 12.0 s"]:::finished' in result.output
    assert "class writer_a slowest" in result.output
    table = runner.invoke(
        app, ["articles", "show", str(article_id), "--tenant", str(tenant)], env={"COLUMNS": "160"}
    )
    assert table.exit_code == 0 and "writer_a (slowest)" in table.output
    hidden = runner.invoke(app, ["articles", "show", str(article_id), "--tenant", str(other)])
    assert hidden.exit_code == 1 and "Traceback" not in hidden.output
