"""The side-by-side runner's glue, without installing a peer or running a model: the peers' own
output files (recorded from real runs on the bundled model, under fixtures/peers/) parsed into
text + numbered sources, scored with the metrics ICOP's articles get, and written as the
PeersFile that benchmarks/quality.py reads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.peers import __main__ as peers_main
from benchmarks.peers.environments import STORM, find_interpreter
from benchmarks.peers.native import (
    PeerReport,
    PeerSource,
    parse_gpt_researcher,
    parse_outputs,
    parse_storm,
)
from benchmarks.peers.scoring import score_peer_report
from icop.evaluation.dataset import EvalTopic, load_topics
from icop.evaluation.report import PeersFile

FIXTURES = Path(__file__).parent / "fixtures" / "peers"


@pytest.fixture(scope="module")
def composting() -> EvalTopic:
    return load_topics(["home-composting"])[0]


def documents_of(topic: EvalTopic) -> dict[str, str]:
    return {f"{document.name}.md": document.text for document in topic.documents}


def storm_report(topic: EvalTopic) -> PeerReport:
    directory = FIXTURES / "storm" / topic.id
    text, sources = parse_storm(
        (directory / "storm_gen_article_polished.txt").read_text(encoding="utf-8"),
        json.loads((directory / "url_to_info.json").read_text(encoding="utf-8")),
        documents_of(topic),
    )
    return PeerReport("storm", topic.id, text=text, sources=sources)


def storm_sample(topic: EvalTopic) -> tuple[str, dict[str, object]]:
    """STORM's files as it writes them (``[n]`` in the article, ``url_to_unified_index`` and
    ``url_to_info`` in url_to_info.json), citing one reference document and one source that
    is not one: each sentence is in a passage it cites."""
    basics = next(d for d in topic.documents if d.name == "composting-basics")
    paragraph = next(line for line in basics.body.splitlines() if len(line.split()) > 12)
    copied = paragraph.split(". ")[0].rstrip(".") + "."
    article = (
        "# summary\n\nHome composting turns scraps into soil.\n\n# Basics\n\n"
        f"{copied}[2]\n\nCopper pyramids painted blue double every tomato harvest.[1][2]"
    )
    url_to_info = {
        "url_to_unified_index": {"https://example.com/pyramids": 1, "docs/composting-basics.md": 2},
        "url_to_info": {
            "docs/composting-basics.md": {
                "url": "docs/composting-basics.md",
                "title": basics.title,
                "description": "",
                "snippets": [paragraph],
            },
            "https://example.com/pyramids": {
                "url": "https://example.com/pyramids",
                "title": "Pyramid power",
                "description": "",
                "snippets": ["Copper pyramids painted blue double every tomato harvest."],
            },
        },
    }
    return article, url_to_info


# -- STORM --------------------------------------------------------------------------------------
def test_a_real_storm_article_is_scored_as_written(composting: EvalTopic) -> None:
    """STORM on the bundled 0.5B model (recorded): its sections' headings did not match its
    outline, so it kept little, and its writer cited nothing although its retriever found both
    reference documents (url_to_info holds their snippets, the citation index is empty)."""
    directory = FIXTURES / "storm" / composting.id
    recorded = json.loads((directory / "url_to_info.json").read_text(encoding="utf-8"))
    article = (directory / "storm_gen_article_polished.txt").read_text(encoding="utf-8")
    report = storm_report(composting)

    assert report.text == article.strip()
    assert recorded["url_to_unified_index"] == {} and report.sources == []
    assert set(recorded["url_to_info"]) == {f"docs/{name}" for name in documents_of(composting)}
    scores = score_peer_report(report, composting)
    assert scores["cited_sentences"] == 0
    assert scores["citation_support"] is None
    assert scores["invented_sources"] == 0
    assert 0 < scores["words"] < composting.length_words


def test_storm_numbers_follow_its_unified_index_and_a_passage_outside_the_documents_is_invented(
    composting: EvalTopic,
) -> None:
    article, url_to_info = storm_sample(composting)
    text, sources = parse_storm(article, url_to_info, documents_of(composting))

    assert text == article
    assert [(s.number, s.path) for s in sources] == [
        (1, None),
        (2, "composting-basics.md"),
    ]
    scores = score_peer_report(
        PeerReport("storm", composting.id, text=text, sources=sources), composting
    )
    assert scores["invented_sources"] == 1
    assert scores["cited_sentences"] == 2
    assert scores["supported_sentences"] == 2  # each sentence is in a passage it cites


# -- GPT-Researcher ---------------------------------------------------------------------------
def test_a_real_gpt_researcher_report_lists_sources_it_never_cites(
    composting: EvalTopic,
) -> None:
    """GPT-Researcher on the bundled 0.5B model (recorded): headings with nothing under them,
    no in-text citation, and a reference list that loops on one name until the token cap —
    one of whose entries writes a document's file name with spaces."""
    markdown = (FIXTURES / "gpt_researcher" / "home-composting.md").read_text(encoding="utf-8")
    text, sources = parse_gpt_researcher(markdown, documents_of(composting))

    assert "References" not in text and "composting-basics.txt" not in text
    assert [(source.number, source.path) for source in sources] == [
        (1, "hot-and-cold-composting.md"),  # "Hot and cold composting.txt"
        (2, "composting-basics.md"),  # 85 entries, one source
        (3, None),  # "compost": the entry the cap cut off
    ]
    assert sources[1].snippet == documents_of(composting)["composting-basics.md"]
    scores = score_peer_report(
        PeerReport("gpt_researcher", composting.id, text=text, sources=sources), composting
    )
    assert scores["cited_sentences"] == 0
    assert scores["citation_support"] is None
    assert scores["uncited_sources"] == [1, 2, 3]
    # A listed source that is no reference document counts as invented, cited or not (the
    # rule ICOP's articles are held to): the cut-off "compost".
    assert scores["invented_sources"] == 1
    assert scores["not_researched_sources"] == ["compost"]


