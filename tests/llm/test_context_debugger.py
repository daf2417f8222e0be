"""The context debugger: every routed call stores each context layer's size before and after
minimisation, the fields dropped or trimmed and those the prompt never names;
``icop llm context CALL_ID`` shows it to the call's tenant only (row-level security)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import Settings
from icop.db.engine import DatabaseUrls, create_engine, create_sessionmaker
from icop.db.session import unit_of_work
from icop.errors import NotFound
from icop.llm import service
from icop.llm.context import prepare, unreferenced
from icop.llm.ledger.sinks import DatabaseLedger
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.fake import FakeProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TASKS, TaskKind
from icop.llm.throttle import Throttle
from tests.helpers import committed_tenant

runner = CliRunner()
SYSTEM = "You write the SEO title and description of the article, in the given language."
INPUTS = {
    "title": "Composting at home",
    "article": "Compost turns kitchen scraps into soil. " * 400,  # over the task's budget
    "language": "en",
    "keywords": ["compost", "soil"],  # consumed by the task, never named by SYSTEM
    "internal_notes": "the editor's private remarks " * 20,  # not consumed: dropped
}


async def _words(text: str) -> int:
    return len(text.split())


async def test_prepare_reports_each_layer_dropped_trimmed_and_unnamed() -> None:
    spec = TASKS[TaskKind.SEO_META]
    prompt = await prepare(
        spec,
        system=SYSTEM,
        inputs=INPUTS,
        instructions="Answer in JSON.",
        count_tokens=_words,
        budget_tokens=600,
    )
    layers = {layer.name: layer for layer in prompt.layers}
    assert [layer.name for layer in prompt.layers] == [
        "system",
        *INPUTS,
        "instructions",
    ]
    notes = layers["internal_notes"]
    assert (notes.state, notes.chars_after) == ("dropped", 0)
    assert notes.chars_before == len(INPUTS["internal_notes"])
    article = layers["article"]
    assert article.state == "trimmed" and 0 < article.chars_after < article.chars_before
    assert layers["title"].state == "kept"
    assert layers["title"].chars_before == layers["title"].chars_after == len(INPUTS["title"])
    assert prompt.unreferenced_fields == ["keywords"]
    report = prompt.report()
    assert report["dropped"] == ["internal_notes"] and report["trimmed"] == ["article"]
    assert report["budget_tokens"] == 600 and report["tokens_after"] <= 600


def _router(sessionmaker: object) -> SmartRouter:
    only_local = [Candidate(provider="local", model="q")]
    return SmartRouter(
        {"local": FakeProvider("local", max_context_tokens=2000)},
        RoutingPolicy(defaults=PolicyDefaults(), tasks={task: only_local for task in TaskKind}),
        Throttle(global_rate_per_minute=60_000, provider_concurrency={}),
        ledger=DatabaseLedger(sessionmaker),  # type: ignore[arg-type]
    )


async def _committed_call(urls: DatabaseUrls, settings: Settings) -> tuple[uuid.UUID, ...]:
    """A tenant's routed call, committed (the CLI is another process's view), and another
    tenant."""
    engine = create_engine(urls.app, settings, pool_size=2, max_overflow=0)
    try:
        sessionmaker = create_sessionmaker(engine)
        tenant = await committed_tenant(sessionmaker, "Context debugger")
        other = await committed_tenant(sessionmaker, "Context debugger other")
        router = _router(sessionmaker)
        await router.complete("seo.meta", system=SYSTEM, inputs=INPUTS, tenant_id=tenant)
        async with unit_of_work(sessionmaker, tenant) as session:
            (call,) = await service.calls(session, limit=5, offset=0, task=None)
            shown = await service.call_context(session, call.id)
        assert shown.recorded and shown.dropped == ["internal_notes"]
        assert shown.unreferenced == ["keywords"]
        assert {layer.name: layer.state for layer in shown.layers}["internal_notes"] == "dropped"
        assert [layer.name for layer in shown.layers if layer.unreferenced] == ["keywords"]
        assert shown.tokens_before > shown.tokens_after
        # Row-level security: the other tenant does not find it.
        async with unit_of_work(sessionmaker, other) as session:
            with pytest.raises(NotFound):
                await service.call_context(session, call.id)
        return tenant, other, call.id
    finally:
        await engine.dispose()


def test_a_call_records_its_context_and_the_cli_shows_it_to_its_tenant_only(
    database_urls: DatabaseUrls, settings: Settings
) -> None:
    tenant, other, call_id = asyncio.run(_committed_call(database_urls, settings))
    env = {"COLUMNS": "200"}
    listed = runner.invoke(app, ["llm", "calls", "--tenant", str(tenant)], env=env)
    assert listed.exit_code == 0, listed.output
    assert str(call_id) in listed.output and "internal_notes" in listed.output
    shown = runner.invoke(app, ["llm", "context", str(call_id), "--tenant", str(tenant)], env=env)
    assert shown.exit_code == 0, shown.output
    assert "seo.meta" in shown.output and "local:q" in shown.output
    assert "dropped: internal_notes" in shown.output
    assert "trimmed: article" in shown.output
    assert "prompt never names it" in shown.output
    assert "never named by the prompt: keywords" in shown.output
    hidden = runner.invoke(app, ["llm", "context", str(call_id), "--tenant", str(other)], env=env)
    assert hidden.exit_code == 1
    assert f"no model call {call_id}" in hidden.output and "Traceback" not in hidden.output


def test_a_field_counts_as_named_by_its_words_or_its_singular() -> None:
    kept = {"drafts": [], "brand_voice": [], "rubric": "", "topic": ""}
    system = "Score every draft on the rubric, in the brand voice."
    assert unreferenced(system, None, kept) == ["topic"]
    assert unreferenced(system, "Stay on the topic.", kept) == []
    assert unreferenced("", None, {"brief": "the whole message"}) == []
