"""The gate in the article graph: a blocked article is written again once, by one writer told
why, and not judged again; blocked again, it ends needs_review with the findings, and nothing
after the gate runs (no SEO, no images, no posts are paid for an article that will not be
published)."""

from __future__ import annotations

from uuid import uuid4

from icop.agents.graph import run_article, start_state
from icop.agents.schemas import WriterBrief
from icop.llm.providers.base import CompletionRequest
from icop.llm.providers.fake import FakeReply
from tests.agents.fakes import ARTICLE_TEXT, harness, role_of, roles_called, writes_well

LOOP = "# Bees\n\n" + "Urban beekeeping on roofs gives the most accurate method there is. " * 20


def _brief() -> WriterBrief:
    return WriterBrief(topic="composting at home", length_words=150)


async def test_a_blocked_article_is_rewritten_once_and_then_passes() -> None:
    rounds: list[str] = []

    def loops_once(request: CompletionRequest) -> FakeReply:
        if role_of(request).startswith("writer_"):
            rounds.append(request.messages[-1].content)
            if len(rounds) <= 3:
                return FakeReply(text=LOOP)
        return writes_well(request)

    h = harness(loops_once)
    state = await run_article(
        h.graph(), start_state(tenant_id=uuid4(), article_id="a1", brief=_brief())
    )
    assert state["status"] == "done" and state["gate"].passed and state["gate"].attempt == 2
    called = roles_called(h.fakes)
    assert len(rounds) == 4 and called.count("editor") == 1  # one rewrite, not re-judged
    assert all("was rejected" not in text for text in rounds[:3])
    assert "was rejected (loop" in rounds[3]
    article = state["article"]
    assert called.count(article.chosen or "") == 2  # the editor's pick wrote it again
    assert "wrote it again" in article.notes[-1]
    assert "most accurate method" not in state["markdown"].markdown


async def test_an_article_blocked_twice_ends_needs_review_with_the_findings() -> None:
    def always_loops(request: CompletionRequest) -> FakeReply:
        if role_of(request).startswith("writer_"):
            return FakeReply(text=LOOP)
        return writes_well(request)

    h = harness(always_loops)
    state = await run_article(
        h.graph(), start_state(tenant_id=uuid4(), article_id="a2", brief=_brief())
    )
    assert state["status"] == "needs_review"
    assert "after 2 attempt(s)" in state["stop_reason"] and "loop" in state["stop_reason"]
    called = set(roles_called(h.fakes))
    assert not called & {"seo", "visual_director", "social_copywriter"}
    assert "markdown" not in state and h.images.calls == []
    assert {f.code for f in state["gate"].blocking} >= {"loop"}


async def test_a_blocked_pick_gives_way_to_another_draft_that_passes_as_it_is() -> None:
    def one_writer_loops(request: CompletionRequest) -> FakeReply:
        role = role_of(request)
        if role == "writer_a":
            # As many researched facts as the others' drafts, so the editor's pick stands.
            return FakeReply(text=ARTICLE_TEXT + "\n\n" + LOOP.removeprefix("# Bees\n\n"))
        if role == "editor":
            scores = {"structure": 9, "faithfulness": 9, "brand_voice": 9, "readability": 9}
            return FakeReply(
                data={
                    "scores": [{"draft": "writer_a", "scores": scores}],
                    "chosen": "writer_a",
                    "rationale": "The most vivid.",
                }
            )
        return writes_well(request)

    h = harness(one_writer_loops)
    state = await run_article(
        h.graph(), start_state(tenant_id=uuid4(), article_id="a3", brief=_brief())
    )
    assert state["status"] == "done" and state["gate"].attempt == 1
    assert roles_called(h.fakes).count("writer_a") == 1  # nobody wrote again
    assert state["article"].chosen in ("writer_b", "writer_c")
    assert "did not pass the gate" in state["article"].notes[-1]
    assert "most accurate method" not in state["markdown"].markdown
