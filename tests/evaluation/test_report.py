"""The published report: runs summarised with pooled figures, the RESULT line (with the peers'
fields when their results are recorded), and docs written with their plots."""

from __future__ import annotations

from pathlib import Path

from icop.evaluation.dataset import load_topics
from icop.evaluation.metrics import score_report
from icop.evaluation.records import ArticleRecord, RunRecord, SocialRecord, SourceRef
from icop.evaluation.report import (
    PeerArticle,
    PeerRun,
    PeersFile,
    load_peers,
    result_line,
    score_run,
    write_report,
)

PASSAGE = (
    "A compost heap needs a balance of nitrogen-rich greens and carbon-rich browns. "
    "Compost should feel as moist as a wrung-out sponge."
)


def article(topic_id: str, status: str, body: str, seconds: float, after: float) -> ArticleRecord:
    source = SourceRef(number=1, title="Home composting basics", snippet=PASSAGE)
    return ArticleRecord(
        topic_id=topic_id,
        language="en",
        provider="local",
        model="m",
        mode="compare",
        status=status,
        markdown=f"{body}\n\n## Sources\n\n1. Home composting basics\n" if body else "",
        article_text=body,
        sources=[source],
        references=[source] if body else [],
        social=[
            SocialRecord(platform="x", draft_text="a", text="a", ok=True),
            SocialRecord(platform="threads", draft_text="b", text="b", ok=True, changes=["x"]),
        ],
        seconds=seconds,
        finished_after_s=after,
    )


def run() -> RunRecord:
    body = (
        "# Compost\n\nA compost heap needs nitrogen-rich greens and carbon-rich browns [1].\n\n"
        "## Water\n\nKeep compost as moist as a wrung-out sponge [1].\n\n"
        "## Sun\n\nTomatoes need six hours of sun [1]."
    )
    return RunRecord(
        label="0.5B baseline",
        provider="local",
        model="m",
        mode="compare",
        started_at="2026-12-07T00:00:00+00:00",
        articles=[
            article("home-composting", "ready", body, 200.0, 260.0),
            article("balcony-gardening", "no_sources", "", 5.0, 270.0),
        ],
    )


def test_a_run_summarised_and_its_result_line() -> None:
    scored = score_run(run())
    summary = scored.summary
    assert (summary.topics, summary.ready, summary.not_written) == (2, 1, 1)
    assert summary.citation_support == round(2 / 3, 3)
    assert summary.coverage == round((2 / 7 + 0.0) / 2, 3)  # the unwritten article counts 0
    assert summary.valid_posts == 1.0 and summary.valid_posts_before == 0.5
    assert summary.article_s == 200.0 and summary.first_article_s == 260.0
    assert result_line(summary) == (
        "RESULT scaffolding_leaks=0 invented_sources=0 citation_support=0.667 coverage=0.143 "
        "repetition=0.000 valid_posts=1.000 needs_review=0.000 article_s=200.0 "
        "first_article_s=260.0"
    )


def test_the_peers_results_extend_the_result_line_and_lead_the_report(tmp_path: Path) -> None:
    [composting] = load_topics(["home-composting"])
    report = "# C\n\nA compost heap needs greens and browns [1]. Bees make honey [1].\n"
    peer = score_report(report, [SourceRef(number=1, title="Home composting basics")], composting)
    peers = PeersFile(
        runs=[
            PeerRun(
                system="storm",
                model="m",
                note="STORM's vector retriever over the same documents.",
                articles=[PeerArticle(topic_id="home-composting", scores=peer)],
            ),
            PeerRun(
                system="gpt-researcher",
                model="m",
                note="It could not run offline: why.",
                articles=[PeerArticle(topic_id="home-composting", error="no network")],
            ),
        ]
    )
    path = tmp_path / "peers.json"
    path.write_text(peers.model_dump_json(), encoding="utf-8")
    loaded = load_peers([tmp_path / "missing.json", path])
    scored = score_run(run())
    line = result_line(scored.summary, loaded)
    assert line.endswith("storm_citation_support=0.500 gptr_citation_support=n/a")

    document = write_report([scored], loaded, tmp_path, tmp_path / "quality.md")
    text = document.read_text(encoding="utf-8")
    first_table = text.index("| system |")
    assert first_table < text.index("## Runs per model and mode")
    assert "| storm | m | 1 | 0.50 |" in text and "It could not run offline" in text
    assert "0.5B baseline" in text and "![Citation support" in text
    assert (tmp_path / "quality" / "citation_support.png").read_bytes()[:4] == b"\x89PNG"


def test_beside_the_peers_is_the_latest_run_of_most_of_their_topics(tmp_path: Path) -> None:
    """A later run of fewer topics (a quick check) does not replace, beside the peers, the run
    that wrote them all."""
    [composting] = load_topics(["home-composting"])
    report = "# C\n\nA compost heap needs greens and browns [1].\n"
    peer = score_report(report, [SourceRef(number=1, title="Home composting basics")], composting)
    peers = PeersFile(
        runs=[
            PeerRun(
                system="storm",
                model="m",
                articles=[
                    PeerArticle(topic_id="home-composting", scores=peer),
                    PeerArticle(topic_id="balcony-gardening", scores=peer),
                ],
            )
        ]
    )
    full = run().model_copy(update={"label": "all topics"})
    quick = run().model_copy(update={"label": "one topic", "articles": run().articles[:1]})
    document = write_report(
        [score_run(full), score_run(quick)], peers, tmp_path, tmp_path / "quality.md"
    )
    text = document.read_text(encoding="utf-8")
    assert "| ICOP (all topics) | m | 2 |" in text and "| ICOP (one topic)" not in text
