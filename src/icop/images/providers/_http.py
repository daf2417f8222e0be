"""What the remote image providers share: one request with transport failures and error
statuses mapped to provider errors, JSON answers, and capped downloads. The domain-free parts
(redaction, reading an error body, classifying a transport failure, ``Retry-After``) come from
:mod:`icop.kit`."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from icop.images.providers.base import (
    ImageProviderError,
    ProviderBadOutput,
    ProviderTimeout,
    ProviderUnavailable,
    error_for_status,
)
from icop.kit.http import TransportFailure, error_text, transport_failure
from icop.kit.retry_after import retry_after


async def send(
    client: httpx.AsyncClient,
    provider: str,
    method: str,
    url: str,
    *,
    secret: str | None = None,
    **kwargs: Any,
) -> httpx.Response:
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TransportError as error:
        raise transport_error(provider, transport_failure(error), secret=secret) from None
    if response.is_success:
        return response
    raise status_error(provider, response, secret=secret)


def transport_error(
    provider: str, failure: TransportFailure, *, secret: str | None = None
) -> ImageProviderError:
    if failure.timed_out:
        return ProviderTimeout(provider, f"no answer in time ({failure.name})")
    # Connection refused, DNS, reset: the host is offline as far as we can tell.
    return ProviderUnavailable(provider, f"unreachable: {failure.describe(secret)}")


def status_error(
    provider: str, response: httpx.Response, *, secret: str | None = None
) -> ImageProviderError:
    """OpenAI answers ``{"error": {"message", "code"}}``, fal ``{"detail": [{"msg", "type"}]}``
    or ``{"detail": "..."}``, ComfyUI ``{"error": {"message", "details"}, "node_errors"}``:
    :func:`icop.kit.http.error_text` reads them all."""
    message = error_text(response, secrets=(secret,)) or response.reason_phrase
    return error_for_status(provider, response.status_code, message, retry_after(response.headers))


def json_body(provider: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise ProviderBadOutput(provider, "the answer is not JSON") from None
    if not isinstance(body, dict):
        raise ProviderBadOutput(provider, "the answer is not a JSON object")
    return body


MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024  # the JPEG pipeline refuses more anyway


async def download(
    client: httpx.AsyncClient, provider: str, url: str, *, limit: int = MAX_DOWNLOAD_BYTES
) -> bytes:
    """A result file, streamed with a size cap: a provider (or whoever controls the URL it
    returned) must not be able to fill our memory."""
    if url.startswith("data:"):
        return _data_uri(provider, url, limit)
    try:
        async with client.stream("GET", url) as response:
            if not response.is_success:
                await response.aread()
                raise status_error(provider, response)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ProviderBadOutput(provider, f"the image is larger than {limit} bytes")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TransportError as error:
        failure = transport_failure(error)
        if failure.timed_out:
            raise ProviderTimeout(provider, "the image download timed out") from None
        raise ProviderUnavailable(
            provider, f"the image download failed: {failure.describe()}"
        ) from None


def _data_uri(provider: str, url: str, limit: int) -> bytes:
    header, _, payload = url.partition(",")
    if not header.endswith(";base64") or len(payload) > limit * 4 // 3 + 4:
        raise ProviderBadOutput(provider, "unsupported or oversized data URI")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderBadOutput(provider, "the data URI is not valid base64") from None
