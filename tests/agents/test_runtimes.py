"""Both runtimes behind one interface: one routed call per role, the role's prompt, validated
output, what it cost and who answered, and the standard error format. The CrewAI runtime runs
with the same fake providers (its LLM delegates to the router)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pytest
from opentelemetry import trace

from icop.agents import prompts
from icop.agents.exceptions import AgentFailure, RoleConfigError
from icop.agents.graph import run_article, start_state
from icop.agents.roles import default_roles
from icop.agents.runtime import AgentRuntime, NativeRuntime, create_runtime
from icop.agents.runtime.crewai import crewai_installed
from icop.agents.schemas import (
    DraftText,
    ErrorCode,
    ResearchDigest,
    SeoInput,
    SeoMeta,
    WriterBrief,
    WriterInput,
)
from icop.llm.providers.base import ProviderServerError
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import SmartRouter
from tests.agents.fakes import all_calls, harness, providers, router

# CrewAI 1.15 warns about its own deprecated attributes on every kickoff.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SEO_IN = SeoInput(title="Composting", article="Compost needs air [1].", language="en", keywords=[])
WRITER_IN = WriterInput(
    topic="Composting",
    language="en",
    outline=[],
    research=ResearchDigest(summary="Piles need air.", claims=[], sources=[]),
    brand_voice=["Plain words, kind tone."],
    length_words=300,
)


NO_CREWAI = "the optional extra icop[crewai] is not installed (make test installs it)"


def _crewai(router: SmartRouter) -> AgentRuntime:
    return create_runtime("crewai", router, storage_dir=Path(".icop-test") / "crewai")


RUNTIMES: list[Callable[[SmartRouter], AgentRuntime]] = [
    NativeRuntime,
    pytest.param(  # type: ignore[list-item]
        _crewai,
        marks=pytest.mark.skipif(not crewai_installed(), reason=NO_CREWAI),
    ),
]


@pytest.fixture(params=RUNTIMES, ids=["native", "crewai"])
def make_runtime(request: pytest.FixtureRequest) -> Callable[[SmartRouter], AgentRuntime]:
    factory: Callable[[SmartRouter], AgentRuntime] = request.param
    return factory


async def test_structured_role_makes_one_call_with_the_role_prompt(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    fakes = providers()
    runtime = make_runtime(router(fakes))
    tenant_id = uuid4()
    result = await runtime.run(
        "seo", SEO_IN, output=SeoMeta, tenant_id=tenant_id, correlation_id="article-1"
    )
    assert isinstance(result.output, SeoMeta) and result.output.title
    calls = fakes["local"].calls
    assert len(calls) == 1
    spec = default_roles()["seo"]
    system, user = calls[0].messages[0].content, calls[0].messages[-1].content
    assert spec.role in system and spec.backstory.split(".")[0] in system
    assert "Compost needs air [1]." in user  # the inputs, rendered by the router
    assert calls[0].json_schema is not None and calls[0].json_schema.name == "SeoMeta"
    assert (result.usage.provider, result.usage.model) == ("local", "default")
    assert result.usage.completion_tokens > 0 and result.usage.agent == "seo"
    response = result.response()
    assert response.status == "ok" and response.outputs == result.output.model_dump(mode="json")
    assert response.correlation_id == "article-1" and result.request.tenant_id == tenant_id
    assert result.request.runtime == runtime.name


async def test_prose_role_answers_in_plain_text(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    fakes = providers(lambda request: FakeReply(text="```\n# Compost\n\nAir matters [1].\n```"))
    runtime = make_runtime(router(fakes))
    result = await runtime.run("writer_b", WRITER_IN, output=DraftText, tenant_id=uuid4())
    assert result.output.text == "# Compost\n\nAir matters [1]."
    (call,) = fakes["local"].calls
    assert call.json_schema is None
    assert "Plain words, kind tone." in call.messages[-1].content
    assert prompts.CITATION_RULE in call.messages[-1].content


async def test_fallback_records_who_actually_answered(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    """writer_a's route is openai then local: with openai failing, local writes the draft."""
    fakes = providers(cloud=["openai"])
    fakes["openai"] = FakeProvider(
        "openai", script=lambda request: FakeReply(error=ProviderServerError("openai", "502"))
    )
    runtime = make_runtime(router(fakes))
    result = await runtime.run("writer_a", WRITER_IN, output=DraftText, tenant_id=uuid4())
    assert (result.usage.provider, result.usage.model) == ("local", "default")
    assert len(fakes["openai"].calls) == 2 and len(fakes["local"].calls) == 1
    assert result.usage.attempts == 3  # two failed openai tries, one local answer


