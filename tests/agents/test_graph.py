"""The article graph with deterministic fake providers: both modes, the no-sources stop,
brand voice reaching the writers, who wrote each draft, parallel writers, social copy limits,
English image prompts, progress, and the corrections the graph makes to models' answers."""

from __future__ import annotations

import time
from uuid import uuid4

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from icop.agents.graph import ArticleGraph, run_article, start_state
from icop.agents.prompts import POLISH_NOTE, platform_instructions
from icop.agents.schemas import WRITERS, Source, WriterBrief
from icop.agents.state import ArticleState, total_cost_usd
from icop.llm.providers.base import CompletionRequest, ProviderServerError
from icop.llm.providers.fake import FakeReply
from icop.platforms.validation import PLATFORM_RULES, Platform, weighted_length
from tests.agents.fakes import (
    ARTICLE_TEXT,
    BRAND_SAMPLES,
    Harness,
    all_calls,
    harness,
    platform_of,
    role_of,
    roles_called,
    writes_well,
)

# A made-up citation among real ones: the gate must drop it.
WRITER_TEXT = ARTICLE_TEXT.replace(
    "Mix greens and browns [1].", "Mix greens and browns [1]. A made-up fact is here [9]."
)


async def _run(h: Harness, brief: WriterBrief, **kwargs: object) -> ArticleState:
    graph: ArticleGraph = h.graph(**kwargs)
    state = start_state(tenant_id=uuid4(), article_id=f"art-{uuid4().hex[:8]}", brief=brief)
    return await run_article(graph, state)


def _writers_write(request: CompletionRequest) -> FakeReply:
    return FakeReply(text=WRITER_TEXT) if role_of(request).startswith("writer_") else FakeReply()


async def test_compare_mode_runs_every_step_and_keeps_every_result() -> None:
    h = harness(_writers_write)
    state = await _run(h, WriterBrief(length_words=200, topic="composting at home", mode="compare"))
    assert state["status"] == "done"
    for key in ("sources", "research", "drafts", "article", "seo", "visual", "images", "markdown"):
        assert state[key], key
    assert set(state["drafts"]) == set(WRITERS)
    assert state["article"].method == "compare" and state["article"].chosen in WRITERS
    assert set(state["article"].scores) <= set(WRITERS)
    assert roles_called(h.fakes).count("editor") == 1 and "merger" not in roles_called(h.fakes)
    assert set(state["social"]) == {p.value for p in Platform}
    # One usage record per model call, and nothing else called a model.
    # Research claims come from the sources (no researcher call): 3 writers, the editor, SEO,
    # the visual director and four social posts.
    assert len(state["usage"]) == len(all_calls(h.fakes)) == 10
    assert "researcher" not in roles_called(h.fakes) and state["research"].claims
    assert total_cost_usd(state) == 0  # everything ran on the (free) local model
    assert h.progress.steps() == [
        "research",
        *sorted(h.progress.steps()[1:4]),
        "drafts_ready",
        "editor",
        "gate",
        "seo",
        "visual_director",
        "images",
        "markdown",
        *h.progress.steps()[11:15],
        "finish",
    ]


async def test_merge_mode_merges_instead_of_judging() -> None:
    h = harness(_writers_write)
    state = await _run(h, WriterBrief(length_words=200, topic="composting", mode="merge"))
    called = roles_called(h.fakes)
    assert "merger" in called and "editor" not in called
    assert state["article"].method == "merge" and state["article"].chosen is None
    merge_call = next(c for c in all_calls(h.fakes) if role_of(c) == "merger")
    assert WRITER_TEXT.splitlines()[2] in merge_call.messages[-1].content  # drafts went in


