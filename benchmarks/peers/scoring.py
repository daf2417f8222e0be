"""A peer's report scored with the metrics ICOP's articles are scored with
(``icop.evaluation.metrics.score_report``): the same citation support check against the passage
each source carries, the same invented-source rule (a cited source must be one of the topic's
reference documents), the same coverage of the topic's key facts."""

from __future__ import annotations

from typing import Any

from benchmarks.peers.native import PeerReport
from icop.evaluation.dataset import EvalTopic
from icop.evaluation.metrics import score_report
from icop.evaluation.records import SourceRef


def source_refs(report: PeerReport) -> list[SourceRef]:
    return [
        SourceRef(number=source.number, title=source.title, url=source.url, snippet=source.snippet)
        for source in report.sources
    ]


def score_peer_report(report: PeerReport, topic: EvalTopic) -> dict[str, Any]:
    """Every measure of the report, as JSON values (``peers.json``'s ``scores``)."""
    return score_report(report.text, source_refs(report), topic).model_dump(mode="json")
