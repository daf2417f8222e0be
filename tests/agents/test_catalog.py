"""The schema catalog: bounded schemas, aligned inputs, a current docs/agents.md, and the
behaviour of the schema types the graph relies on."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from icop.agents import catalog, schemas
from icop.agents.roles import default_roles
from icop.llm.structured import answer_token_bound, unbounded_paths
from icop.llm.tasks import spec_for

ROOT = Path(__file__).resolve().parents[2]


def _models() -> list[type[BaseModel]]:
    return [
        value
        for _, value in inspect.getmembers(schemas, inspect.isclass)
        if issubclass(value, BaseModel) and value.__module__.startswith("icop.agents.schemas")
    ]


def test_the_catalog_covers_every_role() -> None:
    names = {spec.name for spec in default_roles().all()}
    assert names >= {
        "researcher",
        "writer_a",
        "writer_b",
        "writer_c",
        "editor",
        "merger",
        "seo",
        "visual_director",
        "social_copywriter",
    }


@pytest.mark.parametrize("spec", default_roles().all(), ids=lambda spec: spec.name)
def test_every_output_schema_is_bounded(spec: object) -> None:
    output = spec.output_model  # type: ignore[attr-defined]
    assert unbounded_paths(output.model_json_schema()) == []


@pytest.mark.parametrize("spec", default_roles().all(), ids=lambda spec: spec.name)
def test_every_output_schema_has_a_token_bound_the_longest_answer_fits(spec: object) -> None:
    output = spec.output_model  # type: ignore[attr-defined]
    bound = answer_token_bound(output.model_json_schema())
    assert bound is not None and bound > 0
    # The longest valid answer, built field by field, is within the bound (at >= 2.5
    # characters per token).
    longest = output.model_json_schema()
    assert bound * 2.5 >= len(json.dumps(_longest_document(longest, longest.get("$defs", {}))))


def _longest_document(node: dict[str, Any], definitions: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _longest_document(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
    if "anyOf" in node:
        options = [_longest_document(option, definitions) for option in node["anyOf"]]
        return max(options, key=lambda option: len(json.dumps(option)))
    if "enum" in node:
        return max(node["enum"], key=lambda value: len(json.dumps(value)))
    kind = node.get("type")
    if kind == "string":
        return "x" * node["maxLength"]
    if kind == "array":
        return [_longest_document(node["items"], definitions)] * node["maxItems"]
    if kind in ("integer", "number"):
        return -(10**15)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {
        name: _longest_document(child, definitions)
        for name, child in node.get("properties", {}).items()
    }


def test_every_catalog_model_is_bounded() -> None:
    found = {model.__name__: unbounded_paths(model.model_json_schema()) for model in _models()}
    assert {name: paths for name, paths in found.items() if paths} == {}
    assert len(found) >= 30


def test_unbounded_paths_would_catch_an_unbounded_field() -> None:
    """The check above can fail: an output model with a free list of free strings."""

    class Loose(schemas.OutputModel):
        tags: list[str]

    assert unbounded_paths(Loose.model_json_schema()) == [".tags", ".tags[]"]


@pytest.mark.parametrize("spec", default_roles().all(), ids=lambda spec: spec.name)
def test_inputs_are_what_the_task_consumes(spec: object) -> None:
    """The router drops input fields its task kind does not consume: every field of a role's
    input model must be one it keeps."""
    fields = set(spec.input_model.model_fields)  # type: ignore[attr-defined]
    assert fields <= spec_for(spec.task).consumes  # type: ignore[attr-defined]


def test_context_table_matches_the_input_models() -> None:
    for spec in default_roles().all():
        documented = set(catalog.CONTEXT[catalog.context_key(spec.name)])
        assert documented == set(spec.input_model.model_fields), spec.name


def test_docs_agents_md_is_current() -> None:
    documented = (ROOT / "docs" / "agents.md").read_text(encoding="utf-8")
    assert documented == catalog.render(), (
        "docs/agents.md is stale: run `.venv/bin/python -m icop.agents.catalog > docs/agents.md`"
    )


def test_rendered_catalog_documents_fields_and_bounds() -> None:
    text = catalog.render()
    assert "#### SeoMeta" in text and "#### AgentError" in text and "#### ErrorCode" in text
    assert "| `title` | string | yes | ≥ 1 chars, ≤ 60 chars |" in text
    assert "`write.draft.b` (anthropic:claude-sonnet-4-5 → local:default)" in text


# --- schema behaviour ---------------------------------------------------------------------------


def test_seo_meta_fits_titles_and_normalises_slug_and_tags() -> None:
    seo = schemas.SeoMeta(
        title="How to compost at home in a small flat without smells or fruit flies at all",
        meta_description="x" * 200,
        slug="Home Composting 101!",
        keywords=["#Compost", "compost", "worm bins", ""],
        hashtags=[f"tag{i}" for i in range(14)],
    )
    assert len(seo.title) <= 60 and not seo.title.endswith(" ")
    assert seo.title.startswith("How to compost at home")
    assert len(seo.meta_description) == 159  # at the limit means cut: one below it
    assert seo.slug == "home-composting-101"
    assert seo.keywords == ["Compost", "worm bins"]
    assert len(seo.hashtags) == 10


def test_korean_hashtags_survive_and_slug_may_be_empty() -> None:
    seo = schemas.SeoMeta(
        title="집에서 퇴비 만들기",
        meta_description="간단한 방법",
        slug="집에서 퇴비",
        keywords=["#퇴비 만들기"],
        hashtags=["#퇴비"],
    )
    assert seo.slug == "" and seo.keywords == ["퇴비 만들기"] and seo.hashtags == ["퇴비"]


def test_visual_plan_limits_prompts_and_aspects() -> None:
    with pytest.raises(ValidationError):
        schemas.VisualPlan(images=[])
    prompt = {"prompt": "a compost bin", "alt": "bin", "aspect": "1:1"}
    with pytest.raises(ValidationError):
        schemas.VisualPlan.model_validate({"images": [prompt] * 5})
    with pytest.raises(ValidationError):
        schemas.ImagePrompt.model_validate({**prompt, "aspect": "3:1"})


def test_editor_scores_are_one_to_ten() -> None:
    with pytest.raises(ValidationError):
        schemas.RubricScores(structure=0, faithfulness=5, brand_voice=5, readability=5)
    with pytest.raises(ValidationError):
        schemas.RubricScores(structure=11, faithfulness=5, brand_voice=5, readability=5)


def test_prose_output_strips_a_code_fence_and_caps_length() -> None:
    text = schemas.DraftText.from_text("```markdown\n# Title\n\nBody [1].\n```")
    assert text.text == "# Title\n\nBody [1]."
    long = schemas.DraftText.from_text("word " * 10_000)
    assert len(long.text) == schemas.MAX_ARTICLE_CHARS


def test_a_merged_article_has_no_chosen_draft() -> None:
    with pytest.raises(ValidationError):
        schemas.ArticleText(text="x", method="merge", chosen="writer_a")


def test_envelope_response_is_either_ok_or_an_error() -> None:
    common = {"agent": "seo", "version": "1", "trace_id": "t", "correlation_id": "a1"}
    with pytest.raises(ValidationError):
        schemas.AgentResponse(status="ok", **common)
    with pytest.raises(ValidationError):
        schemas.AgentResponse(status="error", outputs={}, **common)
    error = schemas.AgentError(
        code=schemas.ErrorCode.MODEL_UNAVAILABLE, message="down", retryable=True, agent="seo"
    )
    response = schemas.AgentResponse(status="error", error=error, **common)
    assert response.model_dump(mode="json")["error"]["code"] == "model_unavailable"
    request = schemas.AgentRequest(
        tenant_id=uuid4(), runtime="native", inputs={"title": "t"}, **common
    )
    assert (
        request.request_id
        != schemas.AgentRequest.model_validate(
            {**request.model_dump(), "request_id": uuid4()}
        ).request_id
    )
