"""The role definitions (``roles.yaml``): loaded once, validated against the schema catalog and
the router's task kinds, so a typo fails at start-up instead of in the middle of an article."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from icop.agents import schemas
from icop.agents.exceptions import RoleConfigError
from icop.llm.tasks import TaskKind, spec_for

ROLES_FILE = Path(__file__).with_name("roles.yaml")

TOOLS: dict[str, str] = {
    "knowledge_search": "The tenant's knowledge and trend store (pgvector), via the Researcher.",
    "web_search": "A web search API (Tavily, Brave, SearXNG), via the Researcher.",
    "brand_voice_retrieval": "The tenant's brand-voice samples closest to the topic.",
    "brand_voice_similarity": "Cosine similarity of a draft to the brand-voice samples.",
    "translate": "The translator role, for prompts that must be English.",
    "image_renderer": "The image service (ImageMaker): prompt to stored JPEG.",
    "platform_validator": "icop.platforms.validation: fits a post to a platform's limits.",
    # Code stages of the graph, not model calls: listed so the catalog shows the whole chain.
    "publishability_gate": "icop.agents.gate: strips prompt scaffolding, repeated sentences and "
    "unsupported citations, or blocks the article (rewritten once, then needs_review).",
    "markdown_formatter": "icop.agents.gate.document: the final Markdown assembled in code from "
    "typed parts (one title, sections, images, sources renumbered as cited); no model call.",
}

ROLE_NAMES = (
    "researcher",
    "writer_a",
    "writer_b",
    "writer_c",
    "editor",
    "merger",
    "seo",
    "visual_director",
    "translator",
    "social_copywriter",
)


def schema_named(name: str) -> type[BaseModel]:
    model = getattr(schemas, name, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise RoleConfigError(f"no schema named {name!r} in icop.agents.schemas")
    return model


class RoleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    version: str = Field(max_length=20)
    role: str = Field(min_length=1, max_length=120)
    goal: str = Field(min_length=1, max_length=600)
    backstory: str = Field(min_length=1, max_length=1500)
    tools: tuple[Annotated[str, Field(max_length=40)], ...] = ()
    task: TaskKind
    input: str
    output: str
    max_tokens: int | None = Field(default=None, ge=1, le=32_000)

    @property
    def input_model(self) -> type[BaseModel]:
        return schema_named(self.input)

    @property
    def output_model(self) -> type[BaseModel]:
        return schema_named(self.output)

    @property
    def prose(self) -> bool:
        return schemas.is_prose(self.output_model)

    @model_validator(mode="after")
    def _consistent(self) -> RoleSpec:
        unknown = [tool for tool in self.tools if tool not in TOOLS]
        if unknown:
            raise ValueError(f"unknown tools {unknown}; known: {sorted(TOOLS)}")
        input_model, output_model = schema_named(self.input), schema_named(self.output)
        if not issubclass(input_model, schemas.InputModel):
            raise ValueError(f"{self.input} is not an input schema")
        if not issubclass(output_model, schemas.OutputModel):
            raise ValueError(f"{self.output} is not an output schema")
        spec = spec_for(self.task)
        if spec.structured and schemas.is_prose(output_model):
            raise ValueError(f"task {self.task} needs a structured output, {self.output} is prose")
        # The router drops every input field its task kind does not consume: a field the
        # model never sees is a silent bug, so it is a configuration error here.
        dropped = sorted(set(input_model.model_fields) - spec.consumes)
        if dropped:
            raise ValueError(f"task {self.task} would drop {self.input} fields {dropped}")
        return self


class RoleBook(BaseModel):
    """All roles, by name."""

    model_config = ConfigDict(frozen=True)

    version: str
    roles: dict[str, RoleSpec]

    def __getitem__(self, name: str) -> RoleSpec:
        try:
            return self.roles[name]
        except KeyError:
            raise RoleConfigError(f"no role named {name!r}") from None

    def all(self) -> list[RoleSpec]:
        return list(self.roles.values())


def parse_roles(document: dict[str, Any]) -> RoleBook:
    if not isinstance(document, dict) or not isinstance(document.get("roles"), dict):
        raise RoleConfigError("roles.yaml needs a 'roles' mapping")
    version = str(document.get("version", "1"))
    try:
        roles = {
            name: RoleSpec.model_validate({"name": name, "version": version, **(body or {})})
            for name, body in document["roles"].items()
        }
    except ValidationError as error:
        raise RoleConfigError(f"invalid role definition: {error}") from error
    missing = sorted(set(ROLE_NAMES) - set(roles))
    if missing:
        raise RoleConfigError(f"roles.yaml lacks roles the graph runs: {missing}")
    return RoleBook(version=version, roles=roles)


def load_roles(path: Path | None = None) -> RoleBook:
    source = path or ROLES_FILE
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RoleConfigError(f"cannot read {source}: {error}") from error
    return parse_roles(document)


@lru_cache
def default_roles() -> RoleBook:
    return load_roles()
