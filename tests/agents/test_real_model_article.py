"""One whole article from the real bundled model (the shortest length): every role of the graph
answers through the router's local fallback, as on a fresh machine without cloud keys, and the
result is a markdown article with front matter, headings, inline citations and its sources."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from icop.agents.graph import build_graph, run_article, start_state
from icop.agents.protocols import GraphDeps, ProgressEvent
from icop.agents.runtime import NativeRuntime
from icop.agents.schemas import ArticleBrief
from icop.config import Settings
from icop.llm.local import LocalServer, ServerConfig
from icop.llm.policy import default_policy
from icop.llm.providers.base import LLMProvider
from icop.llm.providers.fake import FakeProvider
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle
from tests.agents.fakes import MemoryBrandVoice, MemoryImageMaker, MemoryResearcher, ProgressLog
from tests.llm_fixtures import TEST_HOME

# The writers' and the editor's output caps follow the brief's length (agents/nodes.py): before
# that, a 150-word brief let the writers fill 1,600 tokens and the editor 2,400 (12.6 min here).
pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def article_server(default_model_path: Path) -> Iterator[LocalServer]:
    """The bundled model with the production slot size (Settings.llm_local_ctx_per_slot):
    the writers' and the editor's prompts (research, brand voice, drafts) outgrow the shared
    test server's 2,048 tokens per slot, and the router would rightly skip it."""
    settings = Settings()
    server = LocalServer(
        ServerConfig(
            home=TEST_HOME / "articles",
            model=str(default_model_path),
            port=0,
            parallel=settings.llm_local_parallel,
            ctx_per_slot=settings.llm_local_ctx_per_slot,
        )
    )
    server.start()
    yield server
    server.stop()


async def test_an_article_from_the_bundled_model(article_server: LocalServer) -> None:
    providers: dict[str, LLMProvider] = {
        "local": LocalProvider(article_server, timeout_s=240),
        **{
            name: FakeProvider(name, is_configured=False)
            for name in ("openai", "anthropic", "gemini", "ollama")
        },
    }
    router = SmartRouter(
        providers,
        default_policy(),
        Throttle(global_rate_per_minute=600, provider_concurrency={"local": 3}),
    )
    progress = ProgressLog()
    begin = time.perf_counter()

    async def show(event: ProgressEvent) -> None:
        await progress(event)
        print(f"{time.perf_counter() - begin:6.1f}s {event.step} {event.state}", flush=True)

    graph = build_graph(
        GraphDeps(
            runtime=NativeRuntime(router),
            researcher=MemoryResearcher(),
            brand_voice=MemoryBrandVoice(),
            images=MemoryImageMaker(),
            progress=show,
        )
    )
    brief = ArticleBrief(topic="composting at home", length_words=150, platforms=["x"])
    started = time.perf_counter()
    try:
        state = await run_article(
            graph, start_state(tenant_id=uuid4(), article_id=str(uuid4()), brief=brief)
        )
    finally:
        await router.aclose()
    elapsed = time.perf_counter() - started

    assert state.get("status") == "done", state.get("stop_reason")
    drafts = state["drafts"].values()
    assert any(d.status == "ok" and d.provider == "local" for d in drafts)
    markdown = state["markdown"].markdown
    front, _, body = markdown.removeprefix("---\n").partition("\n---\n")
    assert re.search(r"^title: \S", front, re.M), markdown
    assert re.search(r"^#{1,3} \S", body, re.M), markdown
    assert "## Sources" in body and "Composting basics" in body, markdown
    assert re.search(r"\[\d+\]", body.split("## Sources")[0]), markdown  # inline citations
    assert state["social"]["x"].text
    print(f"article in {elapsed:.0f}s:\n{markdown}")
