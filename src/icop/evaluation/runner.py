"""The evaluation runner: each topic's article written through the product's own path.

Per topic: a fresh tenant (signed up like any other), its reference documents added to its
knowledge store (so research finds them, as it would a customer's uploads), an article
registered like an API request, and the article workflow's ``article.generate`` activity run
on it — the same activity, agent graph, router, research, images and checkpoints a worker
runs, with the configured model provider. The activity runs in Temporal's
``ActivityEnvironment`` rather than on a worker: an evaluation needs no durable queue, and the
activity is the unit that decides the article's status (``ready``, ``needs_review`` …). An
activity that raises is run again, as Temporal's retry policy would (resuming the graph from
its checkpoint), and each failure is recorded.

What the article left behind is read back from the product's own records — the article row,
the graph's final checkpoint — plus what the ``RecordingRuntime`` saw of each model call.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast
from uuid import UUID, uuid4

from pydantic import BaseModel
from temporalio.exceptions import CancelledError as ActivityCancelled
from temporalio.testing import ActivityEnvironment

from icop.agents.checkpoint import PostgresCheckpointSaver
from icop.agents.graph import thread_config, with_checkpointer
from icop.agents.runtime import create_runtime
from icop.agents.state import ArticleState
from icop.articles import service as articles
from icop.articles.activities import ArticleActivities, ArticleWorkflowInput
from icop.articles.generator import BrandVoiceAdapter, GraphArticleGenerator, ResearchAdapter
from icop.articles.images import ArticleImages
from icop.articles.repository import ArticleRepository
from icop.articles.schemas import ArticleCreate
from icop.auth import service as auth
from icop.auth.principal import Principal, PrincipalKind
from icop.auth.service import ClientInfo
from icop.auth.tokens import TokenService
from icop.brand.service import BrandVoiceService
from icop.db.session import unit_of_work
from icop.evaluation.dataset import EvalTopic
from icop.evaluation.recording import Recorded, RecordingRuntime
from icop.evaluation.records import (
    ArticleRecord,
    ClaimRecord,
    DraftRecord,
    SocialRecord,
    SourceRef,
)
from icop.knowledge import service as knowledge
from icop.knowledge.config import KnowledgeConfig
from icop.models import Role
from icop.research.config import build_researcher
from icop.runtime.clients import Runtime

Mode = Literal["compare", "merge"]
Progress = Callable[[EvalTopic, str], None]


@dataclass(frozen=True)
class EvalOptions:
    provider: str
    model: str
    mode: Mode = "compare"
    max_attempts: int = 3
    """Runs of the activity per article: Temporal's policy allows 6; three tell a flaky
    article from a broken one without tripling a slow model's run."""


def _no_progress(topic: EvalTopic, step: str) -> None:
    return None


