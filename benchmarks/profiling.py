"""Where the platform's time goes on a benchmark's critical path, from OpenTelemetry spans.

``record()`` installs an SDK tracer provider that keeps every finished span in memory (no
exporter, no collector): the spans the code emits anyway — Temporal's activity spans
(``RunActivity:…``), the article graph's nodes (``node …``), routed model calls
(``llm.route`` → ``llm.call``), platform HTTP calls, and the stages that name themselves with
``icop.observability.tracing.stage_span`` (sub-topic clustering, embeddings and model loads,
checkpoints, image rendering, JPEG, storage, container polls, the demo driver's polls).

``breakdown(spans, start_ns, end_ns)`` sweeps the interval once, instant by instant: an instant
during which some model call was running is model time; any other instant belongs to the
innermost span then open (the most deeply nested, the latest started among equals), or, with
no span open, to the gaps between them — workflow tasks and activity dispatch inside Temporal
before the last piece of work ended, the demo driver noticing the end after it. The rows add up
to the interval: the table is the wall time, not CPU time, and it names what a user waited
for while no model was answering.

Model time wins over every branch: with several articles or rows in flight, a gap of the
longest chain of model calls that another branch's call filled counts as model time here, so
the platform's time on that chain is demo minus critical path, of which the non-model rows are the
part during which no model call ran anywhere.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.trace import SpanProcessor

MODEL = "model calls (the fake's latency)"
GAP = "no span: Temporal dispatch (workflow tasks, activity/child starts)"
TAIL = "no span after the last work: the driver noticing it (poll interval)"
BEFORE = "no span before the first work"


@dataclass(frozen=True, slots=True)
class Recorded:
    name: str
    start_ns: int
    end_ns: int
    span_id: int
    parent_id: int | None
    attributes: dict[str, Any]


class _Keeper(SpanProcessor):
    """A span processor that keeps finished spans (thread-safe: activities run in threads)."""

    def __init__(self) -> None:
        self.spans: list[Recorded] = []
        self._lock = threading.Lock()

    def on_end(self, span: Any) -> None:
        if span.start_time is None or span.end_time is None:
            return
        parent = span.parent.span_id if span.parent is not None else None
        with self._lock:
            self.spans.append(
                Recorded(
                    span.name,
                    span.start_time,
                    span.end_time,
                    span.context.span_id,
                    parent,
                    dict(span.attributes or {}),
                )
            )


def record() -> _Keeper:
    """Install the in-memory provider; call before any client or worker is built."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    keeper = _Keeper()
    provider = TracerProvider()
    provider.add_span_processor(keeper)
    trace.set_tracer_provider(provider)
    return keeper


def stage_of(span: Recorded) -> str:
    name = span.name
    if name.startswith("RunActivity:"):
        return f"activity {name.split(':', 1)[1]} (own: DB, bookkeeping)"
    if name.startswith("node "):
        step = name[5:].split(":")[0]
        return f"graph node {step} (own)"
    if name == "llm.route":
        return "model router (own: prompts, validation)"
    if "icop.peer" in span.attributes:
        return f"platform API calls ({span.attributes['icop.peer']})"
    return name


def _is_model(span: Recorded) -> bool:
    return span.name == "llm.call"


def _instant(span: Recorded) -> bool:
    return span.end_ns <= span.start_ns


def breakdown(
    spans: Sequence[Recorded], start_ns: int, end_ns: int, *, driver: Iterable[str] = ()
) -> list[tuple[str, float, int]]:
    """(stage, seconds, spans) rows over [start_ns, end_ns], largest first; ``driver`` names
    spans of the process watching the work (polls): they do not count as the work's end."""
    driven = set(driver)
    inside = [s for s in spans if not _instant(s) and s.end_ns > start_ns and s.start_ns < end_ns]
    by_id = {s.span_id: s for s in inside}
    depth: dict[int, int] = {}

    def depth_of(span: Recorded) -> int:
        if span.span_id in depth:
            return depth[span.span_id]
        chain: list[Recorded] = []
        current: Recorded | None = span
        while current is not None and current.span_id not in depth:
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        level = depth[current.span_id] + 1 if current is not None else 0
        for item in reversed(chain):
            depth[item.span_id] = level
            level += 1
        return depth[span.span_id]

    for span in inside:
        depth_of(span)
    work = [s for s in inside if s.name not in driven]
    first_work = min((s.start_ns for s in work), default=end_ns)
    last_work = max((s.end_ns for s in work), default=start_ns)
    events: list[tuple[int, int, Recorded]] = []
    for span in inside:
        events.append((max(span.start_ns, start_ns), 1, span))
        events.append((min(span.end_ns, end_ns), 0, span))
    events.sort(key=lambda e: (e[0], e[1]))
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for span in inside:
        counts[MODEL if _is_model(span) else stage_of(span)] += 1
    open_spans: dict[int, Recorded] = {}
    models = 0
    cursor = start_ns
    for at, kind, span in events:
        if at > cursor:
            seconds[_attribute(open_spans, models, depth, cursor, first_work, last_work)] += (
                at - cursor
            ) / 1e9
            cursor = at
        if kind == 1:
            open_spans[span.span_id] = span
            models += _is_model(span)
        elif open_spans.pop(span.span_id, None) is not None:
            models -= _is_model(span)
    if end_ns > cursor:
        seconds[_attribute(open_spans, models, depth, cursor, first_work, last_work)] += (
            end_ns - cursor
        ) / 1e9
    return sorted(
        ((stage, value, counts.get(stage, 0)) for stage, value in seconds.items()),
        key=lambda row: -row[1],
    )


def _attribute(
    open_spans: dict[int, Recorded],
    models: int,
    depth: dict[int, int],
    at: int,
    first_work: int,
    last_work: int,
) -> str:
    if models:
        return MODEL
    if open_spans:
        innermost = max(open_spans.values(), key=lambda s: (depth[s.span_id], s.start_ns))
        return stage_of(innermost)
    if at >= last_work:
        return TAIL
    if at < first_work:
        return BEFORE
    return GAP


def table(rows: Sequence[tuple[str, float, int]], total_s: float, title: str) -> str:
    width = max([len(stage) for stage, _, _ in rows] + [20])
    lines = [title, f"{'stage':<{width}}  {'wall s':>8}  {'share':>6}  {'spans':>6}"]
    for stage, value, count in rows:
        share = value / total_s if total_s else 0.0
        lines.append(f"{stage:<{width}}  {value:8.2f}  {share:6.1%}  {count:6d}")
    lines.append(f"{'total':<{width}}  {sum(v for _, v, _ in rows):8.2f}")
    return "\n".join(lines)
