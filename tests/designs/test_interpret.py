"""interpret: the fast path first, then the model path (the router's editor.command task, here
a deterministic fake provider), whose answers are checked against the document."""

from __future__ import annotations

import json
from typing import Any

import pytest

from icop.agents.schemas import EditorAnswer
from icop.designs.actions import Align, Resize, SetStyle, Style
from icop.designs.interpret import EditContext, interpret
from icop.llm.policy import Candidate, PolicyDefaults, RoutingPolicy
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.llm.smart_router import SmartRouter
from icop.llm.structured import unbounded_paths
from icop.llm.tasks import TaskKind
from icop.llm.throttle import Throttle
from tests.designs.samples import POSTER

CONTEXT = EditContext(fonts=frozenset({"DejaVu Sans", "Noto Sans"}), brand=None)


def _router(answer: dict[str, Any] | None) -> tuple[SmartRouter, FakeProvider]:
    provider = FakeProvider("local", script=lambda request: FakeReply(data=answer))
    listed = [Candidate(provider="local", model="default")]
    router = SmartRouter(
        {"local": provider},
        RoutingPolicy(
            defaults=PolicyDefaults(max_attempts=1), tasks={task: listed for task in TaskKind}
        ),
        Throttle(global_rate_per_minute=60_000, provider_concurrency={}),
    )
    return router, provider


def _prompt(request: CompletionRequest) -> str:
    return "\n".join(message.content for message in request.messages)


async def test_the_fast_path_answers_without_a_model_call() -> None:
    router, provider = _router(None)
    result = await interpret(
        POSTER, "make the title bigger", router=router, tenant_id=None, context=CONTEXT
    )
    assert (result.status, result.source) == ("ok", "fast_path") and provider.calls == []
    assert result.actions == (Resize(targets=["title"], scale=1.25),)
    assert result.description == "title: size x1.25"
    korean = await interpret(POSTER, "제목을 더 크게", router=None, tenant_id=None, context=CONTEXT)
    assert korean.description == "제목: 크기 x1.25"


async def test_an_ambiguous_reference_returns_the_candidates() -> None:
    result = await interpret(
        POSTER, "make the image bigger", router=None, tenant_id=None, context=CONTEXT
    )
    assert result.status == "ambiguous" and result.actions == ()
    assert {c.id for c in result.candidates} == {"photo-left", "photo-right"}
    assert all(c.type == "Image" for c in result.candidates)
    assert "photo-left" in result.description


async def test_without_a_router_an_unknown_command_says_so_in_its_language() -> None:
    english = await interpret(
        POSTER, "write me a poem", router=None, tenant_id=None, context=CONTEXT
    )
    assert english.status == "not_understood" and "nothing changed" in english.description
    korean = await interpret(POSTER, "제목을 춤추게", router=None, tenant_id=None, context=CONTEXT)
    assert korean.status == "not_understood" and "바꾸지 않았습니다" in korean.description


async def test_the_model_path_turns_steps_into_checked_actions() -> None:
    router, provider = _router(
        {
            "understood": True,
            "steps": [
                {"kind": "align", "targets": ["brand"], "value": "right"},
                {"kind": "align", "targets": ["the logo"], "value": "bottom"},
            ],
        }
    )
    result = await interpret(
        POSTER,
        "put the logo in the bottom right corner",
        router=router,
        tenant_id=None,
        context=CONTEXT,
    )
    assert (result.status, result.source) == ("ok", "model")
    assert result.actions == (
        Align(targets=["brand"], to="right"),
        Align(targets=["brand"], to="bottom"),
    )
    [request] = provider.calls
    prompt = _prompt(request)
    # The model sees the command and a compact list of the objects, not the Fabric JSON.
    assert "put the logo in the bottom right corner" in prompt
    assert 'brand | textbox | role=logo | text="ICOP" | black | bottom right' in prompt
    assert '"scaleX"' not in prompt
    assert request.json_schema is not None and request.json_schema.name == "EditorAnswer"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            {"understood": True, "steps": [{"kind": "delete", "targets": ["photo-3"]}]},
            "no object with the id 'photo-3'",
        ),
        (
            {
                "understood": True,
                "steps": [{"kind": "colour", "targets": ["unicorn"], "value": "red"}],
            },
            "no object is 'unicorn'",
        ),
        (
            {
                "understood": True,
                "steps": [{"kind": "colour", "targets": ["title"], "value": "sparkly"}],
            },
            "'sparkly' is not a colour",
        ),
        (
            # White text on the near-white background: refused by validate, not applied.
            {
                "understood": True,
                "steps": [{"kind": "colour", "targets": ["line1"], "value": "white"}],
            },
            "contrast of 1.0",
        ),
        ({"understood": False, "steps": []}, "not an edit of this design"),
        (
            {"understood": True, "steps": [{"kind": "resize", "targets": ["title"]}]},
            "a resize needs a factor",
        ),
    ],
)
async def test_a_model_answer_that_does_not_fit_the_document_is_not_understood(
    answer: dict[str, Any], expected: str
) -> None:
    router, _ = _router(answer)
    result = await interpret(
        POSTER, "do the thing to it", router=router, tenant_id=None, context=CONTEXT
    )
    assert (result.status, result.source, result.actions) == ("not_understood", "model", ())
    assert expected in result.description and "nothing changed" in result.description


async def test_a_model_reference_that_fits_several_objects_asks_which() -> None:
    router, _ = _router(
        {"understood": True, "steps": [{"kind": "opacity", "targets": ["image"], "amount": 0.5}]}
    )
    result = await interpret(
        POSTER, "fade the picture a little", router=router, tenant_id=None, context=CONTEXT
    )
    assert (result.status, result.source) == ("ambiguous", "model")
    assert {c.id for c in result.candidates} == {"photo-left", "photo-right"}


async def test_several_model_steps_apply_as_one_command() -> None:
    router, _ = _router(
        {
            "understood": True,
            "steps": [
                {"kind": "colour", "targets": ["title"], "value": "#facc15"},
                {"kind": "resize", "targets": ["title"], "amount": 1.25},
            ],
        }
    )
    result = await interpret(
        POSTER,
        "give the headline a yellow colour and make it larger",
        router=router,
        tenant_id=None,
        context=CONTEXT,
    )
    assert result.status == "ok" and result.actions == (
        SetStyle(targets=["title"], style=Style(fill="#facc15")),
        Resize(targets=["title"], scale=1.25),
    )


def test_the_model_answer_schema_is_small_and_bounded() -> None:
    schema = EditorAnswer.model_json_schema()
    assert unbounded_paths(schema) == []
    assert len(json.dumps(schema)) < 3000
