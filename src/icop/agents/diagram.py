"""The article graph as Mermaid, drawn from the compiled LangGraph graph itself.

``outline()`` compiles the graph with ``build_graph`` — the very function the workers use —
over dependencies that are never called (drawing does not run a node), so the diagram cannot
drift from the code: a node or edge added to ``build_graph`` appears here by itself. The
dashboard's live view (``icop.articles.graph_view``) draws the same graph with each node's
status and duration from an article's run events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from langgraph.graph import END, START

from icop.agents.graph import ArticleGraph, build_graph
from icop.agents.protocols import GraphDeps


class _NeverCalled:
    """Stands in for every dependency while the graph is only drawn."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"the graph outline is drawn, never run (it asked for {name!r})")


@dataclass(frozen=True)
class GraphShape:
    nodes: tuple[str, ...]
    """The graph's nodes in the order ``build_graph`` adds them, ``__start__`` and ``__end__``
    included."""
    edges: tuple[tuple[str, str, bool], ...]
    """(source, target, conditional), sorted."""


def outline() -> ArticleGraph:
    unused = _NeverCalled()
    deps = GraphDeps(
        runtime=cast(Any, unused),
        researcher=cast(Any, unused),
        brand_voice=cast(Any, unused),
        images=cast(Any, unused),
    )
    return build_graph(deps)


def shape(graph: ArticleGraph) -> GraphShape:
    drawn = graph.get_graph()
    return GraphShape(
        nodes=tuple(drawn.nodes),
        edges=tuple(
            sorted((edge.source, edge.target, bool(edge.conditional)) for edge in drawn.edges)
        ),
    )


def _node(name: str) -> str:
    if name == START:
        return '  __start__(["start"])'
    if name == END:
        return '  __end__(["end"])'
    return f'  {name}["{name}"]'


def mermaid(graph_shape: GraphShape) -> str:
    """A ``flowchart TD``: a box per node, solid arrows for fixed edges, dashed arrows for the
    routes a node's condition chooses between."""
    lines = ["flowchart TD", *(_node(name) for name in graph_shape.nodes)]
    for source, target, conditional in graph_shape.edges:
        lines.append(f"  {source} {'-.->' if conditional else '-->'} {target}")
    return "\n".join(lines) + "\n"


def article_graph_mermaid() -> str:
    return mermaid(shape(outline()))
