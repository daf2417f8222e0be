"""Prompts of the article graph: the system prompt each role gets (from roles.yaml) and the
per-role instructions (here, next to each other, so a reviewer reads every prompt in one file).

Instructions travel in the router's ``instructions`` argument, which context minimisation never
drops or trims; the data travels in ``inputs``, which it may trim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from icop.agents.roles import RoleSpec
from icop.agents.schemas import (
    GateReport,
    InputModel,
    MergerInput,
    ResearchDigest,
    RubricCriterion,
    WriterInput,
)
from icop.llm.context import BRIEF
from icop.platforms.validation import PLATFORM_RULES, Platform

_LANGUAGE_RULE = "Write in the language given as `language` (a BCP 47 tag) unless told otherwise."
_BRIEF_LANGUAGE_RULE = "Write in the language the brief asks for, every heading too."


def system_prompt(spec: RoleSpec) -> str:
    return f"You are a {spec.role}. {spec.backstory.strip()}\nYour goal: {spec.goal.strip()}"


CITATION_RULE = (
    "Cite sources inline with their numbers in square brackets, e.g. [1] or [2][3], right "
    "after the statement they support. Use only the numbers the facts carry; never invent a "
    "source, a number, a statistic or a quotation. Leave out what the research does not support."
)

RESEARCH_QUESTION = (
    "What does an article on '{topic}'{audience} need to know? Collect the facts, figures, "
    "steps and caveats the sources state."
)

RUBRIC: tuple[RubricCriterion, ...] = (
    RubricCriterion(
        name="structure",
        description="A clear opening, logical sections, a useful ending; nothing repeated.",
    ),
    RubricCriterion(
        name="faithfulness",
        description="Every factual statement is supported by the cited research source; "
        "no invented facts; citations [n] point at the right source.",
    ),
    RubricCriterion(
        name="brand_voice",
        description="Sounds like the brand's samples (the measured similarity is given as "
        "brand_voice_similarity, higher is closer).",
    ),
    RubricCriterion(
        name="readability",
        description="Short sentences, plain words, scannable for the audience.",
    ),
)

_INSTRUCTIONS: dict[str, str] = {
    "researcher": (
        "Read the numbered sources. Write a summary of what they establish, then list claims: "
        "each claim is one statement and cites the numbers of the sources that support it. "
        "Use only the given source numbers. " + _LANGUAGE_RULE
    ),
    "writer": (
        "Write the article the brief asks for, in Markdown: a title line starting with '# ', "
        "short sections with '## ' headings, plain paragraphs, no list of sources at the end. "
        + CITATION_RULE
        + " "
        + _BRIEF_LANGUAGE_RULE
        + " Answer with the article only."
    ),
    "editor": (
        "Score every draft from 1 to 10 on each rubric criterion, choose the best draft "
        "(`chosen` is its id), and explain the choice in two or three sentences. Prefer the "
        "draft that states the most research claims correctly, each cited."
    ),
    "merger": (
        "Merge the drafts into one article in Markdown: take the strongest opening, the "
        "clearest explanations and the most useful advice from each, remove repetition, and "
        "keep one consistent voice in the brand's tone. "
        + CITATION_RULE
        + " "
        + _BRIEF_LANGUAGE_RULE
        + " Answer with the article only."
    ),
    "seo": (
        "Write the search title (at most 60 characters), the meta description (at most 160 "
        "characters, a complete sentence), a URL slug (lower-case ASCII words joined by "
        "hyphens), up to 10 keywords and up to 10 hashtags (without '#'). The title and "
        "description are in the article's language. Start from the given `keywords`."
    ),
    "visual_director": (
        "Describe `count` images for the article. Each `prompt` is written in English, "
        "whatever the article's language: a concrete subject, setting, light, composition, "
        "style and the brand's colours; no text, letters or logos in the image. Each `alt` "
        "describes the image for readers in the article's `language`. Choose an `aspect` per "
        "image: 16:9 for the first (the article's hero image), 1:1 or 4:5 for the others."
    ),
    "translator": (
        "Translate `text` from `source_language` into `target_language`. Keep the meaning, "
        "the line breaks and any [n] markers. Answer with the translation only."
    ),
    "social_copywriter": (
        "Write one post for `platform` that makes its readers want to open the article at "
        "`url`: a hook, one concrete takeaway from the `summary`, in the brand's voice and "
        "in the article's `language`. Put the hashtags in `hashtags` (without '#'), not in "
        "the text, and do not put the URL in the text."
    ),
}


LANGUAGE_NAMES = {
    "en": "English",
    "ko": "Korean (한국어)",
    "ja": "Japanese (日本語)",
    "zh": "Chinese (中文)",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}


def language_name(tag: str) -> str:
    return LANGUAGE_NAMES.get(tag.split("-")[0].lower(), tag)


# Writers and the merger get their material as a brief in prose, not as the router's "## field"
# sections: small models writing Markdown imitate those sections and hand the prompt back as
# the article (seen with the bundled 0.5B model). The gate still checks for it (agents.gate).
BRIEF_OPENING = "Write an article of about {words} words in {language}{audience} on: {topic}."
BRIEF_OUTLINE = "Cover these points, in this order: {points}."
BRIEF_RESEARCH = "What the research established: {summary}"
BRIEF_FACTS = "Facts you can use, each with the number of the source to cite for it:"
BRIEF_VOICE = "The brand's own writing, to match in tone (never copy it):"
BRIEF_TONE = "The brand's tone of voice: {tone}"
BRIEF_DRAFTS = "The drafts to merge:"


def writer_brief(inputs: WriterInput) -> str:
    return _brief(
        inputs.topic,
        inputs.language,
        inputs.length_words,
        inputs.audience,
        inputs.outline,
        inputs.research,
        inputs.brand_voice,
        inputs.brand_tone,
    )


def merger_brief(inputs: MergerInput) -> str:
    drafts = "\n\n".join(
        f"Draft {index}:\n\n{draft.text}" for index, draft in enumerate(inputs.drafts, start=1)
    )
    facts = _brief(inputs.topic, inputs.language, None, None, [], inputs.research, [])
    voice = "\n\n".join(
        part for part in (_tone(inputs.brand_tone), _voice(inputs.brand_voice)) if part
    )
    return "\n\n".join(part for part in (facts, voice, f"{BRIEF_DRAFTS}\n\n{drafts}") if part)


def _brief(
    topic: str,
    language: str,
    words: int | None,
    audience: str | None,
    outline: Sequence[str],
    research: ResearchDigest,
    voice: Sequence[str],
    tone: str | None = None,
) -> str:
    opening = BRIEF_OPENING.format(
        words=words or "the drafts' length",
        language=language_name(language),
        audience=f" for {audience}" if audience else "",
        topic=topic,
    )
    parts = [opening]
    if outline:
        parts.append(BRIEF_OUTLINE.format(points="; ".join(outline)))
    if research.summary.strip():
        parts.append(BRIEF_RESEARCH.format(summary=research.summary.strip()))
    if research.claims:
        facts = "\n".join(
            f"- {claim.text} " + "".join(f"[{n}]" for n in claim.sources)
            for claim in research.claims
        )
        parts.append(f"{BRIEF_FACTS}\n{facts}")
    parts.append(_tone(tone))
    parts.append(_voice(voice))
    return "\n\n".join(part for part in parts if part)


def _tone(tone: str | None) -> str:
    return BRIEF_TONE.format(tone=" ".join(tone.split())) if tone and tone.strip() else ""


def _voice(samples: Sequence[str]) -> str:
    if not samples:
        return ""
    quoted = "\n\n".join(f"> {' '.join(sample.split())}" for sample in samples[:3])
    return f"{BRIEF_VOICE}\n\n{quoted}"


PROSE_BRIEFS: dict[type[InputModel], Callable[[Any], str]] = {
    WriterInput: writer_brief,
    MergerInput: merger_brief,
}


def router_inputs(inputs: InputModel) -> dict[str, Any]:
    """What the router renders into the user message: a prose brief for the roles that have
    one, the input fields otherwise (None means "not given" and costs no tokens)."""
    brief = PROSE_BRIEFS.get(type(inputs))
    if brief is not None:
        return {BRIEF: brief(inputs)}
    return inputs.model_dump(mode="json", exclude_none=True)


# Headings a model copies from its inputs: the input fields by name, and the parts of the
# research and the brief ("Claims", "Facts", "Sample 2"). Not "summary": a closing "## Summary"
# is the writer's own section (a pasted research summary goes with its "Research" label).
INPUT_LABELS = (
    *(set(WriterInput.model_fields) | set(MergerInput.model_fields)),
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


def rewrite_note(report: GateReport | None) -> str | None:
    """What the writers are told when the gate sent their article back."""
    if report is None or report.passed:
        return None
    problems = "; ".join(sorted({finding.code.replace("_", " ") for finding in report.blocking}))
    return (
        f"A previous article on this brief was rejected ({problems}). Write a new one: only "
        "the article itself, no headings or sentences from this brief, no sentence twice, "
        "every citation next to the fact it supports, nothing the facts above do not say."
    )


POLISH_NOTE = (
    "There is one draft: polish it into the final article. Fix structure, clarity and tone; "
    "keep every fact and every [n] citation exactly where it is; add nothing the research "
    "does not support."
)
"""Added to the merger's instructions when it polishes the editor's pick (ICOP_EDITOR_POLISH)."""


def instructions(spec: RoleSpec, extra: str | None = None) -> str:
    key = "writer" if spec.name.startswith("writer_") else spec.name
    base = _INSTRUCTIONS.get(key, "")
    return f"{base}\n\n{extra}".strip() if extra else base


def every_prompt(roles: Iterable[RoleSpec]) -> list[str]:
    """The scaffolding of every role: a writer has been seen pasting the researcher's
    instructions into its article."""
    return [text for spec in roles for text in scaffolding(spec)]


def scaffolding(spec: RoleSpec) -> list[str]:
    """The prompt text an answer of ``spec``'s role must not contain: its system prompt, its
    instructions and the fixed sentences of its brief (the gate checks for them)."""
    fixed = [
        BRIEF_OPENING,
        BRIEF_OUTLINE,
        BRIEF_RESEARCH,
        BRIEF_FACTS,
        BRIEF_VOICE,
        BRIEF_DRAFTS,
        CITATION_RULE,
        POLISH_NOTE,
        _LANGUAGE_RULE,
        _BRIEF_LANGUAGE_RULE,
    ]
    # One run of text: a template shorter than the shared-run length ("What the research
    # established:") is then still found whole, as a heading the bundled model copied.
    brief = " ".join(re.sub(r"\{\w+\}", " ", t) for t in fixed)
    return [system_prompt(spec), instructions(spec), brief]


def platform_instructions(platform: Platform) -> str:
    rules = PLATFORM_RULES[platform]
    limit = rules.text_limit
    # Leave room for the link and the hashtags the validator appends to the text.
    budget = min(limit, 1500) - 60 if limit > 300 else limit - 60
    tags = (
        f"at most {rules.max_hashtags} hashtag(s)"
        if rules.max_hashtags is not None
        else "two or three hashtags"
    )
    return (
        f"{rules.display_name}: keep the text under {budget} characters and use {tags}. "
        + ("Emoji count double there. " if platform is Platform.X else "")
    ).strip()
