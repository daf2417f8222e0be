"""Building the four clients and three connect flows from Settings.

With ``ICOP_PLATFORM_EMULATOR_URL`` set, every base URL points into the emulator, which serves
each real host under a path named after it (``{emulator}/graph.facebook.com/v24.0/...``), so the
clients cannot tell the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from icop.config import Settings
from icop.observability.tracing import traced_http_client
from icop.syndication.platforms.base import OAuthProvider, Platform, PlatformClient
from icop.syndication.platforms.facebook import FacebookPagesClient
from icop.syndication.platforms.instagram import InstagramClient
from icop.syndication.platforms.oauth import MetaOAuth, ThreadsOAuth, XOAuth
from icop.syndication.platforms.threads import ThreadsClient
from icop.syndication.platforms.x import XClient

EMULATOR_APP_CREDENTIAL = "icop-emulator"


@dataclass(frozen=True, slots=True)
class PlatformEndpoints:
    meta_graph: str
    meta_dialog: str
    threads_graph: str
    threads_authorize: str
    x_api: str
    x_authorize: str

    @classmethod
    def from_settings(cls, settings: Settings) -> PlatformEndpoints:
        if settings.emulator_url:
            return cls.emulator(settings.emulator_url)
        return cls(
            meta_graph=settings.meta_graph_url,
            meta_dialog=settings.meta_dialog_url,
            threads_graph=settings.threads_graph_url,
            threads_authorize=settings.threads_authorize_url,
            x_api=settings.x_api_url,
            x_authorize=settings.x_authorize_url,
        )

    @classmethod
    def emulator(cls, url: str) -> PlatformEndpoints:
        base = url.rstrip("/")
        return cls(
            meta_graph=f"{base}/graph.facebook.com",
            meta_dialog=f"{base}/www.facebook.com",
            threads_graph=f"{base}/graph.threads.net",
            threads_authorize=f"{base}/threads.net/oauth/authorize",
            x_api=f"{base}/api.x.com",
            x_authorize=f"{base}/x.com/i/oauth2/authorize",
        )


def _secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if getter is not None else None


def build_http_client(settings: Settings) -> httpx.AsyncClient:
    """The shared client for platform calls. No automatic retries: a retried create call is
    exactly the duplicate post the publisher exists to prevent."""
    # Traced and timed (icop_http_client_request_duration_seconds{peer="platforms"}).
    return traced_http_client(
        "platforms",
        timeout=httpx.Timeout(settings.platform_http_timeout_s, connect=10.0),
        follow_redirects=False,
        headers={"User-Agent": "icop-syndication"},
    )


def build_platform_clients(
    settings: Settings, http: httpx.AsyncClient
) -> Mapping[Platform, PlatformClient]:
    urls = PlatformEndpoints.from_settings(settings)
    graph = f"{urls.meta_graph.rstrip('/')}/{settings.meta_graph_version}"
    poll = {
        "poll_interval_s": settings.meta_container_poll_interval_s,
        "poll_timeout_s": settings.meta_container_poll_timeout_s,
        "poll_first_s": settings.meta_container_poll_first_s,
    }
    return {
        Platform.FACEBOOK: FacebookPagesClient(http, base_url=graph, **poll),
        Platform.INSTAGRAM: InstagramClient(http, base_url=graph, **poll),
        Platform.THREADS: ThreadsClient(
            http, base_url=urls.threads_graph, version=settings.threads_api_version, **poll
        ),
        Platform.X: XClient(
            http,
            base_url=urls.x_api,
            client_id=settings.x_client_id,
            client_secret=_secret(settings.x_client_secret),
        ),
    }


def build_oauth_providers(
    settings: Settings, http: httpx.AsyncClient
) -> Mapping[str, OAuthProvider]:
    """Keyed by provider name: "meta" (Facebook Pages + Instagram), "threads", "x"."""
    urls = PlatformEndpoints.from_settings(settings)
    # The emulator takes any app credentials; a demo against it should not need a Meta app.
    fallback = EMULATOR_APP_CREDENTIAL if settings.emulator_url else None
    providers: list[OAuthProvider] = [
        MetaOAuth(
            http,
            graph_url=urls.meta_graph,
            dialog_url=urls.meta_dialog,
            version=settings.meta_graph_version,
            app_id=settings.meta_app_id or fallback,
            app_secret=_secret(settings.meta_app_secret) or fallback,
        ),
        ThreadsOAuth(
            http,
            graph_url=urls.threads_graph,
            authorize_url=urls.threads_authorize,
            version=settings.threads_api_version,
            app_id=settings.threads_app_id or fallback,
            app_secret=_secret(settings.threads_app_secret) or fallback,
        ),
        XOAuth(
            http,
            api_url=urls.x_api,
            authorize_url=urls.x_authorize,
            client_id=settings.x_client_id or fallback,
            client_secret=_secret(settings.x_client_secret),
        ),
    ]
    return {provider.name: provider for provider in providers}
