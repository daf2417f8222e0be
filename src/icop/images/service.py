"""Image jobs: create (durably on Temporal, or inline with the local renderer when there is no
Temporal), read, and the tenant's provider order.

Why inline only for the local renderer: it is offline, deterministic and takes milliseconds,
so a request can afford it; remote providers take up to minutes and need retries and a GPU
queue, which only the durable path gives. Without Temporal (tests, a bare API process, or
Temporal down) a job therefore still ends with an image, and its attempts say which providers
were skipped and why.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from icop.audit import service as audit
from icop.auth.principal import Principal
from icop.brand import kit as brand_kits
from icop.brand.palette import BrandSpec
from icop.config import Settings
from icop.errors import ServiceUnavailable
from icop.images.branding import load_brand_kit
from icop.images.generation import (
    LOCAL,
    Attempt,
    produce_with_fallback,
    resolve_chain,
    store_image,
)
from icop.images.jobs import ImageJob, RetryTuning
from icop.images.presets import Preset
from icop.images.providers.base import GenerationRequest, ImageProvider
from icop.images.providers.registry import build_providers
from icop.images.repository import ImageRepository, ImageRoutingRepository
from icop.images.schemas import (
    AttemptOut,
    ImageCreate,
    ImageOut,
    ImageRoutingOut,
    ImageRoutingUpdate,
    ProviderName,
    ProviderStatusOut,
)
from icop.images.settings import ImageSettings
from icop.images.workflows import ImageGenerationWorkflow
from icop.models.image import Image, ImageStatus
from icop.orchestrator.connection import LazyClient
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.starts import StartRequest, start_after_commit
from icop.platforms import Platform
from icop.storage.base import ObjectStore

logger = logging.getLogger(__name__)
INLINE_SKIP = "runs on the image workers, and Temporal is not available to this API process"


@dataclass
class ImageRuntime:
    """The image service's process-wide clients on the API side."""

    images: ImageSettings
    providers: Mapping[str, ImageProvider]
    store: ObjectStore
    retry: RetryTuning = field(default_factory=RetryTuning)

    @classmethod
    def from_settings(cls, settings: Settings, store: ObjectStore) -> ImageRuntime:
        images = ImageSettings()
        return cls(images=images, providers=build_providers(settings, images), store=store)

    async def aclose(self) -> None:
        for provider in self.providers.values():
            await provider.aclose()


# -- jobs ---------------------------------------------------------------------------------------
async def effective_chain(
    session: AsyncSession, runtime: ImageRuntime, tenant_id: UUID, requested: str | None
) -> list[str]:
    routing = await ImageRoutingRepository(session).get(tenant_id)
    return resolve_chain(
        runtime.images.image_providers,
        tenant=routing.providers if routing else None,
        requested=requested,
        local_last_resort=runtime.images.image_local_last_resort,
    )


async def create(
    session: AsyncSession,
    runtime: ImageRuntime,
    principal: Principal,
    body: ImageCreate,
    temporal: LazyClient | None,
) -> Image:
    return await submit(
        session,
        runtime,
        principal.tenant_id,
        body,
        temporal,
        image_id=uuid4(),
        created_by=principal.user_id,
    )


async def submit(
    session: AsyncSession,
    runtime: ImageRuntime,
    tenant_id: UUID,
    order: ImageCreate,
    temporal: LazyClient | None,
    *,
    image_id: UUID,
    created_by: UUID | None = None,
) -> Image:
    """Store the job and ask for its workflow (started once the transaction commits); with no
    Temporal to reach, render it inline with the local renderer. A caller that may retry (an
    article's image step) passes an ``image_id`` derived from what it renders, and finds the
    job again instead of ordering it twice."""
    requested = order.provider.value if order.provider else None
    image = await ImageRepository(session).add(
        Image(
            tenant_id=tenant_id,
            id=image_id,
            prompt=order.prompt,
            title=order.title,
            preset=order.preset.value,
            platform=order.platform.value if order.platform else None,
            requested_provider=requested,
            chain=await effective_chain(session, runtime, tenant_id, requested),
            # Chosen once and stored: retries and fallbacks reuse it (same card, same key).
            seed=order.seed if order.seed is not None else secrets.randbelow(2**31),
            status=ImageStatus.QUEUED,
            created_by=created_by,
        )
    )
    # Read once per job; a kit changed while the job runs applies to the next one.
    brand = await brand_kits.spec_for(session, tenant_id)
    if temporal is not None and await _start_workflow(session, runtime, image, brand, temporal):
        return image
    await run_inline(session, runtime, image, brand)
    return image


