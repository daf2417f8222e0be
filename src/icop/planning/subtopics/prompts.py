"""Prompts of sub-topic generation, side by side so a reviewer reads them together.

Instructions travel in the router's ``instructions`` argument, which context minimisation never
drops; the data travels in ``inputs`` under the names the task kinds consume (icop.llm.tasks).
"""

from __future__ import annotations

EXPAND_SYSTEM = (
    "You are a content strategist who plans article series. You find the many different angles "
    "and questions that readers have about a subject."
)

# One focus per expansion call: asked the same question several times, a small model repeats
# itself; asked about different facets, it covers the subject (and the clusters get variety).
FOCUSES: tuple[str, ...] = (
    "practical how-to steps and techniques",
    "common problems, mistakes and how to fix them",
    "tools, equipment, materials and costs",
    "the science: why and how it works",
    "questions a complete beginner asks",
    "advanced tips, comparisons and alternatives",
    "health, safety, environment and rules",
    "special situations: seasons, small spaces, climates, families",
)


def expand_instructions(count: int, focus: str) -> str:
    return (
        f"List {count} distinct angles or reader questions for articles about `topic`, in the "
        f"language given as `language`. Focus this list on: {focus}. Each item is one short "
        "phrase or question (at most 15 words) about a different aspect; no numbering, no "
        "repeats, do not just restate the topic. Answer as JSON with the list in `angles`."
    )


LABEL_SYSTEM = "You name groups of related article ideas with short, specific titles."


def label_instructions(max_chars: int, contrast: list[str]) -> str:
    # The other groups' keywords travel here, not in the inputs: the title must set this group
    # apart from them. Without them the bundled model copied the example title (measured), and
    # without the example it listed the keywords as a title.
    others = (
        " Other groups cover: " + "; ".join(contrast) + ". Name what is different about this one."
        if contrast
        else ""
    )
    return (
        "The `phrases` are article ideas that belong together within the main `topic`. Write "
        f"one short, specific title (3 to 8 words, at most {max_chars} characters) for the "
        "sub-topic they share, in the language given as `language`; for example, for the topic "
        "'coffee at home': 'Choosing a Burr Grinder' or 'Fixing Bitter Espresso'. Do not list "
        f"the keywords and do not just repeat the main topic.{others} Answer as JSON with the "
        "title in `label`."
    )
