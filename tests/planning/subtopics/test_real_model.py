"""Sub-topics from the real bundled model and the real MiniLM embeddings."""

from __future__ import annotations

import itertools
from uuid import UUID

import numpy as np
import pytest

from icop.embeddings import MiniLMEmbedder
from icop.embeddings.e5 import MultilingualE5Embedder
from icop.llm.local.server import LocalServer
from icop.llm.policy import default_policy
from icop.llm.providers.local import LocalProvider
from icop.llm.smart_router import SmartRouter
from icop.llm.throttle import Throttle
from icop.planning.subtopics import (
    NoOnTopicSubtopics,
    SubtopicResult,
    TopicRelevance,
    generate_subtopics,
)
from icop.planning.subtopics.expansion import dedupe_key
from icop.planning.subtopics.schemas import MAX_LABEL_CHARS
from icop.planning.subtopics.service import LABEL_SIMILARITY

pytestmark = pytest.mark.slow


async def test_four_distinct_subtopics_for_home_composting(session_server: LocalServer) -> None:
    # The bundled routing policy (local first; the others are unknown here and skipped).
    router = SmartRouter(
        {"local": LocalProvider(session_server, timeout_s=240)},
        default_policy(),
        Throttle(global_rate_per_minute=600, provider_concurrency={"local": 3}),
    )
    embedder = MiniLMEmbedder()
    # As the worker builds it (icop.runtime.workers): angles and labels checked for the topic.
    relevance = TopicRelevance(MultilingualE5Embedder(), embedder)
    try:
        result = await generate_subtopics(
            "home composting",
            count=4,
            language="en",
            tenant_id=UUID("00000000-0000-4000-8000-000000000005"),
            router=router,
            embedder=embedder,
            candidates=16,
            relevance=relevance,
        )
    finally:
        await router.aclose()

    assert len(result.candidates) >= 8, result.candidates
    assert len(result.subtopics) == 4, result
    labels = [subtopic.label for subtopic in result.subtopics]
    assert all(3 <= len(label) <= MAX_LABEL_CHARS for label in labels), labels
    assert len({dedupe_key(label) for label in labels}) == 4, labels
    assert all(dedupe_key(label) != dedupe_key("home composting") for label in labels), labels
    vectors = np.asarray(await embedder.embed(labels))
    for a, b in itertools.combinations(range(4), 2):
        assert float(vectors[a] @ vectors[b]) < LABEL_SIMILARITY, (labels[a], labels[b])
    # On topic, as the product checks it (a CI run without the check kept "mistakes and how to
    # fix them"): every label passes the relevance judge the service applied.
    verdicts = await relevance.judge("home composting", labels, language="en")
    assert all(verdict.on_topic for verdict in verdicts), verdicts
    assert all(subtopic.members and subtopic.keywords for subtopic in result.subtopics)
    print(labels, result.timings, result.warnings)  # shown with -s


async def test_a_korean_row_gives_on_topic_subtopics_or_says_why_not(
    session_server: LocalServer,
) -> None:
    """Issue #12: a Korean row crashed c-TF-IDF and drifted to chocolate cake. Guaranteed now,
    whatever the small model writes: no crash, and either sub-topics whose labels pass the
    relevance check or the typed refusal that the row shows."""
    topic = "집에서 하는 퇴비 만들기"
    router = SmartRouter(
        {"local": LocalProvider(session_server, timeout_s=240)},
        default_policy(),
        Throttle(global_rate_per_minute=600, provider_concurrency={"local": 3}),
    )
    relevance = TopicRelevance(MultilingualE5Embedder(), MiniLMEmbedder())
    outcome: SubtopicResult | NoOnTopicSubtopics
    try:
        outcome = await generate_subtopics(
            topic,
            count=3,
            language="ko",
            tenant_id=UUID("00000000-0000-4000-8000-000000000012"),
            router=router,
            embedder=MiniLMEmbedder(),
            candidates=16,
            relevance=relevance,
        )
    except NoOnTopicSubtopics as error:
        outcome = error
    finally:
        await router.aclose()

    if isinstance(outcome, NoOnTopicSubtopics):
        assert outcome.detail.startswith(f"no on-topic sub-topics for {topic!r} ("), outcome
        return
    result = outcome
    assert 1 <= len(result.subtopics) <= 3, result
    assert result.relevance.candidates >= len(result.candidates) >= 2
    for subtopic in result.subtopics:
        # One at a time, as the pipeline checked it (the same computation, so the same verdict).
        (verdict,) = await relevance.judge(topic, [subtopic.label], language="ko")
        assert verdict.on_topic, (verdict, result.warnings)
        assert set(subtopic.members) <= set(result.candidates)
    print([s.label for s in result.subtopics], result.relevance, result.warnings)  # with -s
