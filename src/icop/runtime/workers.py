"""Which workflows and activities run on which task queue, with the activities built over the
process's clients (``Runtime``), as in temporalio/samples-python: activities are methods of
classes that receive their clients. ``icop up`` (all queues, beside the API) and ``icop worker
--queue NAME`` (some queues, one process per machine) register the same way; tests call the
``register_*`` functions with activities over their own fakes, so a test's queue layout is the
production one.
"""

from __future__ import annotations

from uuid import UUID

from icop.agents.runtime import create_runtime
from icop.articles.activities import ArticleActivities
from icop.articles.generator import BrandVoiceAdapter, GraphArticleGenerator, ResearchAdapter
from icop.articles.images import ArticleImages
from icop.articles.workflows import ArticleWorkflow
from icop.brand.learning.agent import BrandLearningAgent
from icop.brand.service import BrandVoiceService
from icop.brand.triggers import BrandRelearner, RelearnPolicy
from icop.config import Settings
from icop.embeddings.base import Embedder
from icop.embeddings.e5 import MultilingualE5Embedder
from icop.embeddings.minilm import MiniLMEmbedder
from icop.errors import ConfigurationError
from icop.images.activities import ImageActivities
from icop.images.workflows import ImageGenerationWorkflow
from icop.llm.smart_router import SmartRouter
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, diagnostics_registry
from icop.planning.activities import PlanningActivities
from icop.planning.generated import GeneratedSubtopic, GeneratedSubtopics
from icop.planning.sources import PipelinePlanSources
from icop.planning.subtopics import TopicRelevance, generate_subtopics
from icop.planning.subtopics.clustering import warm_up as warm_up_clustering
from icop.planning.workflows import PipelineRunWorkflow
from icop.research.config import build_researcher
from icop.runtime.clients import Runtime
from icop.syndication.activities import PublishActivities
from icop.syndication.scheduler import TemporalPostScheduler
from icop.syndication.workflows import PublishPostWorkflow
from icop.trends.activities import TrendActivities
from icop.trends.workflows import TrendRunWorkflow
from icop.video.activities import VideoActivities
from icop.video.from_articles import ArticleVideos
from icop.video.providers.registry import build_video_providers
from icop.video.workflows import VideoWorkflow


def register_articles(registry: WorkerRegistry, activities: ArticleActivities) -> None:
    registry.register(
        TaskQueue.AGENTS,
        workflows=[ArticleWorkflow],
        activities=[activities.generate, activities.set_status],
        source="articles",
    )


def register_video(registry: WorkerRegistry, activities: VideoActivities) -> None:
    """The video workflow and its activities on ``images`` (the edit is CPU work like the
    image pipeline's); segment rendering on ``gpu`` too, for providers that need one."""
    registry.register(
        TaskQueue.IMAGES,
        workflows=[VideoWorkflow],
        activities=[
            activities.plan,
            activities.render_segment,
            activities.assemble_video,
            activities.fail,
        ],
        source="video",
    )
    registry.register(TaskQueue.GPU, activities=[activities.render_segment], source="video")


def register_images(registry: WorkerRegistry, activities: ImageActivities) -> None:
    """The workflow and every activity on ``images``; the provider call on ``gpu`` too, whose
    worker runs one job at a time (jobs whose provider needs the GPU are sent there)."""
    registry.register(
        TaskQueue.IMAGES,
        workflows=[ImageGenerationWorkflow],
        activities=[
            activities.mark_running,
            activities.generate_image,
            activities.record_outcome,
        ],
        source="images",
    )
    registry.register(TaskQueue.GPU, activities=[activities.generate_image], source="images")


def register_planning(registry: WorkerRegistry, activities: PlanningActivities) -> None:
    registry.register(
        TaskQueue.PLANNING,
        workflows=[PipelineRunWorkflow],
        activities=[
            activities.start_run,
            activities.prepare_row,
            activities.await_article,
            activities.finish_row,
            activities.finish_run,
            activities.publish_article,
            activities.watch_sheet,
        ],
        source="planning",
    )


def register_trends(registry: WorkerRegistry, activities: TrendActivities) -> None:
    """The nightly TrendPipeline beside the plan it feeds (``planning``: little CPU but the
    embed step, which runs in a thread)."""
    registry.register(
        TaskQueue.PLANNING,
        workflows=[TrendRunWorkflow],
        activities=[
            activities.start_run,
            activities.collect,
            activities.clean,
            activities.embed,
            activities.ingest,
            activities.cluster,
            activities.finish,
        ],
        source="trends",
    )


def register_syndication(registry: WorkerRegistry, activities: PublishActivities) -> None:
    registry.register(
        TaskQueue.SYNDICATION,
        workflows=[PublishPostWorkflow],
        activities=[activities.publish, activities.cancel],
        source="syndication",
    )