def test_gpt_researcher_link_citations_become_numbers_and_a_foreign_link_is_invented(
    composting: EvalTopic,
) -> None:
    """GPT-Researcher's citation format for local documents (its report prompt): an in-text
    Markdown link to the document name, and the names listed at the end."""
    basics = next(d for d in composting.documents if d.name == "composting-basics")
    paragraph = next(line for line in basics.body.splitlines() if len(line.split()) > 12)
    copied = paragraph.split(". ")[0].rstrip(".") + "."
    markdown = (
        "# Home composting\n\n"
        f"{copied} ([composting-basics.txt](composting-basics.txt))\n\n"
        "Copper pyramids painted blue double every tomato harvest in winter "
        "([Garden blog](https://example.com/blue-bins); "
        "[composting-basics.txt](composting-basics.txt)).\n\n"
        "## References\n\n"
        "- composting-basics.txt\n"
        "- [Garden blog](https://example.com/blue-bins)\n"
        "- Hot and cold composting.txt\n"
    )
    text, sources = parse_gpt_researcher(markdown, documents_of(composting))

    assert "](" not in text and "References" not in text
    assert text.count("[1]") == 2 and "[2][1]" in text
    by_number = {source.number: source for source in sources}
    assert by_number[1].path == "composting-basics.md"
    assert by_number[1].snippet == basics.text
    assert by_number[2].path is None and by_number[2].snippet == ""
    # Listed but cited nowhere: still a source, numbered after the cited ones.
    assert by_number[3].path == "hot-and-cold-composting.md"

    scores = score_peer_report(
        PeerReport("gpt_researcher", composting.id, text=text, sources=sources), composting
    )
    assert scores["invented_sources"] == 1
    assert scores["not_researched_sources"] != []
    assert scores["cited_sentences"] == 2
    assert scores["supported_sentences"] == 1
    assert scores["uncited_sources"] == [3]


# -- the result files and peers.json --------------------------------------------------------------
def test_a_result_file_round_trips(tmp_path: Path) -> None:
    report = PeerReport(
        "storm",
        "home-composting",
        text="Turn the heap [1].",
        sources=[PeerSource(1, "Basics", "docs/composting-basics.md", "composting-basics.md", "x")],
        seconds=12.5,
        prompt_tokens=100,
        completion_tokens=20,
        notes=["knowledge-storm 1.1.1"],
    )
    report.write(tmp_path)
    assert PeerReport.read(tmp_path) == report


def test_peers_json_is_the_peers_file_the_published_evaluation_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, composting: EvalTopic
) -> None:
    korean = load_topics(["ko-home-composting"])[0]
    monkeypatch.setattr(peers_main, "RUNS", tmp_path)
    article, url_to_info = storm_sample(composting)
    text, sources = parse_storm(article, url_to_info, documents_of(composting))
    scored = PeerReport("storm", composting.id, text=text, sources=sources, seconds=300.0)
    (tmp_path / "storm" / composting.id).mkdir(parents=True)
    scored.write(tmp_path / "storm" / composting.id)
    failed = PeerReport("storm", korean.id, error="run STORM: TimeoutError: read timed out")
    (tmp_path / "storm" / korean.id).mkdir(parents=True)
    failed.write(tmp_path / "storm" / korean.id)

    run = peers_main.collect(STORM, [composting, korean], "qwen2.5-coder-0.5b-instruct")
    document = {"runs": [run]}
    peers = PeersFile.model_validate_json(json.dumps(document))

    articles = {article.topic_id: article for article in peers.runs[0].articles}
    assert articles[korean.id].scores is None
    assert articles[korean.id].error == failed.error
    scores = articles[composting.id].scores
    assert scores is not None
    assert run["summary"]["topics"] == 2 and run["summary"]["reports"] == 1
    assert (scores.supported_sentences, scores.cited_sentences) == (2, 2)
    assert run["summary"]["citation_support"] == 1.0
    assert run["summary"]["invented_sources"] == 1
    assert "No report for ko-home-composting: run STORM: TimeoutError" in run["note"]
    rendered = (tmp_path / "storm" / composting.id / "report.md").read_text()
    assert (
        rendered.startswith(text) and "[1] Pyramid power — https://example.com/pyramids" in rendered
    )

    line = peers_main.result_line(document)
    assert line.startswith("RESULT storm_citation_support=")
    assert "storm_citation_support=1.0 storm_invented_sources=1" in line
    assert "storm_s=300.0" in line and line.endswith("peer_failures=1")


def test_a_run_directory_is_parsed_again_from_the_peers_own_files(
    tmp_path: Path, composting: EvalTopic
) -> None:
    storm_dir = tmp_path / "storm" / "Home_composting_for_beginners"
    shutil.copytree(FIXTURES / "storm" / composting.id, storm_dir)
    (tmp_path / "gpt_researcher_report.md").write_text(
        (FIXTURES / "gpt_researcher" / "home-composting.md").read_text(encoding="utf-8")
    )

    storm = parse_outputs("storm", tmp_path, documents_of(composting))
    gptr = parse_outputs("gpt_researcher", tmp_path, documents_of(composting))
    assert storm is not None and storm[0] == storm_report(composting).text
    assert gptr is not None and len(gptr[1]) == 3
    assert parse_outputs("storm", tmp_path / "missing", documents_of(composting)) is None


def test_no_interpreter_for_a_python_that_does_not_exist() -> None:
    assert find_interpreter("2.1") is None
