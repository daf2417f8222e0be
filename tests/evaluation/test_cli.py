"""``icop eval`` with the deterministic fake provider: one topic written and scored, the run and
its scores saved, the RESULT line printed; bad input is one line without a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import get_settings
from icop.db.engine import DatabaseUrls

runner = CliRunner()


@pytest.fixture
def fast_knowledge(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The hashing embedder: deterministic and instant (the bundled MiniLM is for real runs).
    monkeypatch.setenv("ICOP_EMBEDDING_BACKEND", "hashing")
    monkeypatch.setenv("ICOP_KNOWLEDGE_MIN_SCORE", "0.05")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_eval_writes_and_scores_a_topic(
    database_urls: DatabaseUrls, fast_knowledge: None, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["eval", "--provider", "fake", "--topics", "ko-home-composting", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "RESULT scaffolding_leaks=" in result.output and "ko-home-composting" in result.output

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["provider"] == "fake" and run["prompts"]
    [article] = run["articles"]
    assert article["topic_id"] == "ko-home-composting" and article["status"] == "ready"
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["summary"]["topics"] == 1 and scores["summary"]["ready"] == 1
    # The fake model writes English words: a Korean brief's language check says so.
    assert scores["articles"][0]["language_ok"] is False


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--topics", "no-such-topic"], "no evaluation topic 'no-such-topic'"),
        (["--provider", "nope"], "--provider: 'nope' is not one of"),
        (["--mode", "both"], "--mode: 'both' is not compare or merge"),
    ],
)
def test_bad_input_is_one_line(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["eval", *arguments])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
