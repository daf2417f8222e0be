"""From a prompt to a stored, platform-ready JPEG: one provider (``produce``), a chain of
providers with fallback (``produce_with_fallback``), and the policy that orders the chain.

Shared by the Temporal activities (one provider per activity, so Temporal owns retries and
the fallback is visible in the workflow's history), the API's inline path and the CLI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from icop.errors import ServiceUnavailable
from icop.images.errors import ImageRejected
from icop.images.jpeg import Chroma
from icop.images.presets import fit_to_preset
from icop.images.providers.base import (
    GenerationRequest,
    ImageProvider,
    ImageProviderError,
    Progress,
    ProviderBadOutput,
)
from icop.observability.tracing import stage_span
from icop.platforms import Platform
from icop.storage.base import ObjectStore, StoredObject

LOCAL = "local"


@dataclass(frozen=True)
class Attempt:
    provider: str
    outcome: str
    """``ok`` or the failure's kind (``unavailable``, ``busy``, ``not_configured`` …)."""
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProducedImage:
    jpeg: bytes
    width: int
    height: int
    provider: str
    model: str
    seed: int | None
    revised_prompt: str | None = None
    changes: tuple[str, ...] = field(default=())


class ImageGenerationFailed(ServiceUnavailable):
    code = "image_generation_failed"
    title = "No image provider produced an image"


def resolve_chain(
    default: Sequence[str],
    *,
    tenant: Sequence[str] | None = None,
    requested: str | None = None,
    local_last_resort: bool = True,
) -> list[str]:
    """The order providers are tried in: the requested one first, then the tenant's order
    (or the default), then the local renderer as the last resort, each once."""
    chain = [*([requested] if requested else []), *(tenant or default)]
    if local_last_resort:
        chain.append(LOCAL)
    return list(dict.fromkeys(chain))


async def produce(
    provider: ImageProvider,
    request: GenerationRequest,
    *,
    platform: Platform | None,
    progress: Progress | None = None,
) -> ProducedImage:
    with stage_span(f"image: {provider.name} renders"):
        generated = await provider.generate(request, progress)
    source = generated.image if generated.image is not None else generated.data
    if source is None:
        raise ProviderBadOutput(provider.name, "no image in the answer")
    # Cards carry small coloured text, which 4:2:0 chroma smears; photos do not need 4:4:4.
    chroma: Chroma = "444" if generated.image is not None else "420"
    try:
        with stage_span("image: fit and JPEG"):
            result = await asyncio.to_thread(
                fit_to_preset,
                source,
                request.preset,
                platform=platform,
                background=request.brand.background,
                chroma=chroma,
            )
    except ImageRejected as error:
        raise ProviderBadOutput(provider.name, f"unusable image: {error.detail}") from None
    return ProducedImage(
        jpeg=result.data,
        width=result.width,
        height=result.height,
        provider=generated.provider,
        model=generated.model,
        seed=generated.seed,
        revised_prompt=generated.revised_prompt,
        changes=result.changes,
    )


async def produce_with_fallback(
    providers: Mapping[str, ImageProvider],
    chain: Sequence[str],
    request: GenerationRequest,
    *,
    platform: Platform | None,
    progress: Progress | None = None,
) -> tuple[ProducedImage, list[Attempt]]:
    """Each provider once, in order. Without a durable runtime nothing can be retried
    "later", so a busy provider is passed over like an unavailable one."""
    attempts: list[Attempt] = []
    for name in chain:
        provider = providers.get(name)
        if provider is None or not provider.configured():
            attempts.append(Attempt(name, "not_configured"))
            continue
        try:
            produced = await produce(provider, request, platform=platform, progress=progress)
        except ImageProviderError as error:
            attempts.append(Attempt(name, error.kind, error.detail))
            continue
        attempts.append(Attempt(name, "ok"))
        return produced, attempts
    raise ImageGenerationFailed(
        "every image provider failed: "
        + "; ".join(f"{a.provider}: {a.detail or a.outcome}" for a in attempts),
        attempts=[a.as_dict() for a in attempts],
    )


async def store_image(store: ObjectStore, tenant_id: UUID, image: ProducedImage) -> StoredObject:
    with stage_span("storage write"):
        return await store.put(tenant_id, image.jpeg, "image/jpeg")
