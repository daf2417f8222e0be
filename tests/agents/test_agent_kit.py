"""Agents tested with the kit (docs/agent-test-kit.md): the SEO agent and a writer, each on the
``composting`` fixture, answered by the bundled model's real responses from cassettes (recorded
once with ``ICOP_CASSETTES=record``, replayed offline), through the real router and runtime.
These replace the fake-answer versions of test_runtimes.py's structured and prose role tests
for what the answers themselves must satisfy; the kit's own mechanics are tested below them.
"""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

import pytest

from icop.agents.runtime import NativeRuntime
from icop.agents.schemas import DraftText, SeoMeta
from icop.llm.providers.base import CompletionRequest, Message
from icop.llm.providers.fake import FakeProvider
from tests.agents.kit import (
    CassetteMissing,
    CassetteProvider,
    assert_citations_resolve,
    assert_responds_within,
    assert_schema_valid,
    cassette_router,
    load_fixture,
    request_key,
)

FIXTURE = load_fixture("composting")
ARTICLE = (
    "# Composting at home\n\nMix greens and browns [1]. Turn the pile so air gets in [2]. "
    "It is ready when it is dark and smells of earth [3].\n"
)


async def test_the_seo_agent_answers_with_valid_metadata_for_the_article() -> None:
    router, cassette = cassette_router(test=__file__)
    runtime = NativeRuntime(router)
    result = await runtime.run("seo", FIXTURE.seo_input(ARTICLE), output=SeoMeta, tenant_id=uuid4())
    meta = assert_schema_valid(result.output, SeoMeta)
    assert isinstance(meta, SeoMeta)
    assert meta.slug == meta.slug.lower() and " " not in meta.slug
    assert "compost" in (meta.title + meta.meta_description).lower()
    # The bundled 0.5B on two shared cores when recorded, its server started by this first call.
    assert_responds_within(result, 120.0)
    assert cassette.replayed or cassette.recorded


async def test_a_writer_cites_only_the_sources_it_was_given() -> None:
    router, cassette = cassette_router(test=__file__)
    runtime = NativeRuntime(router)
    result = await runtime.run(
        "writer_b", FIXTURE.writer_input(), output=DraftText, tenant_id=uuid4()
    )
    assert_schema_valid(result.output, DraftText)
    assert len(result.output.text.split()) >= 60
    assert_citations_resolve(result.output.text, FIXTURE.source_numbers())
    assert_responds_within(result, 180.0)
    assert cassette.replayed or cassette.recorded


# -- the kit itself ----------------------------------------------------------------------------


def _request(text: str) -> CompletionRequest:
    system = Message("system", "You are a SEO specialist.")
    return CompletionRequest(model="default", messages=[system, Message("user", text)])


async def test_a_missing_cassette_says_which_file_and_how_to_record_it(tmp_path: Path) -> None:
    provider = CassetteProvider(folder=tmp_path, test="tests/agents/test_x.py")
    with pytest.raises(CassetteMissing) as raised:
        await provider.complete(_request("new prompt"))
    message = str(raised.value)
    assert str(tmp_path / "seo") in message and "ICOP_CASSETTES=record" in message
    assert "tests/agents/test_x.py" in message


async def test_a_recorded_answer_replays_exactly_and_only_for_the_same_request(
    tmp_path: Path,
) -> None:
    real = FakeProvider("local")
    recorder = CassetteProvider(real=real, folder=tmp_path)
    recorded = await recorder.complete(_request("compost"))
    (path,) = recorder.recorded
    assert path == tmp_path / "seo" / f"{request_key(_request('compost'))}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["role"] == "seo" and document["result"]["text"] == recorded.text

    player = CassetteProvider(folder=tmp_path)
    assert await player.complete(_request("compost")) == recorded
    assert len(real.calls) == 1  # the replay never reached the model
    with pytest.raises(CassetteMissing):
        await player.complete(_request("compost, changed"))


def test_the_assertions_fail_on_what_they_guard() -> None:
    with pytest.raises(AssertionError, match="resolve to no source"):
        assert_citations_resolve("Air matters [4].", {1, 2, 3})
    with pytest.raises(AssertionError, match="at least 1"):
        assert_citations_resolve("No citation here.", {1})
    with pytest.raises(AssertionError, match="does not fit SeoMeta"):
        assert_schema_valid({"title": ""}, SeoMeta)