@pytest.mark.parametrize("sound", [True, False])
async def test_with_polish_on_the_merger_polishes_the_editors_pick(sound: bool) -> None:
    polish = WRITER_TEXT.replace("\n\n", "\n\nIn short: ", 1) if sound else "Too short."

    def script(request: CompletionRequest) -> FakeReply:
        if role_of(request) == "merger":
            return FakeReply(text=polish)
        return _writers_write(request)

    h = harness(script, editor_polish=True)
    state = await _run(h, WriterBrief(length_words=200, topic="composting", mode="compare"))
    called = roles_called(h.fakes)
    assert called.count("editor") == 1 and called.count("merger") == 1
    polish_call = next(c for c in all_calls(h.fakes) if role_of(c) == "merger")
    assert POLISH_NOTE in polish_call.messages[0].content + polish_call.messages[-1].content
    article = state["article"]
    if sound:
        assert "In short:" in article.text and article.notes == []
    else:
        assert "In short:" not in article.text and "shorter" in article.notes[-1]


async def test_no_sources_stops_before_any_model_call() -> None:
    h = harness(sources=[Source(number=1, title="Empty page", snippet="", url=None)])
    state = await _run(h, WriterBrief(length_words=200, topic="a topic nobody wrote about"))
    assert state["status"] == "no_sources"
    assert "no usable sources" in state["stop_reason"]
    assert all_calls(h.fakes) == []
    assert not state.get("drafts") and "markdown" not in state
    assert [(e.step, e.state) for e in h.progress.events] == [
        ("research", "started"),
        ("research", "stopped"),
    ]


async def test_brand_voice_reaches_every_writer_and_similarity_is_recorded() -> None:
    h = harness()
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    writer_calls = [c for c in all_calls(h.fakes) if role_of(c).startswith("writer_")]
    assert len(writer_calls) == 3
    for call in writer_calls:
        assert BRAND_SAMPLES[0] in call.messages[-1].content
        assert state["research"].summary in call.messages[-1].content  # the research, too
    for draft in state["drafts"].values():
        expected = await h.brand_voice.similarity(uuid4(), draft.text)
        assert draft.brand_voice_similarity == expected is not None


async def test_the_brand_tone_reaches_the_writers_and_the_merger() -> None:
    h = harness()
    h.brand_voice.tone_guide = "Casual; address the reader as 'you'. Never write: \"synergy\"."
    await _run(h, WriterBrief(length_words=200, topic="composting", mode="merge"))
    calls = [c for c in all_calls(h.fakes) if role_of(c).startswith("writer_")]
    calls += [c for c in all_calls(h.fakes) if role_of(c) == "merger"]
    assert len(calls) == 4
    for call in calls:
        assert "The brand's tone of voice: Casual; address the reader as 'you'." in (
            call.messages[-1].content
        )
    # Without a tone the brief has no tone line (and costs no tokens for one).
    plain = harness()
    await _run(plain, WriterBrief(length_words=200, topic="composting"))
    assert all("tone of voice" not in c.messages[-1].content for c in all_calls(plain.fakes))


async def test_each_draft_records_the_model_that_actually_wrote_it() -> None:
    """openai configured, anthropic and gemini not: writer_a on GPT, the others fall back."""
    h = harness(cloud=["openai"])
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    written_by = {name: (d.provider, d.model) for name, d in state["drafts"].items()}
    assert written_by == {
        "writer_a": ("openai", "gpt-4.1-mini"),
        "writer_b": ("local", "default"),
        "writer_c": ("local", "default"),
    }


async def test_writers_run_in_parallel() -> None:
    delay = 0.3

    def slow_writers(request: CompletionRequest) -> FakeReply:
        if role_of(request).startswith("writer_"):
            return FakeReply(text=ARTICLE_TEXT, delay_s=delay)
        return FakeReply()

    h = harness(slow_writers)
    started = time.perf_counter()
    await _run(h, WriterBrief(length_words=200, topic="composting", platforms=[]))
    elapsed = time.perf_counter() - started
    events = {(e.step, e.state): e.at for e in h.progress.events}
    first = min(events[(w, "started")] for w in WRITERS)
    last = max(events[(w, "finished")] for w in WRITERS)
    stage = (last - first).total_seconds()
    assert delay <= stage < delay * 1.5, stage  # three sequential writers would take 0.9 s
    assert elapsed < delay * 2


