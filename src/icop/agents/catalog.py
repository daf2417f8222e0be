"""The agent I/O schema catalog as Markdown (Sparklio §1.6): ``python -m icop.agents.catalog >
docs/agents.md``. Generated from the code (roles.yaml, the schema models, the routing policy),
so it cannot drift: a test fails when the committed file differs from this output."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from icop.agents import schemas
from icop.agents.graph import FLOW
from icop.agents.prompts import RUBRIC
from icop.agents.roles import TOOLS, RoleBook, default_roles
from icop.agents.schemas import SCHEMA_VERSION, is_prose
from icop.brand.learning.schemas import (
    BrandKitProposal,
    BrandLearningInput,
    ToneDescription,
    ToneDescriptionInput,
)
from icop.llm.policy import default_policy
from icop.llm.tasks import TaskKind, spec_for

ENVELOPE: tuple[type[BaseModel], ...] = (
    schemas.AgentRequest,
    schemas.AgentResponse,
    schemas.AgentUsage,
    schemas.AgentError,
)
RECORDS: tuple[type[BaseModel], ...] = (
    schemas.WriterBrief,
    schemas.Source,
    schemas.ResearchDigest,
    schemas.DraftRecord,
    schemas.ArticleText,
    schemas.ImageAsset,
    schemas.MarkdownDocument,
    schemas.SocialPost,
)

# Sparklio §1.6 "context layer" mapping: where each input field of each agent comes from (brief:
# the request; state: an earlier node's output; deps: a service behind a Protocol). A test
# checks the keys against the input models, so this table cannot drift from them.
CONTEXT: dict[str, dict[str, str]] = {
    "researcher": {
        "topic": "brief.sub_topic or brief.topic",
        "language": "brief.language",
        "sources": "deps: Researcher.research (renumbered 1..n)",
        "question": "prompts.RESEARCH_QUESTION (topic, audience)",
    },
    "writer": {
        "topic": "brief.sub_topic or brief.topic",
        "language": "brief.language",
        "outline": "brief.outline",
        "research": "state.research (claims: the passages' own statements "
        "(icop.agents.claims), or with ICOP_RESEARCH_CLAIMS=model the researcher's, checked "
        "against the passages and topped up from them)",
        "brand_voice": "state.brand_voice (deps: BrandVoice.retrieve)",
        "brand_tone": "state.brand_tone (deps: BrandVoice.tone: the brand kit's tone profile, "
        "icop.brand.learning)",
        "length_words": "brief.length_words",
        "audience": "brief.audience",
    },
    "editor": {
        "topic": "brief",
        "language": "brief.language",
        "drafts": "state.drafts (ok ones, with measured brand-voice similarity)",
        "rubric": "prompts.RUBRIC",
        "research": "state.research",
    },
    "merger": {
        "topic": "brief",
        "language": "brief.language",
        "drafts": "state.drafts (ok ones)",
        "brand_voice": "state.brand_voice",
        "brand_tone": "state.brand_tone",
        "research": "state.research",
    },
    "seo": {
        "title": "brief (working title)",
        "article": "state.article.text",
        "language": "brief.language",
        "keywords": "brief.keywords",
    },
    "visual_director": {
        "title": "state.seo.title (translated to English if needed)",
        "summary": "state.seo.meta_description + state.research.summary (idem)",
        "brand": "brief.brand",
        "count": "brief.image_count",
        "language": "brief.language (for the alt texts)",
    },
    "translator": {
        "text": "the visual director's brief or a prompt",
        "source_language": "brief.language",
        "target_language": "en",
    },
    "social_copywriter": {
        "title": "state.seo.title",
        "summary": "state.seo.meta_description",
        "url": "brief.article_url",
        "platform": "brief.platforms (one branch each)",
        "language": "brief.language",
        "hashtags": "state.seo.hashtags",
        "brand_voice": "state.brand_voice (first two)",
    },
}


def context_key(role: str) -> str:
    return "writer" if role.startswith("writer_") else role


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in node:
        return json.dumps(node["const"])
    if "enum" in node:
        return " \\| ".join(json.dumps(value) for value in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " \\| ".join(_type(option) for option in node[key])
    kind = node.get("type")
    if kind == "array":
        return f"list[{_type(node.get('items', {}))}]"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return f"dict[str, {_type(node['additionalProperties'])}]"
    if kind == "string" and "format" in node:
        return f"string ({node['format']})"
    return str(kind or "any")


def _bounds(node: dict[str, Any]) -> str:
    parts = []
    for option in [node, *node.get("anyOf", [])]:
        for key, label in (
            ("minLength", "≥ {} chars"),
            ("maxLength", "≤ {} chars"),
            ("minItems", "≥ {} items"),
            ("maxItems", "≤ {} items"),
            ("minimum", "≥ {}"),
            ("maximum", "≤ {}"),
        ):
            if key in option:
                parts.append(label.format(option[key]))
        items = option.get("items")
        if isinstance(items, dict) and "maxLength" in items:
            parts.append(f"each ≤ {items['maxLength']} chars")
    return ", ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fields(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    lines = [
        "| field | type | required | bounds | default | description |",
        "|---|---|---|---|---|---|",
    ]
    for name, node in schema.get("properties", {}).items():
        default = json.dumps(node["default"], ensure_ascii=False) if "default" in node else ""
        lines.append(
            f"| `{name}` | {_type(node)} | {'yes' if name in required else 'no'} | "
            f"{_bounds(node)} | {_cell(default)} | {_cell(node.get('description', ''))} |"
        )
    return lines


def _model(model: type[BaseModel], seen: dict[str, dict[str, Any]]) -> list[str]:
    schema = model.model_json_schema()
    seen.update(schema.get("$defs", {}))
    doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    lines = [f"#### {model.__name__}", ""]
    if doc:
        lines += [doc, ""]
    if is_prose(model):
        lines += ["Prose: the model answers in plain text; the runtime wraps it as `text`.", ""]
    return [*lines, *_fields(schema), ""]


def _types(seen: dict[str, dict[str, Any]], documented: set[str]) -> list[str]:
    lines: list[str] = []
    for name in sorted(seen):
        if name in documented:
            continue
        node = seen[name]
        lines += [f"#### {name}", ""]
        if "enum" in node:
            lines += ["One of " + ", ".join(f"`{value}`" for value in node["enum"]) + ".", ""]
        else:
            lines += [*_fields(node), ""]
    return lines


def _route(task: str) -> str:
    return " → ".join(
        candidate.key for candidate in default_policy().candidates(spec_for(task).kind)
    )


VIDEO_AGENTS: tuple[tuple[str, str, TaskKind | None, str, str], ...] = (
    (
        "ScenePlanner",
        "the article or brief → scenes",
        TaskKind.VIDEO_SCENES,
        "ScenePlannerInput",
        "ScenePlan",
    ),
    ("Storyboard", "one scene → its shot", TaskKind.VIDEO_STORYBOARD, "StoryboardInput", "Shot"),
    (
        "VideoDirector",
        "the edit's order, title card, captions, music bed",
        TaskKind.VIDEO_DIRECT,
        "DirectorInput",
        "DirectorNotes",
    ),
    (
        "Reviewer",
        "each segment against its shot, the whole against the platform",
        None,
        "Shot",
        "VideoReview",
    ),
)


def _video(seen: dict[str, dict[str, Any]], documented: set[str]) -> list[str]:
    out = [
        "## Video",
        "",
        "Outside the article graph: the video pipeline (`icop.video`, issue #18, docs/video.md). "
        "Each model call has a deterministic answer when no model gives a usable one; the "
        "timing is computed (`icop.video.timing`: transitions on narration boundaries, the "
        "total within the platform's limit). The Reviewer makes no model call: it measures "
        "sampled frames, checks the prompt criteria and compares each prompt with its scene "
        "through the bundled embedding model.",
        "",
        "| agent | does | task kind (default route) | input | output |",
        "|---|---|---|---|---|",
    ]
    for name, does, task, given, answer in VIDEO_AGENTS:
        route = f"`{task.value}` ({_route(task.value)})" if task else "— (code and embeddings)"
        out.append(
            f"| {name} | {does} | {route} | [{given}](#{given.lower()}) | "
            f"[{answer}](#{answer.lower()}) |"
        )
    out += ["", "Prompt criteria (enforced by the Reviewer before a provider is paid):", ""]
    out += [f"- `{key}`: {text}" for key, text in schemas.PROMPT_CRITERIA.items()]
    out.append("")
    for model in (
        schemas.ScenePlannerInput,
        schemas.ScenePlan,
        schemas.PlannedScene,
        schemas.StoryboardInput,
        schemas.Shot,
        schemas.DirectorInput,
        schemas.DirectorNotes,
        schemas.VideoReview,
        schemas.SegmentVerdict,
    ):
        if model.__name__ not in documented:
            documented.add(model.__name__)
            out += _model(model, seen)
    return out


def render(roles: RoleBook | None = None) -> str:
    roles = roles or default_roles()
    seen: dict[str, dict[str, Any]] = {}
    documented: set[str] = set()
    out = [
        "# Agent I/O schema catalog",
        "",
        "<!-- Generated by `python -m icop.agents.catalog > docs/agents.md`; do not edit. -->",
        "",
        f"Schema version {SCHEMA_VERSION}; roles version {roles.version} "
        "(`src/icop/agents/roles.yaml`). Every agent makes one routed model call "
        "(`SmartRouter`, task kind below): fallback, budgets and the cost ledger apply to both "
        "runtimes (`ICOP_AGENT_RUNTIME=native|crewai`). Every output schema bounds its strings "
        "and arrays. The researcher is asked only with `ICOP_RESEARCH_CLAIMS=model`; by "
        "default the research node takes the claims from the passages it retrieved "
        "(ADR 0022).",
        "",
        "Testing an agent (fixtures, recorded model answers, assertions): "
        "[agent-test-kit.md](agent-test-kit.md).",
        "",
        "## Flow",
        "",
        "```",
        FLOW,
        "```",
        "",
        "## Roles",
        "",
        "| agent | role | task kind (default route) | input | output | tools |",
        "|---|---|---|---|---|---|",
    ]
    for spec in roles.all():
        out.append(
            f"| `{spec.name}` | {spec.role} | `{spec.task.value}` ({_route(spec.task)}) | "
            f"[{spec.input}](#{spec.input.lower()}) | [{spec.output}](#{spec.output.lower()}) | "
            f"{', '.join(f'`{tool}`' for tool in spec.tools) or '—'} |"
        )
    out += ["", "Tools (run by the role's graph node before its model call):", ""]
    out += [f"- `{name}`: {description}" for name, description in TOOLS.items()]
    out += ["", "Editor rubric (each criterion scored 1-10):", ""]
    out += [f"- `{criterion.name}`: {criterion.description}" for criterion in RUBRIC]
    out += ["", "## Agents", ""]
    for spec in roles.all():
        out += [f"### {spec.name}", "", f"*{spec.role}.* {spec.goal}", ""]
        sources = CONTEXT.get(context_key(spec.name), {})
        out += ["Context (where each input comes from): "]
        out[-1] += "; ".join(f"`{field}` ← {origin}" for field, origin in sources.items()) + "."
        out.append("")
        for model in (spec.input_model, spec.output_model):
            if model.__name__ not in documented:
                documented.add(model.__name__)
                out += _model(model, seen)
    out += [
        "## Design editor",
        "",
        "Outside the article graph: the design editor (`icop.designs`, issue #14) maps a "
        "command to its actions by rules first and asks the model only for a sentence the "
        f"rules did not understand: task `{TaskKind.EDITOR_COMMAND.value}` "
        f"({_route(TaskKind.EDITOR_COMMAND.value)}). Each step the model returns becomes one "
        "of the editor's typed actions (`icop.designs.actions`), checked against the document "
        "(targets exist, one object per reference, bounds, fonts, contrast); a step that does "
        "not fit is answered as not understood, never guessed.",
        "",
    ]
    for model in (schemas.EditorCommandInput, schemas.EditorAnswer):
        documented.add(model.__name__)
        out += _model(model, seen)
    out += _video(seen, documented)
    out += [
        "## BrandLearningAgent",
        "",
        "Outside the article graph: `icop.brand.learning` proposes a brand kit from what a "
        "tenant gives (`BrandLearningInput`; images travel as files beside it) and answers "
        "`BrandKitProposal`, which a person accepts (a kit version), edits or rejects. Colours "
        "are clustered in OKLab from the images and read from the declared CSS; fonts are the "
        "declared families, mapped to the renderer's catalog; tone is measured (sentence "
        "length, person, formality markers, vocabulary, recurring phrases) and described by "
        f"one model call, task `{TaskKind.BRAND_TONE.value}` ({_route(TaskKind.BRAND_TONE.value)}"
        "): `ToneDescriptionInput` → `ToneDescription`. The voice embedding is the samples' "
        "centroid (pgvector). The accepted `ToneProfile` reaches the writers and the merger "
        "as `brand_tone`.",
        "",
    ]
    for model in (
        BrandLearningInput,
        BrandKitProposal,
        ToneDescriptionInput,
        ToneDescription,
    ):
        if model.__name__ not in documented:
            documented.add(model.__name__)
            out += _model(model, seen)
    out += [
        "## Envelope",
        "",
        "Every call is described by an `AgentRequest` and answered by an `AgentResponse`; "
        "failures carry an `AgentError` (the one error format).",
        "",
    ]
    for model in (*ENVELOPE, *RECORDS):
        if model is RECORDS[0]:
            out += ["## Records the article keeps", ""]
        if model.__name__ not in documented:
            documented.add(model.__name__)
            out += _model(model, seen)
    out += ["## Types", "", *_types(seen, documented)]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