async def _start_workflow(
    session: AsyncSession,
    runtime: ImageRuntime,
    image: Image,
    brand: BrandSpec,
    temporal: LazyClient,
) -> bool:
    """Ask for the job's workflow, started once this transaction commits; False when Temporal
    cannot be reached now (the request then renders inline instead of waiting for it)."""
    try:
        await temporal()
    except Exception as error:  # any failure to reach Temporal means: do it inline
        logger.warning(
            "image %s: Temporal is not available (%s); rendering inline", image.id, error
        )
        return False
    job = ImageJob(
        tenant_id=str(image.tenant_id),
        image_id=str(image.id),
        prompt=image.prompt,
        preset=image.preset,
        seed=image.seed,
        chain=list(image.chain),
        gpu_task_queue=temporal.settings.queue_name(TaskQueue.GPU),
        gpu_providers=[
            n for n in image.chain if n in runtime.providers and runtime.providers[n].gpu
        ],
        platform=image.platform,
        title=image.title,
        retry=runtime.retry,
        brand=brand,
    )
    workflow_id = f"image-{image.id}"
    await ImageRepository(session).update(image.id, workflow_id=workflow_id)
    await session.refresh(image)
    await start_after_commit(
        session,
        temporal,
        image.tenant_id,
        StartRequest(ImageGenerationWorkflow, workflow_id, TaskQueue.IMAGES, job),
    )
    return True


async def run_inline(
    session: AsyncSession, runtime: ImageRuntime, image: Image, brand: BrandSpec
) -> None:
    if LOCAL not in image.chain:
        raise ServiceUnavailable(
            "this tenant's image providers all run on the image workers, and Temporal is not "
            "available: start the workers or add 'local' to the tenant's providers"
        )
    before_local = image.chain[: image.chain.index(LOCAL)]
    skipped = [Attempt(name, "skipped", INLINE_SKIP) for name in before_local]
    request = GenerationRequest(
        prompt=image.prompt,
        preset=Preset(image.preset),
        seed=image.seed,
        title=image.title,
        brand=await load_brand_kit(brand, runtime.store),
    )
    platform = Platform(image.platform) if image.platform else None
    produced, attempts = await produce_with_fallback(
        runtime.providers, [LOCAL], request, platform=platform
    )
    stored = await store_image(runtime.store, image.tenant_id, produced)
    await ImageRepository(session).finish(
        image.id,
        status=ImageStatus.READY,
        provider=produced.provider,
        model=produced.model,
        storage_key=stored.key,
        url=stored.url,
        content_type=stored.content_type,
        width=produced.width,
        height=produced.height,
        size_bytes=stored.size,
        sha256=stored.sha256,
        attempts=[a.as_dict() for a in [*skipped, *attempts]],
    )
    await session.refresh(image)


async def get(session: AsyncSession, image_id: UUID) -> Image:
    return await ImageRepository(session).must_get(image_id)


async def list_images(
    session: AsyncSession, *, limit: int, offset: int, status: ImageStatus | None
) -> Sequence[Image]:
    return await ImageRepository(session).list(limit=limit, offset=offset, status=status)


def to_out(image: Image, store: ObjectStore) -> ImageOut:
    # Links are signed per read: the stored URL may have expired, the key never does.
    url = store.url(image.storage_key) if image.storage_key else None
    return ImageOut(
        id=image.id,
        status=image.status,
        prompt=image.prompt,
        title=image.title,
        preset=Preset(image.preset),
        platform=Platform(image.platform) if image.platform else None,
        requested_provider=image.requested_provider,
        chain=list(image.chain),
        seed=image.seed,
        provider=image.provider,
        model=image.model,
        storage_key=image.storage_key,
        url=url,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        sha256=image.sha256,
        attempts=[AttemptOut.model_validate(a) for a in image.attempts],
        error=image.error,
        workflow_id=image.workflow_id,
        created_at=image.created_at,
        updated_at=image.updated_at,
        completed_at=image.completed_at,
    )


# -- routing ------------------------------------------------------------------------------------
async def get_routing(
    session: AsyncSession, runtime: ImageRuntime, tenant_id: UUID
) -> ImageRoutingOut:
    routing = await ImageRoutingRepository(session).get(tenant_id)
    providers = routing.providers if routing else runtime.images.image_providers
    return ImageRoutingOut(
        providers=[ProviderName(p) for p in providers],
        source="tenant" if routing else "default",
        local_last_resort=runtime.images.image_local_last_resort,
        available=[
            ProviderStatusOut(
                name=ProviderName(name), model=p.model, configured=p.configured(), gpu=p.gpu
            )
            for name, p in runtime.providers.items()
        ],
    )


async def put_routing(
    session: AsyncSession, runtime: ImageRuntime, principal: Principal, body: ImageRoutingUpdate
) -> ImageRoutingOut:
    providers = [p.value for p in body.providers]
    await ImageRoutingRepository(session).put(principal.tenant_id, providers, principal.user_id)
    await audit.record(
        session,
        tenant_id=principal.tenant_id,
        actor=principal,
        action="image_routing.updated",
        target_type="image_routing",
        details={"providers": providers},
    )
    return await get_routing(session, runtime, principal.tenant_id)


async def delete_routing(session: AsyncSession, principal: Principal) -> None:
    if await ImageRoutingRepository(session).delete(principal.tenant_id):
        await audit.record(
            session,
            tenant_id=principal.tenant_id,
            actor=principal,
            action="image_routing.reset",
            target_type="image_routing",
        )