async def test_no_model_is_the_standard_error(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    fakes = providers(lambda request: FakeReply(error=ProviderServerError("local", "down")))
    runtime = make_runtime(router(fakes))
    with pytest.raises(AgentFailure) as caught:
        await runtime.run("seo", SEO_IN, output=SeoMeta, tenant_id=uuid4())
    error = caught.value.error
    assert error.code is ErrorCode.MODEL_UNAVAILABLE and error.retryable
    assert error.agent == "seo" and error.details["task"] == "seo.meta"
    outcomes = [(a["provider"], a["outcome"]) for a in error.details["attempts"]]
    assert outcomes == [("local", "failed"), ("local", "failed"), ("openai", "skipped")]


async def test_invalid_structured_answer_is_invalid_output(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    fakes = providers(lambda request: FakeReply(data={"title": ""}))
    runtime = make_runtime(router(fakes))
    with pytest.raises(AgentFailure) as caught:
        await runtime.run("seo", SEO_IN, output=SeoMeta, tenant_id=uuid4())
    assert caught.value.error.code is ErrorCode.INVALID_OUTPUT
    assert len(fakes["local"].calls) == 2  # the answer and the one repair


async def test_a_role_is_called_with_its_declared_models(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    runtime = make_runtime(router(providers()))
    with pytest.raises(RoleConfigError, match="takes SeoInput"):
        await runtime.run("seo", WRITER_IN, output=SeoMeta, tenant_id=uuid4())
    with pytest.raises(RoleConfigError, match="answers SeoMeta"):
        await runtime.run("seo", SEO_IN, output=DraftText, tenant_id=uuid4())


def test_runtime_is_chosen_by_name() -> None:
    assert create_runtime("native", router(providers())).name == "native"
    with pytest.raises(ValueError, match="native, crewai"):
        create_runtime("autogen", router(providers()))


@pytest.mark.skipif(
    not crewai_installed(), reason="the optional extra icop[crewai] is not installed"
)
def test_crewai_is_imported_offline_with_its_files_under_icop_home() -> None:
    runtime = _crewai(router(providers()))
    assert runtime.name == "crewai"
    for name in ("CREWAI_DISABLE_TELEMETRY", "CREWAI_DISABLE_VERSION_CHECK"):
        assert os.environ[name] == "true"
    # Our own tracing stays on: CrewAI installs no tracer provider of its own.
    assert os.environ.get("OTEL_SDK_DISABLED") != "true"
    assert type(trace.get_tracer_provider()).__name__ != "TracerProvider" or not getattr(
        trace.get_tracer_provider(), "_disabled", False
    )
    assert os.environ["CREWAI_TRACING_ENABLED"] == "false"
    assert Path(os.environ["CREWAI_STORAGE_DIR"]).is_absolute()


@pytest.mark.skipif(crewai_installed(), reason="checks the message when the extra is missing")
def test_crewai_runtime_without_the_extra_says_how_to_get_it() -> None:
    with pytest.raises(AgentFailure) as caught:
        _crewai(router(providers()))
    assert caught.value.error.code is ErrorCode.RUNTIME_UNAVAILABLE
    assert "icop[crewai]" in caught.value.error.message


async def test_a_whole_article_through_the_runtime(
    make_runtime: Callable[[SmartRouter], AgentRuntime],
) -> None:
    # Every role, the researcher agent included (ICOP_RESEARCH_CLAIMS=model).
    h = harness(runtime=make_runtime, research_claims="model")
    graph = h.graph()
    state = await run_article(
        graph,
        start_state(
            tenant_id=uuid4(),
            article_id="rt-1",
            brief=WriterBrief(length_words=200, topic="compost"),
        ),
    )
    assert state["status"] == "done" and state["markdown"].markdown.startswith("---\n")
    assert len(state["usage"]) == len(all_calls(h.fakes)) == 11  # one call per agent run
    assert {u.agent for u in state["usage"]} == {
        "researcher",
        "writer_a",
        "writer_b",
        "writer_c",
        "editor",
        "seo",
        "visual_director",
        "social_copywriter",
    }
