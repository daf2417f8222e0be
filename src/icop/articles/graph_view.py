"""The article graph as a Mermaid flowchart with each node's status and duration, from the
article's recorded step events (icop.events): the live view's diagram, the slowest node
marked. Parallel instances of a node (``social_copy:x``, ``social_copy:threads``) are one
node spanning the first start to the last end; a node run again (the writers after a blocked
gate) shows its latest run and counts its runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from icop.agents.graph import EDGES, STEPS
from icop.models import ArticleStatus, RunEvent

ENDS = {"started": "running", "finished": "finished", "failed": "failed", "stopped": "stopped"}
CLASSES = {
    "pending": "fill:#f3f4f6,stroke:#9ca3af,color:#374151",
    "running": "fill:#dbeafe,stroke:#2563eb,color:#1e3a8a",
    "finished": "fill:#dcfce7,stroke:#16a34a,color:#14532d",
    "stopped": "fill:#fef9c3,stroke:#ca8a04,color:#713f12",
    "failed": "fill:#fee2e2,stroke:#dc2626,color:#7f1d1d",
    "skipped": "fill:#ffffff,stroke:#d1d5db,color:#9ca3af,stroke-dasharray:4 3",
    "slowest": "stroke:#dc2626,stroke-width:4px",
}


@dataclass
class NodeView:
    name: str
    status: str = "pending"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    runs: int = 0
    cost_usd: Decimal = Decimal(0)
    slowest: bool = False

    @property
    def duration_ms(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds() * 1000)


def node_views(events: Sequence[RunEvent], article_status: ArticleStatus) -> list[NodeView]:
    nodes = {step: NodeView(step) for step in STEPS}
    instances: dict[str, dict[str, RunEvent]] = {}
    for event in events:
        if event.step is None:
            continue
        name = event.step.split(":", 1)[0]
        node = nodes.setdefault(name, NodeView(name))
        latest = instances.setdefault(name, {})
        if event.status == "started":
            if event.step in latest and latest[event.step].status != "started":
                latest.clear()  # the node runs again: its latest run is what is shown
                node.runs += 1
            elif not latest:
                node.runs += 1
        latest[event.step] = event
        if event.cost_usd:
            node.cost_usd += event.cost_usd
    for name, latest in instances.items():
        node = nodes[name]
        states = [ENDS.get(event.status, event.status) for event in latest.values()]
        for state in ("failed", "running", "stopped", "finished"):
            if state in states:
                node.status = state
                break
        starts = [e.started_at for e in latest.values() if e.started_at is not None]
        ends = [e.finished_at for e in latest.values() if e.finished_at is not None]
        node.started_at = min(starts, default=None)
        node.finished_at = max(ends, default=None) if "running" not in states else None
    if article_status.final:
        for node in nodes.values():
            if node.status == "pending":
                node.status = "skipped"  # a branch this article did not take
            elif node.status == "running":
                node.status = "failed"  # its end was never recorded: the run stopped
    timed = [node for node in nodes.values() if node.duration_ms is not None]
    if timed:
        max(timed, key=lambda node: node.duration_ms or 0).slowest = True
    return list(nodes.values())


def _duration(ms: int) -> str:
    return f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def mermaid(nodes: Sequence[NodeView]) -> str:
    """A ``flowchart TD``: one box per node with its status (and duration once finished),
    a class per status, dashed arrows for conditional edges."""
    lines = ["flowchart TD", '  __start__(["start"])', '  __end__(["end"])']
    for node in nodes:
        label = f"{node.name}<br/>{node.status}"
        if node.duration_ms is not None:
            label += f" · {_duration(node.duration_ms)}"
        if node.runs > 1:
            label += f" · {node.runs} runs"
        lines.append(f'  {node.name}["{label}"]:::{node.status}')
    for source, target, conditional in EDGES:
        lines.append(f"  {source} {'-.->' if conditional else '-->'} {target}")
    lines.extend(f"  classDef {name} {style}" for name, style in CLASSES.items())
    lines.extend(f"  class {node.name} slowest" for node in nodes if node.slowest)
    return "\n".join(lines) + "\n"
