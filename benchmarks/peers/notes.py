"""The ``note`` of a peer's run in peers.json: how it ran, and exactly what failed and why (the
published table prints it under the figures)."""

from __future__ import annotations

from typing import Any

from benchmarks.peers.environments import PeerEnvironment

SETUP = {
    "storm": (
        "STORM's wiki pipeline (research, outline, article, polish) with its VectorRM "
        "retriever over the topic's reference documents (Qdrant, bundled all-MiniLM-L6-v2), "
        "2 perspectives x 2 conversation turns, sections capped at about the topic's length; "
        "offline adaptations in docs/peers.md"
    ),
    "gpt_researcher": (
        "GPT-Researcher's research_report with report_source=local over the topic's reference "
        "documents (DOC_PATH), default keyword context filter, TOTAL_WORDS = the topic's "
        "length; no web retriever offline; adaptations in docs/peers.md"
    ),
}


def run_note(environment: PeerEnvironment, articles: list[dict[str, Any]]) -> str:
    parts = [SETUP[environment.peer] + "."]
    failed = [article for article in articles if article["error"] is not None]
    for article in failed:
        error = " ".join(str(article["error"]).split())
        error = error if len(error) <= 300 else error[:297] + "..."
        parts.append(f"No report for {article['topic_id']}: {error}")
    uncited = [
        article["topic_id"]
        for article in articles
        if article["scores"] is not None and article["scores"]["cited_sentences"] == 0
    ]
    if uncited:
        parts.append(f"Cited nothing (citation support undefined): {', '.join(uncited)}.")
    return " ".join(parts)
