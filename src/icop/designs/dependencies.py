"""What the designs API takes from the composition root."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request

from icop.designs.publishing import DesignPublishedListener


def get_design_published_listeners(request: Request) -> Sequence[DesignPublishedListener]:
    """Who follows a published design (the article's images, posts not sent yet): wired by
    ``icop.runtime`` (the layers that own those rows sit above this one)."""
    listeners: Sequence[DesignPublishedListener] = getattr(
        request.app.state.runtime, "design_published_listeners", ()
    )
    return listeners


DesignPublishedListenersDep = Annotated[
    Sequence[DesignPublishedListener], Depends(get_design_published_listeners)
]
