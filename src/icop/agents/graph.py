"""The article graph (PRODUCT.md §1).

``build_graph(deps, checkpointer=…)`` compiles it; ``run_article`` starts a thread or resumes it
after a crash (a finished node never runs twice: its output is in the checkpoint).
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Durability, Send

from icop.agents.nodes import ArticleNodes, Node
from icop.agents.protocols import GraphDeps
from icop.agents.schemas import WRITERS, WriterBrief
from icop.agents.state import ArticleState, GraphInput, SocialTask

FLOW = """\
research ─▶ writer_a ┐
   │    ├─▶ writer_b ├─▶ drafts_ready ─▶ editor (compare) ┐
   │    └─▶ writer_c ┘        │       └─▶ merger  (merge)  ├─▶ gate ─▶ seo ─▶ visual_director
   ▼                          ▼                               ▲ │                    │
  END (no_sources)           END (failed: no draft)           │ ├─▶ rewrite     images
                                                              └─┼── (one writer,     │
                                                                │    told why)       ▼
                                                                └─▶ END (needs_review:
                                                                    blocked again)  markdown
                                                                                     │
                                                       finish ◀─ social_copy x platform"""
"""The flow as the docs draw it (docs/agents.md); ``EDGES`` is the same graph for code."""

STEPS = (
    "research",
    *WRITERS,
    "drafts_ready",
    "editor",
    "merger",
    "gate",
    "rewrite",
    "seo",
    "visual_director",
    "images",
    "markdown",
    "social_copy",
    "finish",
)

EDGES: tuple[tuple[str, str, bool], ...] = (
    ("__start__", "research", False),
    ("research", "__end__", True),
    *(("research", writer, True) for writer in WRITERS),
    *((writer, "drafts_ready", False) for writer in WRITERS),
    ("drafts_ready", "__end__", True),
    ("drafts_ready", "editor", True),
    ("drafts_ready", "merger", True),
    ("editor", "gate", False),
    ("merger", "gate", False),
    ("gate", "__end__", True),
    ("gate", "rewrite", True),
    ("rewrite", "gate", False),
    ("gate", "seo", True),
    ("seo", "visual_director", False),
    ("visual_director", "images", False),
    ("images", "markdown", False),
    ("markdown", "social_copy", True),
    ("markdown", "finish", True),
    ("social_copy", "finish", False),
    ("finish", "__end__", False),
)
"""The graph's edges (source, target, conditional) as ``build_graph`` wires them, for views
that draw the graph without building it (a test holds the two together)."""

ArticleGraph = CompiledStateGraph[ArticleState, None, GraphInput, ArticleState]


def after_research(state: ArticleState) -> list[str] | str:
    if state.get("status") == "no_sources":
        return END
    return list(WRITERS)


def after_drafts(state: ArticleState) -> str:
    if state.get("status") == "failed":
        return END
    return "editor" if state["brief"].mode == "compare" else "merger"


def after_gate(state: ArticleState) -> str:
    """On to SEO; to one writer's rewrite when the gate blocked the article and it has another
    attempt; the end when it needs a person's review."""
    if state.get("status") == "needs_review":
        return END
    if not state["gate"].passed:
        return "rewrite"
    return "seo"


def social_branches(state: ArticleState) -> list[Send] | str:
    brief, seo = state["brief"], state["seo"]
    if not brief.platforms:
        return "finish"
    return [
        Send(
            "social_copy",
            SocialTask(
                article_id=state["article_id"],
                tenant_id=state["tenant_id"],
                trace_id=state.get("trace_id", ""),
                platform=platform,
                language=brief.language,
                title=seo.title,
                summary=seo.meta_description,
                url=brief.article_url,
                hashtags=list(seo.hashtags),
                brand_voice=state.get("brand_voice", [])[:2],
                images=state.get("images", []),
            ),
        )
        for platform in brief.platforms
    ]


