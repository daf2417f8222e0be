"""The runner end to end with the deterministic fake provider on the embedded PostgreSQL: a
fresh tenant per topic with the topic's documents in its knowledge store, the article written
by the product's own activity and graph, and everything it left behind recorded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from icop.config import Settings
from icop.db.engine import create_sessionmaker
from icop.db.session import unit_of_work
from icop.evaluation.dataset import load_topics
from icop.evaluation.providers import fake_providers
from icop.evaluation.runner import EvalOptions, EvalRunner
from icop.models import KnowledgeDocument
from icop.platforms import Platform
from icop.runtime.clients import Runtime


def eval_settings(settings: Settings, home: Path) -> Settings:
    # The hashing embedder: deterministic and instant (the bundled MiniLM is for real runs).
    return settings.model_copy(
        update={"home": home, "embedding_backend": "hashing", "knowledge_min_score": 0.05}
    )


async def test_one_topic_through_the_product_path(
    settings: Settings, app_engine: AsyncEngine, tmp_path: Path
) -> None:
    current = eval_settings(settings, tmp_path)
    runtime = Runtime.from_settings(
        current,
        engine=app_engine,
        sessionmaker=create_sessionmaker(app_engine),
        llm_providers=fake_providers(),
    )
    seen: list[str] = []
    runner = EvalRunner(
        runtime,
        EvalOptions(provider="fake", model="fake"),
        progress=lambda topic, step: seen.append(step),
    )
    [topic] = load_topics(["home-composting"])
    try:
        [record] = await runner.run(load_topics(["home-composting"]))
    finally:
        await runtime.http.aclose()
        await runtime.llm.aclose()

    assert record.topic_id == topic.id and record.provider == "fake"
    assert record.status == "ready", record.stop_reason
    assert record.attempts == 1 and record.failures == []
    assert record.markdown.startswith("---\n") and "# " in record.markdown
    # Research found the topic's own documents, and nothing else (a fresh tenant).
    titles = {document.title for document in topic.documents}
    assert record.sources and {source.title for source in record.sources} <= titles
    assert all(source.snippet for source in record.sources)
    assert set(record.cited_sources) <= {source.number for source in record.sources}
    # The final list the Markdown's [n] resolve to, each with its research passages.
    assert [source.number for source in record.references] == record.cited_sources
    assert all(source.snippet for source in record.references)
    assert record.article_text
    assert sorted(d.writer for d in record.drafts) == ["writer_a", "writer_b", "writer_c"]
    assert record.seo["title"] == record.title
    assert record.image_alts and len(record.image_alts) == len(record.image_prompts)
    assert sorted(post.platform for post in record.social) == sorted(p.value for p in Platform)
    assert all(post.draft_text for post in record.social)
    roles = [call.role for call in record.calls]
    # Research claims come from the documents (ICOP_RESEARCH_CLAIMS=sources): no researcher call.
    assert record.claims and "researcher" not in roles
    assert "seo" in roles and "markdown_formatter" not in roles
    assert all(call.ok and call.provider == "local" for call in record.calls)
    assert sum(call.completion_tokens for call in record.calls) > 0
    assert 0 < record.seconds <= record.finished_after_s
    assert "step" not in seen[-1] and seen[-1] == "ready" and "research" in seen

    async with unit_of_work(runtime.sessionmaker, None) as session:
        # RLS: without a tenant nothing is visible; the workspace's documents are its own.
        assert list(await session.scalars(select(KnowledgeDocument))) == []
