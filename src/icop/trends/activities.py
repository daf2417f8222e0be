"""The TrendPipeline's activities (``planning`` queue): each step reads and writes the run's
items in the database, so what passes through Temporal stays small (ids and counts)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from icop.config import Settings
from icop.credentials.vault import Keyring
from icop.db.session import unit_of_work
from icop.embeddings.base import Embedder
from icop.errors import ICOPError
from icop.knowledge.chunking import chunk_text
from icop.knowledge.config import KnowledgeConfig
from icop.knowledge.repository import KnowledgeRepository
from icop.models import (
    KnowledgeDocument,
    Trend,
    TrendConfig,
    TrendRun,
    TrendRunStatus,
    TrendSuggestion,
)
from icop.trends.clean import CleanRules, DropReason, ItemText, clean_items
from icop.trends.clustering import find_trends, item_score, trend_score
from icop.trends.dedupe import NearDuplicateIndex, to_signed, to_unsigned
from icop.trends.embed import embed_texts, near_duplicates
from icop.trends.repository import (
    SuggestionRepository,
    TrendConfigRepository,
    TrendItemRepository,
    TrendRepository,
    TrendRunRepository,
)
from icop.trends.schemas import TrendSources
from icop.trends.sources.base import SourceRefused
from icop.trends.sources.factory import build_sources, default_sources

logger = logging.getLogger(__name__)

FIRST_SEEN_DISTANCE = 0.15
"""Cosine distance within which an earlier run's trend is the same trend (for first seen)."""


@dataclass
class TrendRunInput:
    tenant_id: str
    run_id: str | None = None
    """None when the schedule started the run: ``start_run`` records it."""
    trigger: str = "schedule"


@dataclass
class SourcePlan:
    index: int
    name: str
    kind: str
    maximum_attempts: int
    initial_interval_s: float
    backoff_coefficient: float
    maximum_interval_s: float
    timeout_s: float


@dataclass
class StartedRun:
    run_id: str
    sources: list[SourcePlan] = field(default_factory=list)


@dataclass
class CollectInput:
    tenant_id: str
    run_id: str
    source_index: int


@dataclass
class RunStep:
    tenant_id: str
    run_id: str


@dataclass
class FinishInput:
    tenant_id: str
    run_id: str
    source_errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def _fail(error: ICOPError) -> ApplicationError:
    final = isinstance(error, SourceRefused) or error.status < 500
    logger.warning(
        "%s: %s (%s)", type(error).__name__, error.detail, "final" if final else "retried"
    )
    return ApplicationError(
        error.detail,
        type=type(error).__name__,
        non_retryable=final,
        category=ApplicationErrorCategory.BENIGN,
    )


class TrendActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        embedder: Embedder,
        http: httpx.AsyncClient,
        keyring: Keyring,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.embedder = embedder
        self.http = http
        self.keyring = keyring

    def _session(self, tenant_id: str) -> Any:
        return unit_of_work(self.sessionmaker, UUID(tenant_id))

    async def _config(self, session: AsyncSession) -> tuple[TrendConfig | None, TrendSources]:
        config = await TrendConfigRepository(session).get()
        if config is None or not config.sources:
            return config, default_sources(self.settings)
        return config, TrendSources.model_validate(config.sources)

    @activity.defn(name="trends.start_run")
    async def start_run(self, request: TrendRunInput) -> StartedRun:
        workflow_id = activity.info().workflow_id
        assert workflow_id is not None
        async with self._session(request.tenant_id) as session:
            runs = TrendRunRepository(session)
            run = await (
                runs.get(UUID(request.run_id))
                if request.run_id
                else runs.by_workflow_id(workflow_id)
            )
            if run is None:
                run = await runs.add(
                    TrendRun(
                        tenant_id=UUID(request.tenant_id),
                        trigger=request.trigger,
                        workflow_id=workflow_id,
                    )
                )
            run.status = TrendRunStatus.RUNNING
            run.step = "collect"
            run.started_at = datetime.now(UTC)
            _, sources_config = await self._config(session)
            try:
                sources = await build_sources(session, self.settings, self.keyring, sources_config)
            except ICOPError as error:
                raise _fail(error) from error
            return StartedRun(
                run_id=str(run.id),
                sources=[
                    SourcePlan(
                        index=index,
                        name=source.name,
                        kind=source.kind,
                        maximum_attempts=source.retry.maximum_attempts,
                        initial_interval_s=source.retry.initial_interval_s,
                        backoff_coefficient=source.retry.backoff_coefficient,
                        maximum_interval_s=source.retry.maximum_interval_s,
                        timeout_s=source.retry.timeout_s,
                    )
                    for index, source in enumerate(sources)
                ],
            )

    @activity.defn(name="trends.collect")
    async def collect(self, request: CollectInput) -> int:
        async with self._session(request.tenant_id) as session:
            _, config = await self._config(session)
            sources = await build_sources(session, self.settings, self.keyring, config)
        source = sources[request.source_index]
        try:
            items = await source.fetch(self.http, limit=self.settings.trends_max_items_per_source)
        except ICOPError as error:
            raise _fail(error) from error
        tenant_id, run_id = UUID(request.tenant_id), UUID(request.run_id)
        rows = [
            {
                "tenant_id": tenant_id,
                "id": uuid4(),
                "run_id": run_id,
                "source": source.name,
                "source_kind": source.kind,
                "external_id": item.external_id,
                "url": (item.url or "")[:2000] or None,
                "title": item.title[:500],
                "text": item.text,
                "published_at": item.published_at,
                "signal": item.signal,
                "language": item.language[:16] if item.language else None,
            }
            for item in items
        ]
        async with self._session(request.tenant_id) as session:
            await TrendItemRepository(session).add_collected(rows)
            run = await TrendRunRepository(session).must_get(run_id, lock=True)
            collected = dict((run.counts or {}).get("collected", {}))
            collected[source.name] = len(rows)
            run.counts = {**(run.counts or {}), "collected": collected}
        return len(rows)

    @activity.defn(name="trends.clean")
    async def clean(self, request: RunStep) -> dict[str, int]:
        run_id = UUID(request.run_id)
        now = datetime.now(UTC)
        max_age = timedelta(days=self.settings.trends_max_age_days)
        async with self._session(request.tenant_id) as session:
            config, _ = await self._config(session)
            items_repository = TrendItemRepository(session)
            items = await items_repository.unjudged(run_id)
            seen = NearDuplicateIndex()
            for exact, value in await items_repository.kept_before(run_id, now - max_age):
                seen.add(exact, to_unsigned(value))
            rules = CleanRules(
                min_chars=self.settings.trends_min_chars,
                max_age=max_age,
                languages=frozenset(config.languages if config else ()),
            )
            result = clean_items(
                [ItemText(i.title, i.text, i.published_at, i.language) for i in items],
                rules,
                now=now,
                seen=seen,
            )
            for index, reason in result.dropped.items():
                await items_repository.set(items[index].id, dropped=str(reason))
            for kept in result.kept:
                await items_repository.set(
                    items[kept.index].id,
                    title=kept.title,
                    text=kept.text,
                    language=kept.language,
                    content_hash=kept.content_hash,
                    simhash=to_signed(kept.simhash),
                )
            counts = result.counts
            run = await TrendRunRepository(session).must_get(run_id, lock=True)
            run.step = "embed"
            run.counts = {**(run.counts or {}), "dropped": counts, "kept": len(result.kept)}
        return counts

    @activity.defn(name="trends.embed")
    async def embed(self, request: RunStep) -> int:
        run_id = UUID(request.run_id)
        async with self._session(request.tenant_id) as session:
            items = await TrendItemRepository(session).kept(run_id, embedded=False)
            texts = [item.text for item in items]
            identities = [(item.id, item.signal, item.published_at) for item in items]
        # Embedding holds no connection: it is the slow part.
        vectors = await embed_texts(self.embedder, texts)
        duplicates = set(near_duplicates(vectors))
        now = datetime.now(UTC)
        async with self._session(request.tenant_id) as session:
            repository = TrendItemRepository(session)
            for index, (item_id, signal, published_at) in enumerate(identities):
                if index in duplicates:
                    await repository.set(item_id, dropped=str(DropReason.NEAR_DUPLICATE))
                else:
                    await repository.set(
                        item_id,
                        embedding=vectors[index].tolist(),
                        trend_score=item_score(signal, published_at, now),
                    )
            run = await TrendRunRepository(session).must_get(run_id, lock=True)
            dropped = dict((run.counts or {}).get("dropped", {}))
            if duplicates:
                dropped["near_duplicate"] = dropped.get("near_duplicate", 0) + len(duplicates)
            run.step = "ingest"
            run.counts = {
                **(run.counts or {}),
                "dropped": dropped,
                "kept": len(identities) - len(duplicates),
            }
        return len(identities) - len(duplicates)

    @activity.defn(name="trends.ingest")
    async def ingest(self, request: RunStep) -> int:
        """Kept items into the knowledge store (research finds and cites them like any other
        document), then old trend documents out."""
        run_id, tenant_id = UUID(request.run_id), UUID(request.tenant_id)
        knowledge = KnowledgeConfig.from_settings(self.settings)
        async with self._session(request.tenant_id) as session:
            items = [
                item
                for item in await TrendItemRepository(session).kept(run_id, embedded=True)
                if item.document_id is None
            ]
            pending = [
                (
                    item.id,
                    item.title,
                    item.text,
                    item.url,
                    item.language,
                    item.source,
                    item.published_at,
                    item.trend_score,
                    list(item.embedding or []),
                )
                for item in items
            ]
        prepared = []
        for item_id, title, text, url, language, source, published_at, score, vector in pending:
            chunks = chunk_text(
                text, target=knowledge.chunk_chars, overlap=knowledge.chunk_overlap_chars
            )
            # A one-chunk item reuses the vector the embed step made for the same text.
            vectors = [vector] if len(chunks) == 1 else await self.embedder.embed(chunks)
            prepared.append(
                (item_id, title, text, url, language, source, published_at, score, chunks, vectors)
            )
        aged_out = 0
        async with self._session(request.tenant_id) as session:
            documents = KnowledgeRepository(session)
            repository = TrendItemRepository(session)
            for (
                item_id,
                title,
                text,
                url,
                language,
                source,
                published_at,
                score,
                chunks,
                vectors,
            ) in prepared:
                document = await documents.add_document(
                    KnowledgeDocument(
                        tenant_id=tenant_id,
                        id=uuid4(),
                        title=(title or text.split("\n", 1)[0])[:300] or "Trend item",
                        source_url=url,
                        source_kind="trend",
                        language=language,
                        chunk_count=len(chunks),
                        details={
                            "embedder": self.embedder.name,
                            "characters": len(text),
                            "trend_source": source,
                            "published_at": published_at.isoformat() if published_at else None,
                            "trend_score": score,
                            "trend_run_id": str(run_id),
                        },
                    ),
                    chunks,
                    vectors,
                )
                await repository.set(item_id, document_id=document.id)
            cutoff = datetime.now(UTC) - timedelta(days=self.settings.trends_max_age_days)
            aged_out = await repository.age_out(cutoff)
            run = await TrendRunRepository(session).must_get(run_id, lock=True)
            run.step = "cluster"
            run.counts = {**(run.counts or {}), "ingested": len(prepared), "aged_out": aged_out}
        return len(prepared)

    @activity.defn(name="trends.cluster")
    async def cluster(self, request: RunStep) -> int:
        run_id, tenant_id = UUID(request.run_id), UUID(request.tenant_id)
        async with self._session(request.tenant_id) as session:
            items = await TrendItemRepository(session).kept(run_id, embedded=True)
            config, _ = await self._config(session)
            topics = (
                list(config.topics if config else [])
                + await TrendConfigRepository(session).plan_topics()
            )
            snapshot = [
                (
                    item.id,
                    item.text,
                    item.title,
                    item.source,
                    item.trend_score or 0.0,
                    list(item.embedding or []),
                )
                for item in items
            ]
        if not snapshot:
            return 0
        vectors = np.asarray([row[5] for row in snapshot], dtype=np.float32)
        found = await find_trends([row[1] for row in snapshot], vectors)
        topic_vectors = (
            np.asarray(await self.embedder.embed(list(dict.fromkeys(topics))), dtype=np.float32)
            if topics
            else None
        )
        topic_names = list(dict.fromkeys(topics))
        now = datetime.now(UTC)
        async with self._session(request.tenant_id) as session:
            trends_repository = TrendRepository(session)
            items_repository = TrendItemRepository(session)
            rows: list[tuple[Trend, Any]] = []
            for group in found:
                members = [snapshot[i] for i in group.members]
                sources = sorted({member[3] for member in members})
                first_seen = await trends_repository.first_seen(
                    group.centroid, run_id=run_id, max_distance=FIRST_SEEN_DISTANCE
                )
                trend = Trend(
                    tenant_id=tenant_id,
                    id=uuid4(),
                    run_id=run_id,
                    label=group.label[:300],
                    keywords=group.keywords,
                    size=len(members),
                    score=trend_score([m[4] for m in members], len(sources)),
                    sources=sources,
                    centroid=group.centroid,
                    first_seen_at=first_seen or now,
                )
                rows.append((trend, group))
            await trends_repository.add_all([trend for trend, _ in rows])
            for trend, group in rows:
                for member in group.members:
                    await items_repository.set(snapshot[member][0], trend_id=trend.id)
            suggestions = await self._suggest(
                session, tenant_id, rows, snapshot, topic_names, topic_vectors
            )
            run = await TrendRunRepository(session).must_get(run_id, lock=True)
            run.counts = {**(run.counts or {}), "trends": len(rows), "suggestions": suggestions}
        return len(rows)

    async def _suggest(
        self,
        session: AsyncSession,
        tenant_id: UUID,
        rows: list[tuple[Trend, Any]],
        snapshot: list[Any],
        topics: list[str],
        topic_vectors: np.ndarray[Any, Any] | None,
    ) -> int:
        """The best trends near one of the tenant's topics, as proposed plan rows: the row's
        topic is the trend's most central item's headline (a phrase a writer can start from),
        not its keyword list."""
        if topic_vectors is None or not rows or self.settings.trends_suggestions == 0:
            return 0
        repository = SuggestionRepository(session)
        already = await repository.open_topics()
        candidates = []
        for trend, group in rows:
            similarities = topic_vectors @ np.asarray(trend.centroid, dtype=np.float32)
            best = int(np.argmax(similarities))
            similarity = float(similarities[best])
            if similarity < self.settings.trends_topic_similarity:
                continue
            central = snapshot[group.members[0]]
            headline = (central[2] or central[1].split("\n", 1)[0]).strip()[:500]
            if headline.lower() in already:
                continue
            candidates.append((trend.score * similarity, trend, headline, topics[best], similarity))
        candidates.sort(key=lambda row: row[0], reverse=True)
        chosen = candidates[: self.settings.trends_suggestions]
        await repository.add_all(
            [
                TrendSuggestion(
                    tenant_id=tenant_id,
                    trend_id=trend.id,
                    topic=headline,
                    matched_topic=matched[:500],
                    similarity=round(similarity, 4),
                    score=round(score, 4),
                )
                for score, trend, headline, matched, similarity in chosen
            ]
        )
        return len(chosen)

    @activity.defn(name="trends.finish")
    async def finish(self, request: FinishInput) -> str:
        async with self._session(request.tenant_id) as session:
            run = await TrendRunRepository(session).must_get(UUID(request.run_id), lock=True)
            if request.error:
                status = TrendRunStatus.FAILED
            elif request.source_errors:
                status = TrendRunStatus.PARTIAL
            else:
                status = TrendRunStatus.SUCCEEDED
            run.status = status
            run.step = None
            run.error = request.error
            run.source_errors = dict(request.source_errors)
            run.finished_at = datetime.now(UTC)
        return str(status)
