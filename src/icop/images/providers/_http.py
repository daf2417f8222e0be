"""What the remote providers share: one request with transport failures and error statuses
mapped to provider errors, the error message a provider put in its body, and secrets kept out
of every message."""

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
from icop.llm.providers._common import redact, retry_after_seconds


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
    except httpx.TimeoutException as error:
        raise ProviderTimeout(provider, f"no answer in time ({type(error).__name__})") from None
    except httpx.TransportError as error:
        # Connection refused, DNS, reset: the host is offline as far as we can tell.
        detail = redact(str(error) or type(error).__name__, secret)
        raise ProviderUnavailable(provider, f"unreachable: {detail}") from None
    if response.is_success:
        return response
    raise status_error(provider, response, secret=secret)


def status_error(
    provider: str, response: httpx.Response, *, secret: str | None = None
) -> ImageProviderError:
    message = redact(error_message(response), secret)[:500]
    return error_for_status(
        provider, response.status_code, message, retry_after_seconds(response.headers)
    )


def error_message(response: httpx.Response) -> str:
    """OpenAI: ``{"error": {"message", "code"}}``; fal: ``{"detail": [{"msg", "type"}]}`` or
    ``{"detail": "..."}``; ComfyUI: ``{"error": {"message", "details"}, "node_errors"}``."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            parts = [str(error.get(k)) for k in ("code", "message", "details") if error.get(k)]
            return ": ".join(parts) or str(error)
        if isinstance(error, str):
            return error
        detail = body.get("detail")
        if isinstance(detail, list):
            return "; ".join(
                f"{item.get('type', 'error')}: {item.get('msg', '')}"
                if isinstance(item, dict)
                else str(item)
                for item in detail
            )
        if detail:
            return str(detail)
    return str(body)[:300]


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
    except httpx.TimeoutException:
        raise ProviderTimeout(provider, "the image download timed out") from None
    except httpx.TransportError as error:
        raise ProviderUnavailable(provider, f"the image download failed: {error}") from None


def _data_uri(provider: str, url: str, limit: int) -> bytes:
    header, _, payload = url.partition(",")
    if not header.endswith(";base64") or len(payload) > limit * 4 // 3 + 4:
        raise ProviderBadOutput(provider, "unsupported or oversized data URI")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderBadOutput(provider, "the data URI is not valid base64") from None
