"""The router over the real bundled model: a short answer and a bounded structured answer."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from icop.llm.local.server import LocalServer
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.fake import FakeProvider
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle

pytestmark = pytest.mark.slow


class Headline(BaseModel):
    title: str = Field(max_length=80)
    keywords: list[str] = Field(min_length=1, max_length=4)


def _router(session_server: LocalServer) -> SmartRouter:
    candidates = [
        Candidate(provider="openai", model="gpt-4.1-mini"),
        Candidate(provider="local", model="default"),
    ]
    return SmartRouter(
        {
            "openai": FakeProvider("openai", is_configured=False),
            "local": LocalProvider(session_server, timeout_s=240),
        },
        RoutingPolicy(
            defaults=PolicyDefaults(temperature=0.0), tasks={task: candidates for task in TaskKind}
        ),
        Throttle(global_rate_per_minute=600, provider_concurrency={"local": 3}),
    )


async def test_short_answer_from_the_bundled_model(session_server: LocalServer) -> None:
    router = _router(session_server)
    call = await router.complete(
        "chat",
        system="Answer with one word.",
        inputs={"prompt": "What is the capital of France?"},
        max_tokens=8,
        seed=1,
    )
    assert "paris" in call.text.lower()
    assert call.provider == "local" and call.completion_tokens > 0
    assert call.attempts[0].reason == "not configured"


async def test_bounded_structured_answer_from_the_bundled_model(
    session_server: LocalServer,
) -> None:
    router = _router(session_server)
    call = await router.complete(
        TaskKind.SEO_META,
        system="You write SEO metadata for articles.",
        inputs={
            "title": "Composting at home for beginners",
            "article": "Composting turns kitchen scraps and leaves into rich soil.",
        },
        output=Headline,
        max_tokens=160,
        seed=3,
    )
    assert isinstance(call.value, Headline)
    assert call.value.title and 1 <= len(call.value.keywords) <= 4