async def test_social_copy_is_fitted_to_each_platform() -> None:
    long_text = "Compost turns kitchen scraps into rich soil for your garden. " * 40

    def long_posts(request: CompletionRequest) -> FakeReply:
        if role_of(request) == "social_copywriter":
            return FakeReply(data={"text": long_text[:2200], "hashtags": ["compost", "garden"]})
        return writes_well(request)

    h = harness(long_posts)
    brief = WriterBrief(
        length_words=200, topic="composting", article_url="https://blog.example.com/compost"
    )
    state = await _run(h, brief)
    for platform in Platform:
        post = state["social"][platform.value]
        rules = PLATFORM_RULES[platform]
        assert post.length <= rules.text_limit == post.limit, platform
        assert post.ok, (platform, post.problems)
    x = state["social"]["x"]
    assert weighted_length(x.text) <= 280 and "https://blog.example.com/compost" in x.text
    assert len(state["social"]["threads"].text) <= 500
    # A photo post shows no link preview on Facebook: the validator moved the link to the text.
    assert "https://blog.example.com/compost" in state["social"]["facebook"].text
    for call in all_calls(h.fakes):
        if role_of(call) == "social_copywriter":
            platform = Platform(platform_of(call))
            assert platform_instructions(platform) in call.messages[-1].content


async def test_image_prompts_are_english_for_a_korean_article() -> None:
    def korean(request: CompletionRequest) -> FakeReply:
        role = role_of(request)
        if role == "visual_director":
            return FakeReply(
                data={
                    "images": [
                        {"prompt": "퇴비 더미와 정원", "alt": "퇴비 더미", "aspect": "16:9"},
                        {
                            "prompt": "A worm bin on a balcony",
                            "alt": "지렁이 상자",
                            "aspect": "1:1",
                        },
                    ]
                }
            )
        if role == "translator":
            translator_room.append(request.max_tokens)
            return FakeReply(text="A compost heap in a garden, soft morning light")
        return writes_well(request)

    translator_room: list[int] = []
    h = harness(korean)
    state = await _run(
        h, WriterBrief(length_words=200, topic="집에서 퇴비 만들기", language="ko", image_count=2)
    )
    prompts = [image.prompt for image in state["visual"].images]
    assert prompts == ["A compost heap in a garden, soft morning light", "A worm bin on a balcony"]
    assert [image.alt for image in state["visual"].images] == ["퇴비 더미", "지렁이 상자"]
    # One translation of the brief before the director, one of the Korean prompt after.
    assert roles_called(h.fakes).count("translator") == 2
    # Room for the text, not the task's 1,600 tokens a loop would fill: "퇴비 더미와 정원".
    assert translator_room[-1] < 200 and max(translator_room) < 1600
    assert [p.prompt for p in h.images.calls[0]] == prompts
    assert state["markdown"].markdown.count("## 출처") == 1


async def test_markdown_resolves_citations_and_places_images() -> None:
    h = harness(_writers_write)
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    document = state["markdown"]
    assert document.markdown.startswith("---\ntitle: ")
    assert document.dropped_citations == [9]  # the writers cited a source that does not exist
    assert "[9]" not in document.markdown and "[1]" in document.markdown
    assert [c.number for c in document.citations] == [1, 2, 3]
    assert "1. [Composting basics](https://example.org/basics)" in document.markdown
    assert "3. Moisture\n" in document.markdown  # no link to show
    for image in state["images"]:
        assert f"![{image.alt}]({image.url})" in document.markdown
    assert document.front_matter["slug"] == state["seo"].slug != ""


async def test_a_failed_writer_leaves_two_drafts() -> None:
    def writer_b_down(request: CompletionRequest) -> FakeReply:
        if role_of(request) == "writer_b":
            return FakeReply(error=ProviderServerError("local", "overloaded"))
        return _writers_write(request)

    h = harness(writer_b_down)
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    assert state["status"] == "done"
    assert state["drafts"]["writer_b"].status == "failed"
    assert "overloaded" in (state["drafts"]["writer_b"].error or "")
    editor_call = next(c for c in all_calls(h.fakes) if role_of(c) == "editor")
    assert '"id": "writer_b"' not in editor_call.messages[-1].content


