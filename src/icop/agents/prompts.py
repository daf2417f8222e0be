"""Prompts of the article graph: the system prompt each role gets (from roles.yaml) and the
per-role instructions (here, next to each other, so a reviewer reads every prompt in one file).

Instructions travel in the router's ``instructions`` argument, which context minimisation never
drops or trims; the data travels in ``inputs``, which it may trim.
"""

from __future__ import annotations

from icop.agents.roles import RoleSpec
from icop.agents.schemas import RubricCriterion
from icop.platforms.validation import PLATFORM_RULES, Platform

_LANGUAGE_RULE = "Write in the language given as `language` (a BCP 47 tag) unless told otherwise."


def system_prompt(spec: RoleSpec) -> str:
    return f"You are a {spec.role}. {spec.backstory.strip()}\nYour goal: {spec.goal.strip()}"


CITATION_RULE = (
    "Cite sources inline with their numbers in square brackets, e.g. [1] or [2][3], right "
    "after the statement they support. Use only the numbers listed in `research.sources`; "
    "never invent a source, a number, a statistic or a quotation. Leave out what the research "
    "does not support."
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
        "Write the article in Markdown: a title line starting with '# ', short sections with "
        "'## ' headings, about `length_words` words, for the `audience`. Follow the `outline` "
        "when one is given. Match the tone of the `brand_voice` samples (do not copy them). "
        + CITATION_RULE
        + " "
        + _LANGUAGE_RULE
        + " Answer with the article only."
    ),
    "editor": (
        "Score every draft from 1 to 10 on each rubric criterion, choose the best draft "
        "(`chosen` is its id), and explain the choice in two or three sentences. Then polish "
        "the chosen draft into `polished_text`: fix structure, clarity and tone, keep its "
        "facts and every [n] citation exactly, add nothing the research does not support. "
        + _LANGUAGE_RULE
    ),
    "merger": (
        "Merge the drafts into one article in Markdown: take the strongest opening, the "
        "clearest explanations and the most useful advice from each, remove repetition, and "
        "keep one consistent voice matching the `brand_voice` samples. "
        + CITATION_RULE
        + " "
        + _LANGUAGE_RULE
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
    "markdown_formatter": (
        "Format `article` as clean Markdown: one '# ' title (use `title`), '## ' section "
        "headings, lists where the text enumerates. Place each image once, on its own line, "
        "as ![alt](url), where it fits the text best. Keep every word and every [n] citation; "
        "do not add a sources list or front matter. Answer with the Markdown only."
    ),
    "social_copywriter": (
        "Write one post for `platform` that makes its readers want to open the article at "
        "`url`: a hook, one concrete takeaway from the `summary`, in the brand's voice and "
        "in the article's `language`. Put the hashtags in `hashtags` (without '#'), not in "
        "the text, and do not put the URL in the text."
    ),
}


# The router renders inputs as "## field" sections; small models writing Markdown imitate them
# and hand the prompt back as the answer (seen with the bundled 0.5B model).
INPUTS_NOTE = (
    "Your inputs follow as sections headed '## <name>'. They are material, not part of the "
    "answer: never repeat them or their headings."
)


def instructions(spec: RoleSpec, extra: str | None = None) -> str:
    key = "writer" if spec.name.startswith("writer_") else spec.name
    base = _INSTRUCTIONS.get(key, "")
    if spec.prose:
        base = f"{base} {INPUTS_NOTE}"
    return f"{base}\n\n{extra}".strip() if extra else base


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