class EvalRunner:
    def __init__(
        self, runtime: Runtime, options: EvalOptions, *, progress: Progress = _no_progress
    ) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.options = options
        self.progress = progress
        self.recording = RecordingRuntime(
            create_runtime(
                settings.agent_runtime, runtime.llm, storage_dir=settings.home / "crewai"
            )
        )
        self.brand_voice = BrandVoiceService(runtime.sessionmaker, runtime.embedder)
        self.generator = GraphArticleGenerator(
            runtime.sessionmaker,
            runtime=self.recording,
            researcher=ResearchAdapter(
                build_researcher(
                    settings,
                    sessionmaker=runtime.sessionmaker,
                    embedder=runtime.embedder,
                    http=runtime.http,
                )
            ),
            brand_voice=BrandVoiceAdapter(self.brand_voice),
            # No Temporal: image jobs render inline with the tenant's provider chain.
            images=ArticleImages(runtime.sessionmaker, runtime.images, None),
            durability=settings.article_checkpoint_durability,
            research_claims=settings.research_claims,
            editor_polish=settings.editor_polish,
        )
        self.activities = ArticleActivities(
            runtime.sessionmaker, self.generator, settings.home, settings.base_url
        )

    async def run(
        self, topics: Sequence[EvalTopic], *, started: float | None = None
    ) -> list[ArticleRecord]:
        """One article per topic, one after another (each uses every parallel slot of a local
        model already: three writers). ``started``: the ``perf_counter`` the run's clock
        counts from (the caller may have started the model server before)."""
        started = time.perf_counter() if started is None else started
        return [await self.run_topic(topic, started=started) for topic in topics]

    async def run_topic(self, topic: EvalTopic, *, started: float) -> ArticleRecord:
        self.progress(topic, "workspace")
        principal = await self.new_workspace(topic)
        self.progress(topic, "documents")
        await self.add_documents(principal, topic)
        article_id = await self.register(principal, topic)
        request = ArticleWorkflowInput(
            tenant_id=str(principal.tenant_id), article_id=str(article_id)
        )
        failures: list[str] = []
        attempts = 0
        began = time.perf_counter()
        environment = ActivityEnvironment()
        # The activity beats with the step that started; its liveness beats carry nothing.
        environment.on_heartbeat = lambda *details: (
            self.progress(topic, str(details[0])) if details else None
        )
        while attempts < self.options.max_attempts:
            attempts += 1
            try:
                await environment.run(self.activities.generate, request)
                break
            except (asyncio.CancelledError, ActivityCancelled):
                raise  # Ctrl-C: the activity environment reports it as a cancelled activity
            except Exception as error:  # what Temporal would retry: record it, then retry
                failures.append(f"{type(error).__name__}: {error}"[:1000])
        seconds = time.perf_counter() - began
        record = await self.collect(principal.tenant_id, article_id, topic)
        self.progress(topic, record.status)
        return record.model_copy(
            update={
                "failures": failures,
                "attempts": attempts,
                "seconds": round(seconds, 2),
                "finished_after_s": round(time.perf_counter() - started, 2),
                "status": record.status if len(failures) < attempts else "error",
                "stop_reason": record.stop_reason or (failures[-1] if failures else None),
            }
        )

    # -- a fresh workspace ------------------------------------------------------------------
    async def new_workspace(self, topic: EvalTopic) -> Principal:
        settings = self.runtime.settings
        async with unit_of_work(self.runtime.sessionmaker, None) as session:
            pair = await auth.signup(
                session,
                TokenService.from_settings(settings),
                email=f"eval-{topic.id}-{uuid4().hex[:12]}@eval.icop.dev",
                # Nobody signs in: the tenant exists for one evaluated article.
                password=secrets.token_urlsafe(24),
                company_name=f"Evaluation: {topic.id}",
                display_name=None,
                client=ClientInfo(user_agent="icop-eval"),
            )
        return Principal(
            kind=PrincipalKind.USER, tenant_id=pair.tenant_id, role=Role.OWNER, user_id=pair.user_id
        )

    async def add_documents(self, principal: Principal, topic: EvalTopic) -> None:
        settings = self.runtime.settings
        config = KnowledgeConfig.from_settings(settings)
        for document in topic.documents:
            prepared = await knowledge.prepare(
                self.runtime.embedder,
                config,
                title=document.title,
                text=document.body,
                source_kind="file",
                language=topic.language,
            )
            async with unit_of_work(self.runtime.sessionmaker, principal.tenant_id) as session:
                await knowledge.store(session, principal, prepared)

    async def register(self, principal: Principal, topic: EvalTopic) -> UUID:
        brief = ArticleCreate(
            topic=topic.topic,
            audience=topic.audience,
            language=topic.language,
            mode=self.options.mode,
            length_words=topic.length_words,
        )
        async with unit_of_work(self.runtime.sessionmaker, principal.tenant_id) as session:
            article = await articles.register(session, principal, brief)
        return article.id

    # -- what the article left behind -------------------------------------------------------
    async def final_state(self, tenant_id: UUID, article_id: UUID) -> ArticleState:
        graph = with_checkpointer(
            self.generator.graph, PostgresCheckpointSaver(self.runtime.sessionmaker, tenant_id)
        )
        snapshot = await graph.aget_state(thread_config(str(article_id)))
        return cast(ArticleState, dict(snapshot.values or {}))

    async def collect(self, tenant_id: UUID, article_id: UUID, topic: EvalTopic) -> ArticleRecord:
        async with unit_of_work(self.runtime.sessionmaker, tenant_id) as session:
            row = await ArticleRepository(session).get(article_id)
            brand_samples = await self.brand_voice.retrieve(tenant_id, topic.topic, 1)
        state = await self.final_state(tenant_id, article_id)
        recorded = self.recording.take(str(article_id))
        return to_record(
            topic,
            self.options,
            article_id=article_id,
            status=str(row.status) if row is not None else "missing",
            error=row.error if row is not None else None,
            stored_markdown=(row.final_markdown or "") if row is not None else "",
            state=state,
            recorded=recorded,
            brand_voice_configured=bool(brand_samples),
        )


