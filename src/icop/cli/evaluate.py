"""``icop eval``: the evaluation harness — one article per shipped evaluation topic, each in a
fresh tenant whose knowledge store holds the topic's reference documents, written through the
product's own path with the chosen model, then scored (icop.evaluation).

The run and its scores are saved under ``--out`` (default ``ICOP_HOME/eval/<time>``);
``benchmarks/quality.py`` publishes recorded runs as docs/quality.md.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from icop.cli.common import console, fail, settings
from icop.errors import ICOPError
from icop.evaluation.dataset import EvalTopic, load_topics
from icop.evaluation.providers import PROVIDERS
from icop.evaluation.report import result_line, score_run
from icop.evaluation.session import evaluate


def evaluate_command(
    topics: str = typer.Option(
        "", "--topics", help="Topic ids, comma-separated (default: every shipped topic)."
    ),
    provider: str = typer.Option("local", help=f"Model provider: {', '.join(PROVIDERS)}."),
    model: str | None = typer.Option(
        None, help="Local: a catalog name or a .gguf path; otherwise the provider's model id."
    ),
    mode: str = typer.Option("compare", help="compare (editor picks) or merge (merger)."),
    out: Path | None = typer.Option(None, help="Folder for run.json and scores.json."),
) -> None:
    """Write and score one article per evaluation topic (fresh tenant, its reference documents)."""
    current = settings()
    if mode not in ("compare", "merge"):
        raise fail(f"--mode: {mode!r} is not compare or merge")
    if provider not in PROVIDERS:
        raise fail(f"--provider: {provider!r} is not one of {', '.join(PROVIDERS)}")
    try:
        chosen = load_topics([t.strip() for t in topics.split(",") if t.strip()] or None)
    except ICOPError as error:
        raise fail(error.detail) from None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = out or current.home / "eval" / stamp
    checked_mode: Literal["compare", "merge"] = "merge" if mode == "merge" else "compare"
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        overall = progress.add_task("articles", total=len(chosen))
        steps = {topic.id: progress.add_task(f"{topic.id}: queued", total=1) for topic in chosen}

        def report(topic: EvalTopic, step: str) -> None:
            task = steps[topic.id]
            progress.update(task, description=escape(f"{topic.id}: {step}"))
            if step in ("ready", "needs_review", "no_sources", "failed", "error", "rejected"):
                progress.update(task, completed=1)
                progress.advance(overall)

        try:
            run = asyncio.run(
                evaluate(
                    current,
                    chosen,
                    provider=provider,
                    model=model,
                    mode=checked_mode,
                    out=folder,
                    progress=report,
                )
            )
        except ICOPError as error:
            raise fail(error.detail) from None
    scored = score_run(run)
    (folder / "scores.json").write_text(
        json.dumps(
            {
                "summary": scored.summary.model_dump(mode="json"),
                "articles": [a.model_dump(mode="json") for a in scored.articles],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    table = Table(
        "topic", "status", "leaks", "invented", "cited / supported", "coverage", "repeated",
        "posts valid", "s", title=f"{run.provider}:{run.model} ({run.mode})",
    )  # fmt: skip
    for article in scored.articles:
        table.add_row(
            article.topic_id,
            escape(article.status),
            str(article.scaffolding_leaks),
            str(article.invented_sources),
            f"{article.cited_sentences} / {article.supported_sentences}",
            f"{article.coverage:.2f}",
            str(article.repeated_sentences),
            f"{article.posts_valid_after}/{article.posts}",
            f"{article.seconds:.0f}",
        )
    console.print(table)
    console.print(escape(result_line(scored.summary)), highlight=False)
    console.print(f"run and scores in {folder}")