def build_graph(
    deps: GraphDeps, *, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> ArticleGraph:
    nodes = ArticleNodes(deps)
    graph = StateGraph(ArticleState, input_schema=GraphInput, output_schema=ArticleState)
    steps: list[tuple[str, Node]] = [
        ("research", nodes.research),
        *((writer, nodes.writer(writer)) for writer in WRITERS),
        ("drafts_ready", nodes.drafts_ready),
        ("editor", nodes.editor),
        ("merger", nodes.merger),
        ("gate", nodes.gate),
        ("rewrite", nodes.rewrite),
        ("seo", nodes.seo),
        ("visual_director", nodes.visual_director),
        ("images", nodes.images),
        ("markdown", nodes.markdown),
        ("social_copy", nodes.social_copy),
        ("finish", nodes.finish),
    ]
    for name, node in steps:
        graph.add_node(name, nodes.tracked(name, node))
    graph.add_edge(START, "research")
    graph.add_conditional_edges("research", after_research, [*WRITERS, END])
    # Fan-in: drafts_ready waits for all three writers (they run in one superstep).
    graph.add_edge(list(WRITERS), "drafts_ready")
    graph.add_conditional_edges("drafts_ready", after_drafts, ["editor", "merger", END])
    graph.add_edge("editor", "gate")
    graph.add_edge("merger", "gate")
    graph.add_conditional_edges("gate", after_gate, ["rewrite", "seo", END])
    graph.add_edge("rewrite", "gate")
    graph.add_edge("seo", "visual_director")
    graph.add_edge("visual_director", "images")
    graph.add_edge("images", "markdown")
    graph.add_conditional_edges("markdown", social_branches, ["social_copy", "finish"])
    graph.add_edge("social_copy", "finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer, name="article")


def start_state(
    *, tenant_id: UUID, article_id: str, brief: WriterBrief, trace_id: str = ""
) -> GraphInput:
    return GraphInput(
        article_id=article_id, tenant_id=str(tenant_id), brief=brief, trace_id=trace_id
    )


def thread_config(thread_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread_id}}


def with_checkpointer(graph: ArticleGraph, checkpointer: BaseCheckpointSaver[Any]) -> ArticleGraph:
    """``graph`` with another checkpointer, e.g. the tenant's ``PostgresCheckpointSaver``:
    compile once per worker (``build_graph`` takes ~40 ms), copy per run (well under 1 ms)."""
    return graph.copy(update={"checkpointer": checkpointer})


async def run_article(
    graph: ArticleGraph,
    start: GraphInput,
    *,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    thread_id: str | None = None,
    durability: Durability = "sync",
) -> ArticleState:
    """Run the article's graph to the end, idempotently.

    With a checkpointer (the graph's, or ``checkpointer`` for this run), the thread (default:
    the article id) decides: a new thread starts from ``start``; a thread that stopped mid-way
    (a crash, a killed worker) resumes after its last finished node; a finished thread returns
    its final state without running anything.
    ``durability="sync"`` writes each checkpoint before the next step starts, so a killed
    process loses at most the steps that were in flight."""
    if checkpointer is not None:
        graph = with_checkpointer(graph, checkpointer)
    bound = getattr(graph.checkpointer, "tenant_id", None)
    if bound is not None and str(bound) != start["tenant_id"]:
        # A tenant's article must never be checkpointed under (or resumed from) another's.
        raise ValueError("the checkpointer is bound to another tenant than the article")
    config = thread_config(thread_id or start["article_id"])
    if graph.checkpointer is None:
        # LangGraph 1.2 fails on durability="sync" without a checkpointer (and ignores it).
        return cast(ArticleState, await graph.ainvoke(start, config))
    snapshot = await graph.aget_state(config)
    if snapshot.values:
        # Finished: nothing to run and no step's outputs waiting to be folded in. A step whose
        # tasks all finished but whose checkpoint was not written yet (async durability, a
        # process killed as the next step began) also has nothing in ``next``: its stored
        # outputs are in ``tasks``, and resuming folds them in and goes on.
        if not snapshot.next and not snapshot.tasks:
            return cast(ArticleState, snapshot.values)
        return cast(ArticleState, await graph.ainvoke(None, config, durability=durability))
    return cast(ArticleState, await graph.ainvoke(start, config, durability=durability))
