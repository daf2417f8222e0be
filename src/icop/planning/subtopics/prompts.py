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


def label_instructions(max_chars: int) -> str:
    return (
        "The `phrases` are article ideas that belong together, within the main `topic`; the "
        "`keywords` are the words that set them apart. Name what they share with one short, "
        f"specific sub-topic title (at most 8 words, {max_chars} characters) in the language "
        "given as `language`. The title must name this group's angle, not just repeat the main "
        "topic. Answer as JSON with the title in `label`."
    )
