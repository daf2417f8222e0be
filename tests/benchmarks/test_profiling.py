"""benchmarks/profiling.py's sweep: every instant of the interval goes to one stage, model
time first, then the innermost open span, then the gaps, so the rows add up to the wall time."""

from __future__ import annotations

import pytest

from benchmarks.profiling import BEFORE, GAP, MODEL, TAIL, Recorded, breakdown

S = 1_000_000_000  # one second in ns


def span(name: str, start: float, end: float, span_id: int, parent: int | None = None) -> Recorded:
    return Recorded(name, int(start * S), int(end * S), span_id, parent, {})


def test_the_rows_add_up_and_name_what_was_waited_for() -> None:
    spans = [
        span("RunActivity:article.generate", 1.0, 6.0, 1),
        span("node writer_a", 1.5, 4.0, 2, parent=1),
        span("llm.call", 2.0, 3.0, 3, parent=2),
        span("checkpoint write", 2.5, 3.5, 4, parent=2),  # under a model call: model time
        span("node images", 4.0, 5.5, 5, parent=1),
        span("image: local renders", 4.5, 5.0, 6, parent=5),
        span("RunActivity:planning.publish_article", 7.0, 8.0, 7),
        span("demo driver: reading progress", 8.5, 8.6, 8),
    ]
    rows = {
        stage: seconds
        for stage, seconds, _ in breakdown(
            spans, 0, 9 * S, driver=["demo driver: reading progress"]
        )
    }
    assert rows[BEFORE] == pytest.approx(1.0)
    assert rows[MODEL] == pytest.approx(1.0)
    assert rows["checkpoint write"] == pytest.approx(0.5)
    assert rows["graph node writer_a (own)"] == pytest.approx(1.0)  # 1.5-2.0 and 3.5-4.0
    assert rows["image: local renders"] == pytest.approx(0.5)
    assert rows["graph node images (own)"] == pytest.approx(1.0)
    assert rows["activity article.generate (own: DB, bookkeeping)"] == pytest.approx(1.0)
    assert rows[GAP] == pytest.approx(1.0)  # 6.0-7.0, between two activities
    assert rows["activity planning.publish_article (own: DB, bookkeeping)"] == pytest.approx(1.0)
    assert rows["demo driver: reading progress"] == pytest.approx(0.1)
    assert rows[TAIL] == pytest.approx(0.9)  # after the last work, minus the driver's read
    assert sum(rows.values()) == pytest.approx(9.0)
