"""``icop agents graph`` and ``icop articles show``: the article graph and the planning and
publishing workflows as Mermaid, drawn from the code, and one article's run with each node's
status and duration (the dashboard's live view, from the same service call)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from enum import StrEnum
from pathlib import Path
from uuid import UUID

import typer
from rich.table import Table

from icop.agents.diagram import article_graph_mermaid
from icop.articles import service as articles
from icop.articles.schemas import ArticleGraphOut
from icop.cli.common import app_session, console, error_console, friendly_errors, run_async
from icop.cli.common import settings as load_settings
from icop.cli.workspace import saved_workspace_tenant
from icop.orchestrator import diagram as workflows
from icop.planning.workflows import PipelineRunWorkflow
from icop.syndication.workflows import PublishPostWorkflow

app = typer.Typer(help="The agents: their graph and the workflows around it.", no_args_is_help=True)
articles_app = typer.Typer(help="Articles written so far.", no_args_is_help=True)

# Where a checkout's web dashboard keeps Mermaid (npm install in web/): the PNG renderer's
# script, read from disk so that rendering needs no network.
MERMAID_JS = Path(__file__).resolve().parents[3] / "web/node_modules/mermaid/dist/mermaid.min.js"
NO_RENDERER_EXIT = 2


class Format(StrEnum):
    MERMAID = "mermaid"
    PNG = "png"


class Diagram(StrEnum):
    ALL = "all"
    ARTICLE = "article"
    PLANNING = "planning"
    PUBLISHING = "publishing"


def diagrams() -> dict[Diagram, tuple[str, str]]:
    """Each diagram's title and Mermaid source."""
    return {
        Diagram.ARTICLE: (
            "The article graph (icop.agents.graph.build_graph)",
            article_graph_mermaid(),
        ),
        Diagram.PLANNING: (
            "The planning workflow (PipelineRunWorkflow)",
            workflows.mermaid(workflows.workflow_steps(PipelineRunWorkflow)),
        ),
        Diagram.PUBLISHING: (
            "The publishing workflow (PublishPostWorkflow)",
            workflows.mermaid(workflows.workflow_steps(PublishPostWorkflow)),
        ),
    }


@app.command("graph")
def graph(
    output_format: Format = typer.Option(Format.MERMAID, "--format", help="mermaid or png."),
    which: Diagram = typer.Option(
        Diagram.ALL, "--workflow", help="article, planning, publishing, or all (as Markdown)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here (png: required) instead of printing."
    ),
    mermaid_js: Path = typer.Option(
        MERMAID_JS, "--mermaid-js", help="mermaid.min.js for --format png (no network needed)."
    ),
) -> None:
    """The article graph and the planning and publishing workflows' steps as Mermaid,
    generated from the code (the compiled graph; the workflows' source)."""
    drawn = diagrams()
    if output_format is Format.PNG:
        if which is Diagram.ALL or output is None:
            error_console.print(
                "[bold red]error:[/] --format png draws one diagram: name it with --workflow "
                "(article, planning, publishing) and give --output FILE.png"
            )
            raise typer.Exit(NO_RENDERER_EXIT)
        problem = missing_renderer(mermaid_js)
        if problem is not None:
            error_console.print(f"[bold red]error:[/] {problem}")
            raise typer.Exit(NO_RENDERER_EXIT)
        render_png(drawn[which][1], output, mermaid_js)
        console.print(f"wrote {output}")
        return
    if which is Diagram.ALL:
        text = "\n".join(
            f"## {title}\n\n```mermaid\n{source}```\n" for title, source in drawn.values()
        )
    else:
        text = drawn[which][1]
    if output is not None:
        output.write_text(text)
        console.print(f"wrote {output}")
        return
    print(text, end="")  # raw, so it can be piped into a file or a renderer


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_renderer(mermaid_js: Path) -> str | None:
    """Why no PNG can be drawn offline here, or None when it can."""
    if _chromium() is None:
        return (
            "PNG needs a headless Chromium (not found on PATH); print Mermaid instead "
            "(--format mermaid) and render it where you read it (GitHub, mermaid.live)"
        )
    if not mermaid_js.is_file():
        return (
            f"PNG needs Mermaid's script, not found at {mermaid_js}: run `npm install` in web/ "
            "or pass --mermaid-js PATH; or print Mermaid instead (--format mermaid)"
        )
    return None


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="{script}"></script>
<style>body{{margin:16px;background:#fff}}</style></head><body>
<pre class="mermaid">{source}</pre>
<script>mermaid.initialize({{startOnLoad:true, securityLevel:"loose"}});</script>
</body></html>"""


def render_png(source: str, output: Path, mermaid_js: Path) -> None:
    chromium = _chromium()
    assert chromium is not None
    with tempfile.TemporaryDirectory(prefix="icop-mermaid-") as folder:
        page = Path(folder) / "graph.html"
        escaped = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        page.write_text(_PAGE.format(script=mermaid_js.resolve().as_uri(), source=escaped))
        # Our own command line: the browser found on PATH and files we just wrote.
        done = subprocess.run(  # noqa: S603
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--allow-file-access-from-files",
                f"--user-data-dir={folder}/profile",
                "--hide-scrollbars",
                "--window-size=1400,2200",
                "--virtual-time-budget=8000",
                f"--screenshot={output.resolve()}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0 or not output.is_file():
        error_console.print(f"[bold red]error:[/] Chromium could not draw it: {done.stderr[-400:]}")
        raise typer.Exit(1)


@articles_app.command("show")
@friendly_errors
def show(
    article_id: UUID = typer.Argument(..., help="The article's id."),
    as_graph: bool = typer.Option(
        False, "--graph", help="Print the run as Mermaid (each node's status and duration)."
    ),
    tenant: UUID | None = typer.Option(None, help="Tenant id (default: the local workspace)."),
) -> None:
    """One article's run: each node of the graph with its status, duration, runs and cost —
    the dashboard's live view; ``--graph`` prints it as a Mermaid flowchart."""
    current = load_settings()
    tenant_id = tenant or saved_workspace_tenant(current)

    async def run() -> ArticleGraphOut:
        async with app_session(current, tenant_id) as session:
            return await articles.graph(session, article_id)

    view = run_async(run())
    if as_graph:
        print(view.mermaid, end="")
        return
    table = Table(
        "node", "status", "duration", "runs", "cost", title=f"{article_id} · {view.status}"
    )
    for node in view.nodes:
        table.add_row(
            node.name + (" (slowest)" if node.slowest else ""),
            node.status,
            "" if node.duration_ms is None else f"{node.duration_ms / 1000:.1f} s",
            str(node.runs),
            f"${node.cost_usd:.4f}" if node.cost_usd else "",
        )
    console.print(table)
