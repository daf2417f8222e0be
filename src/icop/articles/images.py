"""An article's images as durable image jobs (the graph's ``ImageMaker``).

Each prompt of the visual director becomes an image job of the image service (``icop.images``):
stored, then run by the image workers (on the ``gpu`` queue when its provider needs one) with
the tenant's provider chain, brand kit and fallbacks, and listed with the tenant's other
images. Its id is derived from the article and the prompt, so when a crashed article worker's
step runs again it finds its jobs and waits for them instead of ordering (and paying for) the
same images twice. Without Temporal to reach, a job renders inline with the local renderer,
as an image job from the API does.

Every image made becomes a design (ADR 0027): the card as objects, a provider's picture as a
layer, editable later. At most one design per image, so a step run again finds them.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowFailureError
from temporalio.service import RPCError, RPCStatusCode

from icop.agents.schemas import ImageAsset, ImagePrompt
from icop.articles.repository import ArticleRepository
from icop.db.session import unit_of_work
from icop.designs.from_images import design_for_image
from icop.errors import ICOPError
from icop.images import service as images
from icop.images.presets import Preset
from icop.images.repository import ImageRepository
from icop.images.schemas import MAX_SEED, ImageCreate
from icop.images.service import ImageRuntime
from icop.kit.polling import Backoff
from icop.models.image import Image, ImageStatus
from icop.observability.tracing import stage_span
from icop.orchestrator.connection import LazyClient

PRESETS: dict[str, Preset] = {
    "1:1": Preset.SQUARE,
    "4:5": Preset.PORTRAIT,
    "16:9": Preset.LANDSCAPE,
}
# uuid5 namespace of article images: the same article and prompt give the same image job.
IMAGE_NAMESPACE = uuid.UUID("0b8e4f64-6a0f-4c87-9d57-6f9a3c1e2b77")
# A job's workflow starts once its row commits; a moment can pass before Temporal knows it
# (the after-commit start failed and the sweeper makes it).
NOT_STARTED_POLL_S = 1.0
NOT_STARTED_FIRST_POLL_S = 0.05


class ArticleImageFailed(ICOPError):
    status = 502
    code = "article_image_failed"
    title = "An image of the article could not be made"


def image_id_for(article_id: str, index: int, prompt: ImagePrompt) -> UUID:
    return uuid.uuid5(IMAGE_NAMESPACE, f"{article_id}:{index}:{prompt.prompt}")


def _seed(text: str) -> int:
    """A stable seed for a prompt, in the range an image job stores."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & MAX_SEED


async def _stored_article(session: AsyncSession, article_id: str) -> UUID | None:
    """The article's id when it is a stored article (an evaluation's or a test's graph runs
    under ids of its own that no row has)."""
    try:
        candidate = UUID(article_id)
    except ValueError:
        return None
    return candidate if await ArticleRepository(session).get(candidate) is not None else None


class ArticleImages:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        runtime: ImageRuntime,
        temporal: LazyClient | None,
        *,
        timeout_s: float = 1800.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.runtime = runtime
        self.temporal = temporal
        self.timeout_s = timeout_s

    async def make(
        self, tenant_id: UUID, article_id: str, prompts: Sequence[ImagePrompt], *, title: str
    ) -> list[ImageAsset]:
        jobs: list[Image] = []
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            repository = ImageRepository(session)
            for index, prompt in enumerate(prompts):
                image_id = image_id_for(article_id, index, prompt)
                image = await repository.get(image_id) or await images.submit(
                    session,
                    self.runtime,
                    tenant_id,
                    ImageCreate(
                        prompt=prompt.prompt,
                        preset=PRESETS.get(prompt.aspect, Preset.LANDSCAPE),
                        title=title,
                        seed=_seed(f"{article_id}:{index}:{prompt.prompt}"),
                    ),
                    self.temporal,
                    image_id=image_id,
                )
                jobs.append(image)
        # Committed: the jobs' workflows are starting (or the jobs rendered inline).
        assets: list[ImageAsset] = []
        for index, (job, prompt) in enumerate(zip(jobs, prompts, strict=True)):
            image = await self._finished(tenant_id, job)
            assert image.storage_key is not None  # a ready image is stored
            assets.append(
                ImageAsset(
                    index=index,
                    url=self.runtime.store.url(image.storage_key),
                    alt=prompt.alt,
                    width=image.width or 1,
                    height=image.height or 1,
                    size_bytes=image.size_bytes or 0,
                    provider=image.provider or "",
                )
            )
        await self._designs(tenant_id, article_id, [job.id for job in jobs])
        return assets

    async def _designs(self, tenant_id: UUID, article_id: str, image_ids: list[UUID]) -> None:
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            article = await _stored_article(session, article_id)
            for image_id in image_ids:
                await design_for_image(
                    session, self.runtime.store, tenant_id, image_id, actor=None, article_id=article
                )

    async def _finished(self, tenant_id: UUID, job: Image) -> Image:
        if job.workflow_id is not None and not ImageStatus(job.status).finished:
            await self._wait(job.workflow_id)
        async with unit_of_work(self.sessionmaker, tenant_id) as session:
            image = await ImageRepository(session).get(job.id)
        if image is None or image.status != ImageStatus.READY or not image.storage_key:
            detail = image.error if image is not None and image.error else "no image was made"
            raise ArticleImageFailed(f"image {job.id}: {detail}")
        return image

    async def _wait(self, workflow_id: str) -> None:
        assert self.temporal is not None  # a job with a workflow was started through it
        client = await self.temporal()
        deadline = time.monotonic() + self.timeout_s
        # The start follows the jobs' commit in the background: usually a moment away, so the
        # first retries come fast (a fixed 1 s cost most images a whole second).
        backoff = Backoff(first_s=NOT_STARTED_FIRST_POLL_S, max_s=NOT_STARTED_POLL_S)
        while True:
            try:
                await client.get_workflow_handle(workflow_id).result()
                return
            except WorkflowFailureError:
                return  # the job's row says why; _finished reports it
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND or time.monotonic() > deadline:
                    raise
            with stage_span("wait: image workflow not started yet"):
                await backoff.wait()
