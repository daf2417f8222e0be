"""A tenant's configured sources as ``TrendSource`` objects: hosts from the settings (the
platform emulator's on the embedded default), tokens from the credentials vault."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from icop.brand.learning.fetch import FetchLimits
from icop.config import Settings
from icop.credentials import service as credentials
from icop.credentials.vault import Keyring
from icop.errors import ValidationFailed
from icop.trends.schemas import TrendSources
from icop.trends.sources.base import TrendSource
from icop.trends.sources.instagram import InstagramHashtagSource
from icop.trends.sources.pinterest import PinterestTrendsSource
from icop.trends.sources.rss import MAX_FEED_BYTES, FeedSource
from icop.trends.sources.youtube import YouTubeMostPopularSource

# Not a secret: the emulator accepts any token; real sources need a vault credential.
EMULATOR_TOKEN = "emulator-trends-token"  # noqa: S105
EMULATOR_FEEDS = ("home-and-garden", "energy-at-home", "outdoors-and-health")
EMULATOR_IG_USER = "17841400000000015"


def default_sources(settings: Settings) -> TrendSources:
    """On the embedded default, every kind of source on the emulator; else none until the
    tenant configures some."""
    emulator = settings.emulator_url
    if emulator is None:
        return TrendSources()
    return TrendSources.model_validate(
        {
            "feeds": [f"{emulator}/_emulator/trends/feeds/{name}.xml" for name in EMULATOR_FEEDS]
            + [f"{emulator}/_emulator/trends/feeds/kitchen.atom"],
            "instagram": {"user_id": EMULATOR_IG_USER, "hashtags": ["composting", "sourdough"]},
            "pinterest": {"region": "US", "trend_type": "growing"},
            "youtube": {"region": "US"},
        }
    )


def _on_emulator(url: str, settings: Settings) -> bool:
    """Our own configured emulator is trusted; every other feed host is checked."""
    return settings.emulator_url is not None and url.startswith(f"{settings.emulator_url}/")


def _feed_guard(settings: Settings) -> FetchLimits:
    return FetchLimits(
        max_bytes=MAX_FEED_BYTES,
        timeout_s=settings.brand_fetch_timeout_s,
        allow_private=settings.brand_fetch_allow_private and settings.environment != "production",
    )


async def _token(
    session: AsyncSession,
    keyring: Keyring,
    settings: Settings,
    credential_id: UUID | None,
    what: str,
) -> str:
    if credential_id is not None:
        credential = await credentials.get(session, credential_id)
        return credentials.decrypt(keyring, credential).access_token
    if settings.emulator_url is not None:
        return EMULATOR_TOKEN
    raise ValidationFailed(f"the {what} source needs a credential_id (a vault credential)")


async def build_sources(
    session: AsyncSession, settings: Settings, keyring: Keyring, config: TrendSources
) -> list[TrendSource]:
    emulator = settings.emulator_url
    graph = f"{emulator}/graph.facebook.com" if emulator else settings.meta_graph_url
    pinterest = f"{emulator}/api.pinterest.com" if emulator else settings.pinterest_api_url
    youtube = f"{emulator}/www.googleapis.com" if emulator else settings.youtube_api_url
    sources: list[TrendSource] = [
        FeedSource(url, guard=None if _on_emulator(url, settings) else _feed_guard(settings))
        for url in config.feeds
    ]
    if config.instagram is not None:
        token = await _token(
            session, keyring, settings, config.instagram.credential_id, "Instagram"
        )
        sources.extend(
            InstagramHashtagSource(
                graph_url=graph,
                version=settings.meta_graph_version,
                user_id=config.instagram.user_id,
                access_token=token,
                hashtag=hashtag,
                edge=config.instagram.edge,
            )
            for hashtag in config.instagram.hashtags
        )
    if config.pinterest is not None:
        token = await _token(
            session, keyring, settings, config.pinterest.credential_id, "Pinterest"
        )
        sources.append(
            PinterestTrendsSource(
                api_url=pinterest,
                access_token=token,
                region=config.pinterest.region,
                trend_type=config.pinterest.trend_type,
                interests=config.pinterest.interests,
            )
        )
    if config.youtube is not None:
        key = await _token(session, keyring, settings, config.youtube.credential_id, "YouTube")
        sources.append(
            YouTubeMostPopularSource(
                api_url=youtube,
                api_key=key,
                region=config.youtube.region,
                category_id=config.youtube.category_id,
            )
        )
    return sources
