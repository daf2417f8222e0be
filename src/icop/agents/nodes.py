"""The article graph's nodes. Each makes at most the model calls its role needs (one, except the
visual director's optional translations and the editor's optional polish) and returns only the
state keys it produced, so a checkpoint after a node is exactly that node's work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from typing import Any, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel

from icop.agents import citations, claims, prompts
from icop.agents.exceptions import AgentFailure
from icop.agents.gate import content, document, metadata, scaffolding
from icop.agents.protocols import GraphDeps, ProgressEvent
from icop.agents.review import (
    echoed_inputs,
    for_review,
    instead_of_blocked,
    judged,
    merged,
    polish_refused,
    ranked_drafts,
    rewriter,
    rewritten,
    unreviewed,
    usable,
    without_echoed_fields,
)
from icop.agents.runtime.base import AgentResult
from icop.agents.schemas import (
    WRITERS,
    AgentUsage,
    ArticleText,
    DraftForReview,
    DraftRecord,
    DraftText,
    EditorInput,
    EditorJudgement,
    GateReport,
    InputModel,
    MergedText,
    MergerInput,
    ResearcherInput,
    ResearchSummary,
    SeoInput,
    SeoMeta,
    SocialCopyDraft,
    SocialCopyInput,
    SourceExcerpt,
    TranslatedText,
    TranslateInput,
    VisualInput,
    VisualPlan,
    WriterId,
    WriterInput,
    shorten,
)
from icop.agents.social import fit_post, from_article
from icop.agents.state import ArticleState, SocialTask
from icop.agents.visuals import english_prompts, is_english
from icop.llm.tasks import spec_for
from icop.observability.tracing import graph_node_span

logger = logging.getLogger(__name__)

ARTICLE_WRITING_ROLES = frozenset({"writer_a", "writer_b", "writer_c", "merger"})
# English prose runs ~1.3 tokens per word; the headroom keeps a good draft from being cut.
TOKENS_PER_WORD = 1.8
# A merge or polish may run longer than the brief asked: it works from whole drafts.
MERGE_HEADROOM = 600
# A Hangul character translates to about 0.4 English tokens, a Latin one to about 0.25.
TRANSLATION_TOKENS_PER_CHAR = 0.5
M = TypeVar("M", bound=BaseModel)
Update = dict[str, Any]


class Node(Protocol):
    """A graph node: LangGraph passes the state (or a Send's payload) as ``state``."""

    def __call__(self, state: Any) -> Awaitable[Update]: ...


class ArticleNodes:
    def __init__(self, deps: GraphDeps) -> None:
        self.deps = deps

    # --- plumbing ----------------------------------------------------------------------------

    def tracked(self, step: str, node: Node) -> Node:
        """``node`` reporting started/finished/failed to the progress callback."""

        async def run(state: Mapping[str, Any]) -> Update:
            name = f"{step}:{state['platform']}" if step == "social_copy" else step
            article_id = str(state.get("article_id", ""))
            await self._report(ProgressEvent(article_id, name, "started"))
            try:
                # The node's span is the parent of its model calls' spans (the trace's
                # activity -> node -> llm.route -> llm.attempt chain).
                with graph_node_span(name, article_id=article_id):
                    update = await node(state)
            except BaseException as error:
                await self._report(ProgressEvent(article_id, name, "failed", str(error)[:300]))
                raise
            stopped = update.get("status") in ("no_sources", "failed")
            await self._report(
                ProgressEvent(
                    article_id,
                    name,
                    "stopped" if stopped else "finished",
                    update.get("stop_reason"),
                    cost_usd=sum(usage.cost_usd for usage in update.get("usage", [])),
                )
            )
            return update

        run.__name__ = step
        return run

    async def _report(self, event: ProgressEvent) -> None:
        # Progress is advisory: a failing reporter must not fail (and re-run) an article.
        try:
            await self.deps.progress(event)
        except Exception:
            logger.warning("progress callback failed for %s", event.step, exc_info=True)

    def _budget(self, role: str) -> int:
        return spec_for(self.deps.runtime.roles[role].task).context_budget_tokens

    async def _run(
        self,
        state: Mapping[str, Any],
        role: str,
        inputs: InputModel,
        output: type[M],
        instructions: str | None = None,
        max_tokens: int | None = None,
    ) -> AgentResult[M]:
        return await self.deps.runtime.run(
            role,
            inputs,
            output=output,
            tenant_id=UUID(state["tenant_id"]),
            correlation_id=state["article_id"],
            trace_id=state.get("trace_id", ""),
            instructions=instructions,
            max_tokens=max_tokens or self._length_cap(state, role),
        )

    def _length_cap(self, state: Mapping[str, Any], role: str) -> int | None:
        """Roles that write the article get room for the brief's length, not a fixed maximum:
        a small local model otherwise fills 1,600 tokens for a 150-word brief, and the editor
        then rewrites all of it."""
        if role not in ARTICLE_WRITING_ROLES:
            return None
        words = state["brief"].length_words
        if role == "merger":
            cap = int(words * 2 * TOKENS_PER_WORD) + MERGE_HEADROOM
        else:
            cap = int(words * TOKENS_PER_WORD) + 150
        ceiling = self.deps.runtime.roles[role].max_tokens
        return min(cap, ceiling) if ceiling else cap

    # --- research ----------------------------------------------------------------------------

    async def research(self, state: ArticleState) -> Update:
        brief, tenant_id = state["brief"], UUID(state["tenant_id"])
        found, samples, tone = await asyncio.gather(
            self.deps.researcher.research(tenant_id, brief.subject, brief.language),
            self.deps.brand_voice.retrieve(
                tenant_id, brief.subject, brief.language, self.deps.brand_voice_samples
            ),
            self.deps.brand_voice.tone(tenant_id),
        )
        tone_update = {"brand_tone": shorten(tone, 1200)} if tone else {}
        sources = citations.usable_sources(found, self.deps.max_sources)
        samples = [shorten(sample, 1500) for sample in samples[:5]]
        if not sources:
            return {
                "status": "no_sources",
                "stop_reason": f"Research found no usable sources on {brief.subject!r}; "
                "the article was not written rather than written without citations.",
                "sources": [],
                "brand_voice": samples,
                **tone_update,
            }
        summary = None
        usage = []
        if self.deps.research_claims == "model":
            audience = f" for {brief.audience}" if brief.audience else ""
            result = await self._run(
                state,
                "researcher",
                ResearcherInput(
                    topic=brief.subject,
                    language=brief.language,
                    sources=[
                        SourceExcerpt(number=s.number, title=s.title, snippet=s.snippet or s.title)
                        for s in sources
                    ],
                    question=prompts.RESEARCH_QUESTION.format(
                        topic=brief.subject, audience=audience
                    ),
                ),
                ResearchSummary,
            )
            summary, usage = result.output, [result.usage]
        return {
            "status": "running",
            "sources": sources,
            "research": claims.digest(sources, brief.subject, brief.language, summary),
            "brand_voice": samples,
            **tone_update,
            "usage": usage,
        }

    # --- writers -----------------------------------------------------------------------------

    def writer(self, name: WriterId) -> Node:
        async def write(state: ArticleState) -> Update:
            brief = state["brief"]
            try:
                result = await self._run(
                    state,
                    name,
                    WriterInput(
                        topic=brief.subject,
                        language=brief.language,
                        outline=brief.outline,
                        research=state["research"],
                        brand_voice=state.get("brand_voice", []),
                        brand_tone=state.get("brand_tone"),
                        length_words=brief.length_words,
                        audience=brief.audience,
                    ),
                    DraftText,
                    instructions=prompts.rewrite_note(state.get("gate")),
                )
            except AgentFailure as failure:
                # One writer down is an article with two drafts, not a failed article.
                record = DraftRecord(writer=name, status="failed", error=failure.detail[:1000])
                return {"drafts": {name: record}}
            raw = result.output.text
            text = "" if echoed_inputs(raw) else without_echoed_fields(raw)
            if not text:
                error = "the model answered with its inputs instead of an article"
                record = DraftRecord(
                    writer=name,
                    status="failed",
                    provider=result.usage.provider,
                    model=result.usage.model,
                    error=error if raw.strip() else "the model answered with nothing",
                )
                return {"drafts": {name: record}, "usage": [result.usage]}
            similarity = await self.deps.brand_voice.similarity(UUID(state["tenant_id"]), text)
            record = DraftRecord(
                writer=name,
                text=text,
                provider=result.usage.provider,
                model=result.usage.model,
                brand_voice_similarity=(
                    None if similarity is None else max(-1.0, min(1.0, similarity))
                ),
                citations=citations.cited_numbers(text)[:50],
            )
            return {"drafts": {name: record}, "usage": [result.usage]}

        return write

    async def drafts_ready(self, state: ArticleState) -> Update:
        drafts = state.get("drafts", {})
        if any(d.status == "ok" and d.text.strip() for d in drafts.values()):
            return {}
        reasons = "; ".join(f"{d.writer}: {d.error}" for d in drafts.values())
        return {"status": "failed", "stop_reason": f"No writer produced a draft ({reasons})"[:2000]}

    # --- compare or merge --------------------------------------------------------------------

    async def editor(self, state: ArticleState) -> Update:
        brief, drafts = state["brief"], usable(state.get("drafts", {}))
        facts = [claim.text for claim in state["research"].claims]
        try:
            result = await self._run(
                state,
                "editor",
                EditorInput(
                    topic=brief.subject,
                    language=brief.language,
                    drafts=for_review(drafts, self._budget("editor")),
                    rubric=list(prompts.RUBRIC),
                    research=state["research"],
                ),
                EditorJudgement,
            )
        except AgentFailure as failure:
            article = unreviewed(drafts, "compare", str(failure), facts, brief.language)
            return {"article": article}
        article = judged(result.output, drafts, facts, brief.language)
        usage = [result.usage]
        if self.deps.editor_polish:
            article, polish_usage = await self._polished(state, article, facts)
            usage += polish_usage
        return {"article": article, "usage": usage}

    async def _polished(
        self, state: ArticleState, article: ArticleText, facts: list[str]
    ) -> tuple[ArticleText, list[AgentUsage]]:
        """The chosen draft polished by the merger's model (structure, clarity, the brand's
        tone), kept only when it lost no citation, no researched fact and not half the text."""
        brief = state["brief"]
        draft = DraftForReview(id=article.chosen or WRITERS[0], text=article.text)
        try:
            result = await self._run(
                state,
                "merger",
                MergerInput(
                    topic=brief.subject,
                    language=brief.language,
                    drafts=[draft],
                    brand_voice=state.get("brand_voice", []),
                    brand_tone=state.get("brand_tone"),
                    research=state["research"],
                ),
                MergedText,
                instructions=prompts.POLISH_NOTE,
            )
        except AgentFailure as failure:
            note = f"The polish failed ({failure.detail[:200]}); the draft is used."
            return article.model_copy(update={"notes": [*article.notes, note]}), []
        polished = result.output.text.strip()
        refused = polish_refused(article.text, polished, facts, brief.language)
        if refused is not None:
            return article.model_copy(update={"notes": [*article.notes, refused]}), [result.usage]
        return article.model_copy(update={"text": polished}), [result.usage]

    async def merger(self, state: ArticleState) -> Update:
        brief, drafts = state["brief"], usable(state.get("drafts", {}))
        try:
            result = await self._run(
                state,
                "merger",
                MergerInput(
                    topic=brief.subject,
                    language=brief.language,
                    drafts=for_review(drafts, self._budget("merger")),
                    brand_voice=state.get("brand_voice", []),
                    brand_tone=state.get("brand_tone"),
                    research=state["research"],
                ),
                MergedText,
            )
        except AgentFailure as failure:
            return {"article": unreviewed(drafts, "merge", str(failure))}
        return {"article": merged(result.output.text, drafts), "usage": [result.usage]}

    # --- the publishability gate --------------------------------------------------------------

    async def gate(self, state: ArticleState) -> Update:
        """The article's text through the gate: repaired where code can; otherwise rewritten by
        the writers (once, told why), and after that ``needs_review`` — never published."""
        article = state["article"]
        previous = state.get("gate")
        attempt = previous.attempt + 1 if previous is not None and not previous.passed else 1
        context = self._gate_context(state)
        reviewed = content.review(article.text, context)
        if reviewed.blocking:
            # Another writer's draft may pass as it is: cheaper than writing again.
            for draft in ranked_drafts(article, state.get("drafts", {})):
                candidate = content.review(draft.text, context)
                if not candidate.blocking:
                    reviewed, article = candidate, instead_of_blocked(article, draft.writer)
                    break
        report = GateReport(
            findings=reviewed.findings[:200],
            attempt=attempt,
            dropped=sorted(reviewed.dropped),
            inferred=reviewed.inferred,
        )
        update: Update = {"gate": report}
        if reviewed.text.strip():
            update["article"] = article.model_copy(update={"text": reviewed.text})
        if not report.passed and attempt >= self.deps.gate_attempts:
            update["status"] = "needs_review"
            update["stop_reason"] = (
                f"The article did not pass the publishability gate after {attempt} "
                f"attempt(s): {report.summary()}"
            )[:2000]
        return update

    async def rewrite(self, state: ArticleState) -> Update:
        """The gate blocked the article and every draft: one writer writes it again, told why,
        and the gate reads the new text as it is. Not three writers and the editor again: on
        the bundled model that round took longer than the first article (docs/quality.md)."""
        article = state["article"]
        name = rewriter(article, state.get("drafts", {}))
        update = await self.writer(name)(state)
        draft: DraftRecord = update["drafts"][name]
        return {**update, "article": rewritten(article, draft)}

    def _gate_context(self, state: ArticleState) -> content.GateContext:
        brief, research = state["brief"], state["research"]
        return content.GateContext(
            language=brief.language,
            length_words=brief.length_words,
            sources=state["sources"],
            claims=research.claims,
            references=[
                *prompts.every_prompt(self.deps.runtime.roles.all()),
                *state.get("brand_voice", []),
            ],
            labels=scaffolding.labels_of(prompts.INPUT_LABELS),
            material=[research.summary, *(claim.text for claim in research.claims)],
        )

    # --- publishing --------------------------------------------------------------------------

    async def seo(self, state: ArticleState) -> Update:
        brief = state["brief"]
        result = await self._run(
            state,
            "seo",
            SeoInput(
                title=brief.subject,
                article=state["article"].text,
                language=brief.language,
                keywords=brief.keywords,
            ),
            SeoMeta,
        )
        seo, findings = metadata.clean_seo(
            result.output,
            state["article"].text,
            brief.language,
            subject=brief.subject,
            keywords=brief.keywords,
        )
        if not seo.slug:  # nothing Latin in the title or the brief (a Korean article)
            seo = seo.model_copy(update={"slug": f"article-{state['article_id'][:8]}"})
        return {"seo": seo, "findings": findings, "usage": [result.usage]}

    async def visual_director(self, state: ArticleState) -> Update:
        brief, seo = state["brief"], state["seo"]
        title = seo.title
        summary = shorten(f"{seo.meta_description} {state['research'].summary}", 2000)
        usage = []
        if not is_english(brief.language):
            # Prompts must be English; an English brief is the surest way to get them.
            translated = await self._translate(state, f"{title}\n\n{summary}", brief.language)
            usage.append(translated.usage)
            title, _, rest = translated.output.text.partition("\n")
            summary = shorten(rest.strip() or summary, 2000)
            title = shorten(title, 500) or seo.title
        result = await self._run(
            state,
            "visual_director",
            VisualInput(
                title=title,
                summary=summary,
                brand=brief.brand,
                count=brief.image_count,
                language=brief.language,
            ),
            VisualPlan,
        )
        usage.append(result.usage)
        plan = VisualPlan(images=result.output.images[: brief.image_count])
        plan, extra = await english_prompts(plan, lambda text: self._translate(state, text, None))
        fitted, findings = metadata.fit_alts(
            plan.images,
            seo.title,
            state["article"].text,
            brief.language,
            prompts.every_prompt(self.deps.runtime.roles.all()),
        )
        return {"visual": VisualPlan(images=fitted), "findings": findings, "usage": usage + extra}

    async def _translate(
        self, state: Mapping[str, Any], text: str, source: str | None
    ) -> AgentResult[TranslatedText]:
        return await self._run(
            state,
            "translator",
            TranslateInput(
                text=text, source_language=source or state["brief"].language, target_language="en"
            ),
            TranslatedText,
            # Room for the translation, not the task's 1,600 tokens: the bundled model once
            # looped to that limit translating two sentences (minutes on two cores).
            max_tokens=int(len(text) * TRANSLATION_TOKENS_PER_CHAR) + 100,
        )

    async def images(self, state: ArticleState) -> Update:
        assets = await self.deps.images.make(
            UUID(state["tenant_id"]),
            state["article_id"],
            state["visual"].images,
            title=state["seo"].title,
        )
        return {"images": sorted(assets, key=lambda asset: asset.index)}

    async def markdown(self, state: ArticleState) -> Update:
        """The file, assembled in code from the gated article (no model call: a formatter
        model could only lose or invent what the gate checked)."""
        report = state["gate"]
        markdown = document.assemble(
            state["article"].text,
            seo=state["seo"],
            language=state["brief"].language,
            sources=state["sources"],
            images=state.get("images", []),
            findings=[*report.findings, *state.get("findings", [])],
            dropped=report.dropped,
            inferred=report.inferred,
        )
        return {"markdown": markdown}

    async def social_copy(self, state: SocialTask) -> Update:
        platform = state["platform"]
        try:
            result = await self._run(
                state,
                "social_copywriter",
                SocialCopyInput(
                    title=state["title"],
                    summary=state["summary"],
                    url=state["url"],
                    platform=platform,
                    language=state["language"],
                    hashtags=state["hashtags"],
                    brand_voice=state["brand_voice"],
                ),
                SocialCopyDraft,
                instructions=prompts.platform_instructions(platform),
            )
        except AgentFailure as failure:
            # One post is not worth the article: a failed activity would be retried whole
            # (the bundled model's JSON that loops until it is cut off failed it twice in a
            # row). The post is written from the article instead, and says so.
            post = fit_post(
                from_article(state["title"], state["summary"], state["hashtags"]),
                platform,
                url=state["url"],
                images=state["images"],
                title=state["title"],
                summary=state["summary"],
                notes=[
                    f"The copywriter model failed ({failure.detail[:150]}); "
                    "the post is the article's title and summary."
                ],
            )
            return {"social": {platform.value: post}}
        post = fit_post(
            result.output,
            platform,
            url=state["url"],
            images=state["images"],
            title=state["title"],
            summary=state["summary"],
            provider=result.usage.provider,
            model=result.usage.model,
        )
        return {"social": {platform.value: post}, "usage": [result.usage]}

    async def finish(self, state: ArticleState) -> Update:
        return {"status": "done"}
