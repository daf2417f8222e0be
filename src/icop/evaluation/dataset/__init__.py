"""The evaluation topics shipped with the package: ``<topic-id>/topic.yaml`` (the brief and the
key facts an article should cover) and ``<topic-id>/docs/*.md`` (the reference documents a fresh
workspace's knowledge store is given, so research finds them offline).

The same files are read by the side-by-side runs of STORM and GPT-Researcher, so every system
gets identical inputs: keep the format plain (YAML and Markdown, no code).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from icop.errors import ConfigurationError, NotFound

DATASET_DIR = Path(__file__).parent
TOPIC_FILE = "topic.yaml"
DOCS_DIR = "docs"
# What a topic may ask for: the bundled model writes ~5 tokens/s per slot on 2 cores, so a
# longer brief makes the whole set too slow to run; a shorter one says little about quality.
MIN_LENGTH_WORDS, MAX_LENGTH_WORDS = 300, 400
_BCP47 = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_TOPIC_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class ReferenceDocument(BaseModel):
    """One reference document: its title is its first ``# `` heading."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="File stem, unique within the topic.")
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, description="The whole Markdown file.")

    @property
    def body(self) -> str:
        """The text without its title line."""
        lines = self.text.strip().splitlines()
        return "\n".join(lines[1:] if lines and lines[0].startswith("# ") else lines).strip()


class EvalTopic(BaseModel):
    """One evaluation topic: a brief an article is written from, and what it should cover."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_TOPIC_ID, max_length=60)
    topic: str = Field(min_length=3, max_length=500)
    language: str = Field(pattern=_BCP47, max_length=16, description="BCP 47 tag")
    audience: str = Field(min_length=1, max_length=300)
    length_words: int = Field(ge=MIN_LENGTH_WORDS, le=MAX_LENGTH_WORDS)
    keywords: list[ShortText] = Field(min_length=1, max_length=10)
    key_facts: list[ShortText] = Field(min_length=5, max_length=8)
    documents: list[ReferenceDocument] = Field(default_factory=list, max_length=3)

    @field_validator("key_facts")
    @classmethod
    def _distinct(cls, facts: list[str]) -> list[str]:
        if len({fact.strip().casefold() for fact in facts}) != len(facts):
            raise ValueError("key facts must be distinct")
        return facts

    @property
    def base_language(self) -> str:
        """``ko`` for ``ko-KR``: what language-specific text handling keys on."""
        return self.language.split("-")[0].lower()


def read_document(path: Path) -> ReferenceDocument:
    text = path.read_text(encoding="utf-8").strip()
    first = text.splitlines()[0] if text else ""
    title = first[2:].strip() if first.startswith("# ") else path.stem.replace("-", " ")
    return ReferenceDocument(name=path.stem, title=title, text=text + "\n")


def read_topic(directory: Path) -> EvalTopic:
    """The topic in ``directory``, validated; a clear error naming the file otherwise."""
    source = directory / TOPIC_FILE
    try:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"evaluation topic {source}: {error}") from error
    if not isinstance(document, dict):
        raise ConfigurationError(f"evaluation topic {source}: not a mapping")
    documents = [read_document(path) for path in sorted((directory / DOCS_DIR).glob("*.md"))]
    try:
        topic = EvalTopic.model_validate({**document, "documents": documents})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors(include_url=False)
        )
        raise ConfigurationError(f"evaluation topic {source}: {problems}") from error
    if topic.id != directory.name:
        raise ConfigurationError(f"evaluation topic {source}: id {topic.id!r} is not its folder")
    if len(documents) < 2:
        raise ConfigurationError(f"evaluation topic {source}: needs 2 or 3 documents in docs/")
    return topic


@cache
def _load(root: Path) -> tuple[EvalTopic, ...]:
    return tuple(
        read_topic(directory)
        for directory in sorted(root.iterdir())
        if (directory / TOPIC_FILE).is_file()
    )


def load_topics(ids: list[str] | None = None, *, root: Path | None = None) -> list[EvalTopic]:
    """Every shipped topic (sorted by id), or those named in ``ids`` in that order."""
    topics = _load((root or DATASET_DIR).resolve())
    if not ids:
        return list(topics)
    by_id = {topic.id: topic for topic in topics}
    unknown = [wanted for wanted in ids if wanted not in by_id]
    if unknown:
        raise NotFound(
            f"no evaluation topic {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(by_id))}"
        )
    return [by_id[wanted] for wanted in ids]


def is_topic_id(value: str) -> bool:
    return re.fullmatch(_TOPIC_ID, value) is not None
