"""The workspace's choice, per platform, of whether social posts link to the article's page
on its public blog."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from icop.platforms.validation import Platform
from icop.schemas import RequestModel, ResponseModel


class PlatformLinkOut(ResponseModel):
    platform: Platform
    link_to_article: bool = Field(description="Posts on this platform link to the article.")
    default: bool = Field(description="The choice when the workspace has made none.")
    link_clickable: bool = Field(
        description="False on Instagram: a link in a caption is plain text there."
    )
    price_per_post_usd: Decimal | None = Field(
        description="What the platform charges per post (X's pay-per-use API), if anything."
    )
    price_per_post_with_url_usd: Decimal | None = Field(
        description="The same for a post that carries a link (X: much more)."
    )


class PostLinksOut(ResponseModel):
    platforms: list[PlatformLinkOut]


class PostLinksUpdate(RequestModel):
    links: dict[Platform, bool] = Field(
        description="Per platform, whether posts link to the article's public page; platforms "
        "left out keep their setting.",
        examples=[{"x": False, "facebook": True}],
    )
