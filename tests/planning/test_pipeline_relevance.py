"""A pipeline run with the real sub-topic generator (the fake model proposing composting angles
and the two off-topic ones the bundled model gave in issue #12; the real embedders judging):
the composting row drops them and records how many, the rainwater row has no on-topic angle
and ends with that reason in the sheet — a row error, no retries, no traceback."""

from __future__ import annotations

import logging

import pytest
from rich.console import Console

from icop.cli.pipeline import summary
from icop.db.session import unit_of_work
from icop.embeddings import HashingEmbedder, MiniLMEmbedder
from icop.embeddings.e5 import MultilingualE5Embedder
from icop.llm.providers.fake import FakeProvider
from icop.models import SubTopic
from icop.planning import service as pipelines
from icop.planning.repository import RunRepository
from icop.planning.subtopics import TopicRelevance
from icop.runtime.workers import RouterSubtopics
from tests.planning.conftest import Setup
from tests.planning.subtopics.fakes import router_for, script
from tests.planning.subtopics.test_relevance import CAKE, COMPOST_EN, FAMILY_ROOM


async def test_off_topic_angles_are_counted_and_a_row_without_any_ends_with_the_reason(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    phrases = [*COMPOST_EN, CAKE, FAMILY_ROOM]
    provider = FakeProvider("local", script=script(phrases))
    setup.calls.generator = RouterSubtopics(
        router_for(provider),
        HashingEmbedder(),
        relevance=TopicRelevance(MultilingualE5Embedder(), MiniLMEmbedder()),
    )
    caplog.set_level(logging.WARNING)

    assert await setup.run("relevance") == "partial"

    _, composting, _, rain = setup.sheet()
    assert composting[1] == "done", composting
    assert rain[1] == "error", rain
    assert rain[4] == (
        f"no on-topic sub-topics for 'rainwater harvesting' "
        f"({len(phrases)} of {len(phrases)} candidates off topic)"
    )
    assert await setup.count(SubTopic) == 2  # the composting row's, none about rain
    # Refused once, not retried: the row's expansion calls ran a single time.
    rain_calls = [c for c in provider.calls if "rainwater harvesting" in c.messages[-1].content]
    assert rain_calls and len(rain_calls) <= 3, len(rain_calls)  # one attempt: 3 rounds at most
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]

    async with unit_of_work(setup.sessionmaker, setup.tenant_id) as session:
        (run,) = await RunRepository(session).list(setup.pipeline_id, limit=10, offset=0)
        shown = await pipelines.get_run(session, setup.pipeline_id, run.id)
    by_row = {row.row_number: row for row in shown.rows}
    counted = by_row[2].subtopic_relevance
    assert counted is not None
    assert (counted.candidates, counted.candidates_off_topic) == (len(phrases), 2)
    assert by_row[4].error == rain[4]
    assert by_row[4].subtopic_relevance is None  # refused before anything was stored
    # What `icop pipeline run --wait` prints at the end says it too.
    console = Console(width=200, record=True)
    console.print(summary(shown))
    printed = console.export_text()
    assert f"2 of {len(phrases)} angles off topic" in printed, printed
    assert "no on-topic sub-topics for 'rainwater harvesting'" in printed, printed