def service_registry(runtime: Runtime) -> WorkerRegistry:
    """Every service's workflows and activities, over ``runtime``'s clients (which must be
    linked to Temporal: planning starts child work and publish workflows)."""
    if runtime.temporal is None:
        raise ConfigurationError("workers need the runtime's Temporal client")
    settings, sessionmaker = runtime.settings, runtime.sessionmaker
    registry = diagnostics_registry()
    generator = GraphArticleGenerator(
        sessionmaker,
        runtime=create_runtime(
            settings.agent_runtime, runtime.llm, storage_dir=settings.home / "crewai"
        ),
        researcher=ResearchAdapter(
            build_researcher(
                settings, sessionmaker=sessionmaker, embedder=runtime.embedder, http=runtime.http
            )
        ),
        brand_voice=BrandVoiceAdapter(BrandVoiceService(sessionmaker, runtime.embedder)),
        images=ArticleImages(sessionmaker, runtime.images, runtime.temporal),
        durability=settings.article_checkpoint_durability,
        research_claims=settings.research_claims,
        editor_polish=settings.editor_polish,
    )
    register_articles(
        registry,
        ArticleActivities(
            sessionmaker,
            generator,
            settings.home,
            settings.base_url,
            after_written=BrandRelearner(
                sessionmaker,
                BrandLearningAgent(runtime.llm, runtime.embedder),
                RelearnPolicy.from_settings(settings),
            ).check_quietly,
            request_video=ArticleVideos(sessionmaker, runtime.temporal).request_quietly,
        ),
    )
    register_images(
        registry,
        ImageActivities(sessionmaker, runtime.images.providers, runtime.object_store),
    )
    register_video(
        registry,
        VideoActivities(
            sessionmaker,
            # The local renderer always; Veo and AnimateDiff when their settings are set.
            build_video_providers(settings),
            runtime.object_store,
            router=runtime.llm,
            # Stills: the image service's pictures only where they are pictures (the local
            # card renderer draws text, which the edit draws itself: ADR 0038).
            images=runtime.images.providers.get("local"),
            embedder=runtime.embedder,
        ),
    )
    register_planning(
        registry,
        PlanningActivities(
            sessionmaker,
            settings,
            PipelinePlanSources(sessionmaker, settings, runtime.http, runtime.keyring),
            RouterSubtopics(
                runtime.llm,
                runtime.embedder,
                relevance=subtopic_relevance(runtime.settings, runtime.embedder),
            ),
            agents_queue=runtime.temporal.settings.queue_name(TaskQueue.AGENTS),
            posts=TemporalPostScheduler(runtime.temporal),
        ),
    )
    # Loaded in the background once the workers poll, not by the first row or article.
    embedder_warm_up = getattr(runtime.embedder, "warm_up", None)
    if embedder_warm_up is not None:
        for queue in (TaskQueue.PLANNING, TaskQueue.AGENTS):
            registry.register_warmup(queue, embedder_warm_up)
    registry.register_warmup(TaskQueue.PLANNING, warm_up_clustering)
    register_trends(
        registry,
        TrendActivities(sessionmaker, settings, runtime.embedder, runtime.http, runtime.keyring),
    )
    if runtime.syndication is not None:
        register_syndication(
            registry, PublishActivities(sessionmaker, runtime.syndication.publisher)
        )
    return registry


class RouterSubtopics:
    """The pipeline's sub-topics from the model router and the embedder (planning's
    ``SubtopicGenerator``)."""

    def __init__(
        self, router: SmartRouter, embedder: Embedder, relevance: TopicRelevance | None = None
    ) -> None:
        self.router = router
        self.embedder = embedder
        self.relevance = relevance

    async def __call__(
        self, topic: str, *, count: int, language: str, tenant_id: UUID
    ) -> GeneratedSubtopics:
        result = await generate_subtopics(
            topic,
            count=count,
            language=language,
            tenant_id=tenant_id,
            router=self.router,
            embedder=self.embedder,
            candidates=candidate_pool(count),
            relevance=self.relevance,
        )
        return GeneratedSubtopics(
            subtopics=[
                GeneratedSubtopic(
                    label=item.label,
                    keywords=list(item.keywords),
                    members=list(item.members),
                    size=item.size,
                    centrality=item.centroid_similarity,
                )
                for item in result.subtopics
            ],
            candidates=result.relevance.candidates,
            candidates_off_topic=result.relevance.candidates_off_topic,
            labels_off_topic=result.relevance.labels_off_topic,
            off_topic_examples=list(result.relevance.off_topic_examples),
        )


def subtopic_relevance(settings: Settings, embedder: Embedder) -> TopicRelevance | None:
    """The relevance checks of sub-topic generation, unless switched off. MiniLM judges
    English where it is the process's embedder; another embedder (hashing) is not calibrated
    for it, and the multilingual model judges everything then."""
    if not settings.subtopic_relevance:
        return None
    english = embedder if isinstance(embedder, MiniLMEmbedder) else None
    return TopicRelevance(MultilingualE5Embedder(), english)


def candidate_pool(count: int) -> int:
    """Angles to cluster: enough per sub-topic for KMeans to find themes (about eight each),
    bounded so that a small local model does not spend minutes listing them."""
    return max(16, min(60, count * 8))