async def test_a_failed_social_post_is_written_from_the_article_not_failing_it() -> None:
    """The bundled model's social JSON looped until it was cut off, twice: the failure failed
    the article's activity, which was retried whole. One post is written from the article."""

    def x_copy_loops(request: CompletionRequest) -> FakeReply:
        if (
            role_of(request) == "social_copywriter"
            and "## platform\nx\n" in request.messages[-1].content
        ):
            return FakeReply(error=ProviderServerError("local", "cut off at max_tokens=1186"))
        return _writers_write(request)

    h = harness(x_copy_loops)
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    assert state["status"] == "done"
    x = state["social"]["x"]
    assert x.text.startswith(state["seo"].title) and x.provider is None
    assert "copywriter model failed" in x.changes[0] and x.ok
    assert all(post.provider == "local" for name, post in state["social"].items() if name != "x")


async def test_no_draft_at_all_ends_the_article_as_failed() -> None:
    def writers_down(request: CompletionRequest) -> FakeReply:
        if role_of(request).startswith("writer_"):
            return FakeReply(error=ProviderServerError("local", "overloaded"))
        return FakeReply()

    h = harness(writers_down)
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    assert state["status"] == "failed" and "No writer produced a draft" in state["stop_reason"]
    assert "editor" not in roles_called(h.fakes) and "article" not in state


@pytest.mark.parametrize("checkpointer", [None, InMemorySaver()], ids=["plain", "checkpointed"])
async def test_run_article_is_idempotent_for_a_finished_thread(
    checkpointer: InMemorySaver | None,
) -> None:
    h = harness()
    graph = h.graph(checkpointer=checkpointer)
    start = start_state(
        tenant_id=uuid4(), article_id="same", brief=WriterBrief(length_words=200, topic="soil")
    )
    first = await run_article(graph, start)
    calls = len(all_calls(h.fakes))
    second = await run_article(graph, start)
    assert second["markdown"] == first["markdown"]
    ran_again = len(all_calls(h.fakes)) - calls
    assert ran_again == (0 if checkpointer else calls)


async def test_a_failing_progress_callback_does_not_fail_the_article() -> None:
    h = harness()

    async def broken(event: object) -> None:
        raise RuntimeError("dashboard down")

    h.progress = broken  # type: ignore[assignment]
    state = await _run(h, WriterBrief(length_words=200, topic="composting", platforms=[Platform.X]))
    assert state["status"] == "done" and set(state["social"]) == {"x"}


async def test_answers_that_echo_the_prompt_are_not_published() -> None:
    echo = "## topic\ncomposting\n\n## language\nen\n\n## research\n{}"

    def echoing(request: CompletionRequest) -> FakeReply:
        role = role_of(request)
        if role == "writer_a":
            return FakeReply(text=echo)
        return _writers_write(request)

    h = harness(echoing)
    state = await _run(h, WriterBrief(length_words=200, topic="composting"))
    assert state["drafts"]["writer_a"].status == "failed"
    assert "inputs" in (state["drafts"]["writer_a"].error or "")
    assert state["drafts"]["writer_a"].provider == "local"  # who failed is recorded too
    assert "## research" not in state["markdown"].markdown
    assert "Mix greens and browns [1]." in state["markdown"].markdown


@pytest.mark.parametrize(("mode", "role"), [("compare", "editor"), ("merge", "merger")])
async def test_a_failing_reviewer_still_yields_the_best_draft(mode: str, role: str) -> None:
    def reviewer_fails(request: CompletionRequest) -> FakeReply:
        if role_of(request) == role:
            return FakeReply(error=ProviderServerError("local", "cut off at max_tokens"))
        return _writers_write(request)

    h = harness(reviewer_fails)
    state = await _run(h, WriterBrief(length_words=200, topic="composting at home", mode=mode))  # type: ignore[arg-type]
    article = state["article"]
    assert state["status"] != "failed"
    assert article.method == mode and article.text.startswith("# Composting at home")
    assert any(f"The {role} failed" in note for note in article.notes)
    assert state["markdown"]  # the rest of the graph ran