def to_record(
    topic: EvalTopic,
    options: EvalOptions,
    *,
    article_id: UUID,
    status: str,
    error: str | None,
    stored_markdown: str,
    state: ArticleState,
    recorded: Recorded,
    brand_voice_configured: bool,
) -> ArticleRecord:
    document = state.get("markdown")
    article = state.get("article")
    research = state.get("research")
    sources = [
        SourceRef(number=s.number, title=s.title, url=s.url, snippet=s.snippet)
        for s in state.get("sources", [])
    ]
    seo = state.get("seo")
    visual = state.get("visual")
    social = []
    for platform, post in sorted(state.get("social", {}).items()):
        draft = recorded.social_drafts.get(platform)
        social.append(
            SocialRecord(
                platform=platform,
                draft_text=draft.text if draft else None,
                draft_hashtags=list(draft.hashtags) if draft else [],
                text=post.text,
                hashtags=list(post.hashtags),
                ok=post.ok,
                changes=list(post.changes),
                problems=list(post.problems),
                link_url=post.link_url,
            )
        )
    gate = gate_findings(state)
    return ArticleRecord(
        topic_id=topic.id,
        language=topic.language,
        provider=options.provider,
        model=options.model,
        mode=options.mode,
        article_id=str(article_id),
        status=status,
        stop_reason=error or state.get("stop_reason"),
        # An article sent to review has no assembled file: its text is what the row keeps.
        markdown=document.markdown if document else stored_markdown,
        title=seo.title if seo else None,
        # As the models wrote it: the graph (the gate) may repair the article it keeps.
        article_text="\n\n".join(recorded.written) or (article.text if article else ""),
        sources=sources,
        references=[resolved(c.number, c.title, c.url, sources) for c in document.citations]
        if document
        else [],
        cited_sources=[c.number for c in document.citations] if document else [],
        inferred_citations=list(document.inferred_citations) if document else [],
        dropped_citations=list(document.dropped_citations) if document else [],
        claims=[ClaimRecord(text=c.text, sources=list(c.sources)) for c in research.claims]
        if research
        else [],
        drafts=[
            DraftRecord(
                writer=d.writer,
                status=d.status,
                provider=d.provider,
                model=d.model,
                text=d.text,
                error=d.error,
                brand_voice_similarity=d.brand_voice_similarity,
            )
            for _, d in sorted(state.get("drafts", {}).items())
        ],
        seo=seo.model_dump(mode="json") if seo else {},
        image_alts=[image.alt for image in state.get("images", [])],
        image_prompts=[prompt.prompt for prompt in visual.images] if visual else [],
        social=social,
        calls=recorded.calls,
        gate=gate,
        brand_voice_configured=brand_voice_configured,
    )


def resolved(number: int, title: str, url: str | None, sources: list[SourceRef]) -> SourceRef:
    """A listed source with the passages of the research source(s) it is (by title and link:
    the final list may renumber, and one document can be several retrieved passages)."""
    same = [s for s in sources if s.title == title and s.url == url]
    passages = list(dict.fromkeys(s.snippet for s in same if s.snippet))
    return SourceRef(number=number, title=title, url=url, snippet="\n\n".join(passages))


def gate_findings(state: ArticleState) -> dict[str, Any] | None:
    """The publishability gate's last report and what later stages repaired, as JSON (None
    on code without a gate)."""
    values = cast(dict[str, Any], state)
    report, later = values.get("gate"), values.get("findings") or []
    if report is None and not later:
        return None
    plain: dict[str, Any] = (
        report.model_dump(mode="json") if isinstance(report, BaseModel) else dict(report or {})
    )
    plain["findings"] = [
        *plain.get("findings", []),
        *(f.model_dump(mode="json") if isinstance(f, BaseModel) else f for f in later),
    ]
    return plain
