"""Scaffolding leaks: headings and sentences an article took from its prompt — the templates
the product sends (system prompts, instructions, briefs) or the input fields' labels used as
headings — found with the gate's own detectors (``icop.agents.gate.scaffolding``).

The templates are read from the code that wrote the article: a run records them
(``prompt_templates`` at run time), so a baseline written with older prompts is checked against
the prompts it was actually given, and every run is checked against today's too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from icop.agents import prompts
from icop.agents.gate.scaffolding import is_label, labels_of, leaked_sentences
from icop.agents.roles import default_roles
from icop.platforms import Platform

# Labels a model copies from its inputs besides the field names themselves: the parts of the
# research and of the brief. Not "summary" or "title": an article's own closing "## Summary"
# or a "Title" word is the writer's, not the prompt's.
EXTRA_LABELS = (
    "claims",
    "claim",
    "sources",
    "facts",
    "sample",
    "samples",
    "draft",
    "brief",
    "brand voice samples",
    "length",
    "word count",
)
NOT_LABELS = frozenset({"summary", "title", "text", "number", "url", "id"})


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of ``model`` and of the models nested in it."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [model]
    seen: set[type[BaseModel]] = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            names.add(name)
            for candidate in _models_in(info.annotation):
                pending.append(candidate)
    return names


def _models_in(annotation: object) -> Iterable[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(argument)


def input_labels() -> frozenset[str]:
    names: set[str] = set(EXTRA_LABELS)
    for spec in default_roles().all():
        names |= field_names(spec.input_model)
    return labels_of(name for name in names if name not in NOT_LABELS)


def prompt_templates() -> list[str]:
    """The prompt text the product's code sends, whatever the inputs: each role's system
    prompt and instructions (and its brief's fixed text, where the prompts module has one),
    the platforms' instructions, and the module's other fixed phrases."""
    texts: list[str] = []
    for spec in default_roles().all():
        texts.append(prompts.system_prompt(spec))
        texts.append(prompts.instructions(spec))
        extra = getattr(prompts, "scaffolding", None)
        if callable(extra):
            texts.extend(str(text) for text in extra(spec))
    texts.extend(prompts.platform_instructions(platform) for platform in Platform)
    texts.extend(
        value
        for name, value in vars(prompts).items()
        if name.isupper() and isinstance(value, str) and len(value.split()) >= 4
    )
    texts.extend(criterion.description for criterion in getattr(prompts, "RUBRIC", ()))
    return list(dict.fromkeys(text for text in texts if text.strip()))


def leaks(body: str, references: Sequence[str], language: str) -> list[str]:
    """Headings and sentences of ``body`` copied from ``references`` (long shared word runs),
    and heading or bold label lines that are an input field's name."""
    labels = input_labels()
    found = [
        line.strip()[:200]
        for line in body.splitlines()
        if line.strip() and is_label(line.strip(), labels)
    ]
    found += [sentence[:200] for sentence in leaked_sentences(body, references, language)]
    return list(dict.fromkeys(found))
