"""The image job's activities. A class receiving its clients (database, providers, object
store), as in temporalio/samples-python; ``workers.py`` builds it when a worker starts."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from icop.db.session import unit_of_work
from icop.images.branding import brand_kit, load_brand_kit
from icop.images.generation import LOCAL, produce, store_image
from icop.images.jobs import ImageJob, JobOutcome, ProviderCall, StoredImage
from icop.images.presets import Preset
from icop.images.providers.base import (
    GenerationRequest,
    ImageProvider,
    ImageProviderError,
    Progress,
)
from icop.images.repository import ImageRepository
from icop.orchestrator.heartbeat import heartbeating
from icop.platforms import Platform
from icop.storage.base import ObjectStore, StorageError

logger = logging.getLogger(__name__)
HEARTBEAT_EVERY_S = 5.0


class ImageActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        providers: Mapping[str, ImageProvider],
        store: ObjectStore,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.providers = providers
        self.store = store

    @activity.defn(name="images.mark_running")
    async def mark_running(self, job: ImageJob) -> None:
        async with unit_of_work(self.sessionmaker, UUID(job.tenant_id)) as session:
            found = await ImageRepository(session).mark_running(
                UUID(job.image_id), activity.info().workflow_id or ""
            )
        if not found:
            # The workflow started after the row committed (icop.orchestrator.starts): a row
            # that is not there was deleted, and retrying cannot bring it back.
            raise ApplicationError(
                f"image {job.image_id} does not exist", type="ImageNotFound", non_retryable=True
            )

    @activity.defn(name="images.generate")
    async def generate_image(self, call: ProviderCall) -> StoredImage:
        job = call.job
        provider = self.providers.get(call.provider)
        if provider is None or not provider.configured():
            # The workflow passes over it to the next provider: an expected step, no warning.
            logger.debug("image %s: %s is not configured here", job.image_id, call.provider)
            raise ApplicationError(
                f"{call.provider}: not configured on this worker",
                type="not_configured",
                non_retryable=True,
                category=ApplicationErrorCategory.BENIGN,
            )
        request = GenerationRequest(
            prompt=job.prompt,
            preset=Preset(job.preset),
            seed=job.seed,
            title=job.title,
            # Resolved here: the font name becomes a file on this worker, not the API's, and
            # the logo is fetched only for the renderer that draws it.
            brand=(
                await load_brand_kit(job.brand, self.store)
                if call.provider == LOCAL
                else brand_kit(job.brand)
            ),
        )
        platform = Platform(job.platform) if job.platform else None
        async with _heartbeats(call.provider) as progress:
            try:
                produced = await produce(provider, request, platform=platform, progress=progress)
                stored = await store_image(self.store, UUID(job.tenant_id), produced)
            except ImageProviderError as error:
                logger.warning(
                    "image %s: %s failed (%s: %s); %s",
                    job.image_id,
                    call.provider,
                    error.kind,
                    error.detail,
                    "retried" if error.retry_later else "next provider",
                )
                raise _application_error(error) from None
            except StorageError as error:
                # Storage outages pass: retry the activity (the provider is paid again at
                # worst; the key is content-addressed, so nothing is stored twice).
                logger.warning("image %s: storing failed (%s); retried", job.image_id, error)
                raise ApplicationError(
                    error.detail, type="storage_error", category=ApplicationErrorCategory.BENIGN
                ) from None
        return StoredImage(
            provider=produced.provider,
            model=produced.model,
            key=stored.key,
            url=stored.url,
            size=stored.size,
            sha256=stored.sha256,
            width=produced.width,
            height=produced.height,
            content_type=stored.content_type,
            seed=produced.seed,
            revised_prompt=produced.revised_prompt,
        )

    @activity.defn(name="images.record_outcome")
    async def record_outcome(self, outcome: JobOutcome) -> None:
        image = outcome.image
        values: dict[str, Any] = {"status": outcome.status, "attempts": outcome.attempts}
        if image is not None:
            values |= {
                "provider": image.provider,
                "model": image.model,
                "storage_key": image.key,
                "url": image.url,
                "content_type": image.content_type,
                "width": image.width,
                "height": image.height,
                "size_bytes": image.size,
                "sha256": image.sha256,
                "error": None,
            }
        else:
            values["error"] = outcome.error
        async with unit_of_work(self.sessionmaker, UUID(outcome.tenant_id)) as session:
            await ImageRepository(session).finish(UUID(outcome.image_id), **values)


def _application_error(error: ImageProviderError) -> ApplicationError:
    """Busy and out-of-memory are retried (after the provider's hint when it gave one);
    everything else is final for this provider and the workflow falls back. Either way the
    workflow handles it: benign, so the SDK logs no traceback (the caller logged one line)."""
    delay = (
        timedelta(seconds=error.retry_after_s)
        if error.retry_later and error.retry_after_s
        else None
    )
    return ApplicationError(
        error.detail,
        {"provider": error.provider, "kind": error.kind},
        type=error.kind,
        non_retryable=not error.retry_later,
        next_retry_delay=delay,
        category=ApplicationErrorCategory.BENIGN,
    )


@contextlib.asynccontextmanager
async def _heartbeats(provider: str) -> AsyncIterator[Progress]:
    """Heartbeat every few seconds with the latest progress, whether or not the provider
    reports any (an OpenAI request is one long call): a dead worker is then noticed within
    the heartbeat timeout, and ``temporal workflow describe`` shows how far a job is."""
    latest: dict[str, Any] = {"provider": provider, "message": "starting", "fraction": None}

    def progress(message: str, fraction: float | None) -> None:
        latest.update(message=message, fraction=fraction)

    async with heartbeating(
        every_s=HEARTBEAT_EVERY_S, details=lambda: dict(latest), immediately=True
    ):
        yield progress
