"""What Facebook Pages, Instagram and Threads share: Graph API calls, Meta's error envelope, and
the usage headers.

Sources:
- Graph API error handling: https://developers.facebook.com/docs/graph-api/guides/error-handling
  (``{"error": {"message", "type", "code", "error_subcode", "is_transient", "fbtrace_id"}}``;
  190 = access token expired or invalid; 10 and 200-299 = permission; 4, 17, 32, 613 and the
  Business Use Case codes 80001-80014 = throttling; 1 and 2 = temporary; 100 = invalid parameter).
- Rate limiting: https://developers.facebook.com/docs/graph-api/overview/rate-limiting
  (``X-App-Usage`` percentages; ``X-Business-Use-Case-Usage`` per business id with
  ``estimated_time_to_regain_access`` in minutes).
- Instagram content publishing: error code 9 / subcode 2207042 when the account reached its
  publishing limit (https://developers.facebook.com/docs/instagram-platform/content-publishing).
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from icop.kit.polling import Backoff
from icop.observability.tracing import stage_span
from icop.syndication.platforms import _http
from icop.syndication.platforms.base import (
    AccountAuth,
    AmbiguousOutcome,
    AuthExpired,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformError,
    PlatformRateLimited,
    PublishedPost,
    RateState,
    RemotePost,
    TransientError,
)

RATE_LIMIT_CODES = frozenset({4, 9, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})
# Meta does not always say when a throttled app regains access; its app-level window is a rolling
# hour, and a shorter guess only earns another refusal.
DEFAULT_META_BACKOFF = timedelta(minutes=60)


def _percent(values: Mapping[str, Any]) -> list[float]:
    found = []
    for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
        value = values.get(key)
        if isinstance(value, int | float):
            found.append(float(value))
    return found


def rate_state(headers: httpx.Headers) -> RateState | None:
    app_usage = headers.get("x-app-usage")
    buc_usage = headers.get("x-business-use-case-usage")
    if app_usage is None and buc_usage is None:
        return None
    percents: list[float] = []
    regain_minutes: list[float] = []
    for raw in (app_usage, buc_usage):
        if raw is None:
            continue
        try:
            parsed = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(parsed, dict):
            continue
        if raw is app_usage:
            percents += _percent(parsed)
            continue
        for entries in parsed.values():
            for entry in entries if isinstance(entries, list) else [entries]:
                if not isinstance(entry, dict):
                    continue
                percents += _percent(entry)
                regain = entry.get("estimated_time_to_regain_access")
                if isinstance(regain, int | float):
                    regain_minutes.append(float(regain))
    raw_headers = {
        name: value
        for name, value in (("x-app-usage", app_usage), ("x-business-use-case-usage", buc_usage))
        if value is not None
    }
    return RateState(
        usage_percent=min(100.0, max(percents)) if percents else None,
        regain_after_s=max(regain_minutes) * 60 if regain_minutes else None,
        raw=raw_headers,
    )


def map_error(platform: Platform, response: httpx.Response, *, creates: bool) -> PlatformError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = _http.safe_int(error.get("code")) or 0
    subcode = _http.safe_int(error.get("error_subcode"))
    platform_message = str(error.get("message") or f"HTTP {response.status_code}")
    platform_code = str(code) + (f"/{subcode}" if subcode else "") if code else None
    status = response.status_code
    kwargs: dict[str, Any] = {
        "platform": platform,
        "platform_message": platform_message,
        "platform_code": platform_code,
        "http_status": status,
    }
    name = platform.value
    # Throttling first: Meta marks code 4 "is_transient" too, and it must still be waited out.
    if status < 500 and (code in RATE_LIMIT_CODES or status == 429):
        rate = rate_state(response.headers)
        wait = (
            timedelta(seconds=rate.regain_after_s)
            if rate is not None and rate.regain_after_s
            else DEFAULT_META_BACKOFF
        )
        return PlatformRateLimited(
            f"{name}: rate limited: {platform_message}",
            reset_at=_http.utcnow() + wait,
            rate=rate,
            **kwargs,
        )
    if status >= 500 or error.get("is_transient") is True or code in TRANSIENT_CODES:
        if creates:
            return AmbiguousOutcome(f"{name}: server error on the create call", **kwargs)
        return TransientError(f"{name}: temporary platform error", **kwargs)
    if code in (102, 190) or (status == 401 and not code):
        return AuthExpired(f"{name}: the access token expired or was revoked", **kwargs)
    if code == 10 or 200 <= code <= 299 or (status == 403 and not code):
        return PermissionDenied(f"{name}: permission missing: {platform_message}", **kwargs)
    return PlatformBadRequest(f"{name}: refused: {platform_message}", **kwargs)


def graph_until(until: datetime | None) -> dict[str, int]:
    """Graph API time paging: ``until`` in Unix seconds, rounded up so that posts in the
    same second as ``until`` are still listed (the caller drops the ones it has seen)."""
    return {"until": math.ceil(until.timestamp())} if until is not None else {}


def listed_posts(
    body: Mapping[str, Any], *, since: datetime, text_field: str, time_field: str
) -> list[RemotePost]:
    """A Graph API listing (`data` items) as RemotePosts, dropping what is older than `since`
    (the edge's `since` filter is a hint the API may round)."""
    posts = []
    for item in body.get("data") or []:
        created = _http.parse_time(item.get(time_field))
        if created is not None and created < since:
            continue
        posts.append(
            RemotePost(
                platform_post_id=str(item.get("id")),
                text=str(item.get(text_field) or ""),
                created_at=created,
            )
        )
    return posts


@dataclass(frozen=True, slots=True)
class ContainerFlow:
    """One platform's media container endpoints and fields (Instagram: ``media``,
    ``status_code``, ``media_publish``; Threads: ``threads``, ``status``, ``threads_publish``)."""

    create_edge: str
    """``POST /{account-id}/{create_edge}`` creates a container."""
    create_step: str
    status_field: str
    """The container's processing state: ``FINISHED``, ``IN_PROGRESS``, ``ERROR``, …"""
    detail_field: str
    """Read along with the status: what went wrong when it is ``ERROR``."""
    publish_edge: str
    """``POST /{account-id}/{publish_edge}`` with ``creation_id`` makes the post visible."""


class GraphClient:
    """Sends Graph API calls for one platform: bearer token in the header (never the URL, so no
    log line or exception carries it), errors mapped, usage headers kept."""

    platform: Platform

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        poll_interval_s: float = 2.0,
        poll_timeout_s: float = 60.0,
        poll_first_s: float = 0.25,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._poll_interval_s = poll_interval_s
        self._poll_timeout_s = poll_timeout_s
        self._poll_first_s = min(poll_first_s, poll_interval_s)

    async def _call(
        self,
        auth: AccountAuth,
        method: str,
        path: str,
        *,
        step: str,
        creates: bool = False,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], RateState | None]:
        response = await _http.send(
            self._http,
            self.platform,
            method,
            f"{self._base}/{path.lstrip('/')}",
            step=step,
            creates=creates,
            params=params,
            data=data,
            headers={"Authorization": f"Bearer {auth.access_token}"},
        )
        if response.status_code >= 400:
            raise map_error(self.platform, response, creates=creates)
        body = _http.json_body(response, self.platform, step=step, creates=creates)
        if "error" in body and isinstance(body["error"], dict):
            raise map_error(self.platform, response, creates=creates)
        return body, rate_state(response.headers)

    async def _create(
        self, auth: AccountAuth, edge: str, data: Mapping[str, str], *, step: str
    ) -> str:
        """``POST /{account-id}/{edge}`` that makes something not yet visible (a container, an
        unpublished photo): its id, or a bad request when the answer has none."""
        body, _ = await self._call(auth, "POST", f"{auth.account_id}/{edge}", step=step, data=data)
        return _http.require_id(body, "id", self.platform, step=step)

    async def _publish_container(
        self,
        auth: AccountAuth,
        flow: ContainerFlow,
        container: Mapping[str, str],
        *,
        children: Sequence[Mapping[str, str]] = (),
        wait: bool = True,
    ) -> PublishedPost:
        """Create → wait → publish, the content publishing flow of Instagram and Threads.

        ``children`` (carousel items) are created first and each waited for; their ids go into
        the container's ``children``. The container is waited for unless ``wait`` is false
        (a text-only Threads post has no media to process). Only the publish call creates the
        visible post, so only it can be ambiguous; its id is returned as soon as it answers."""
        child_ids = [
            await self._create(auth, flow.create_edge, child, step=flow.create_step)
            for child in children
        ]
        for child_id in child_ids:
            await self._wait_for_container(auth, child_id, flow)
        data = {**container, "children": ",".join(child_ids)} if child_ids else dict(container)
        container_id = await self._create(auth, flow.create_edge, data, step=flow.create_step)
        return await self._publish_created(auth, flow, container_id, wait=wait)

    async def _publish_created(
        self, auth: AccountAuth, flow: ContainerFlow, container_id: str, *, wait: bool = True
    ) -> PublishedPost:
        """Wait for a created container (unless ``wait`` is false), then publish it: the one
        call that makes a post visible, and so the only one that can be ambiguous."""
        if wait:
            await self._wait_for_container(auth, container_id, flow)
        body, rate = await self._call(
            auth,
            "POST",
            f"{auth.account_id}/{flow.publish_edge}",
            step=flow.publish_edge,
            creates=True,
            data={"creation_id": container_id},
        )
        media_id = body.get("id")
        if not media_id:
            raise AmbiguousOutcome(
                f"{self.platform.value}: published without an id", platform=self.platform
            )
        return PublishedPost(platform_post_id=str(media_id), rate=rate)

    async def _wait_for_container(
        self, auth: AccountAuth, container_id: str, flow: ContainerFlow
    ) -> None:
        """Poll a media container until the platform has fetched and processed its media.

        ``FINISHED`` goes on; ``ERROR``/``EXPIRED`` is the platform refusing the media (a bad
        request, nothing was published); still processing at the deadline is transient — the
        container is abandoned and nothing is visible.

        The polls start ``poll_first_s`` apart and double up to ``poll_interval_s`` (a
        container of a text or an image is often ready within a second; a video's takes
        minutes and is then asked about no more often than before); the last poll is at the
        deadline."""
        backoff = Backoff(
            first_s=self._poll_first_s,
            max_s=self._poll_interval_s,
            timeout_s=self._poll_timeout_s,
            clock=asyncio.get_running_loop().time,
        )
        while True:
            body, _ = await self._call(
                auth,
                "GET",
                container_id,
                step="container status",
                params={"fields": f"{flow.status_field},{flow.detail_field}"},
            )
            status = str(body.get(flow.status_field) or "")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                detail = body.get("error_message") or body.get("status") or status
                raise PlatformBadRequest(
                    f"{self.platform.value}: media container {status.lower()}: {detail}",
                    platform=self.platform,
                    platform_message=str(detail),
                    platform_code=status,
                )
            if backoff.expired:
                raise TransientError(
                    f"{self.platform.value}: media still processing after "
                    f"{self._poll_timeout_s:.0f} s",
                    platform=self.platform,
                )
            with stage_span(f"wait: {self.platform.value} container poll"):
                await backoff.wait()
