"""The articles' process-wide collaborators, as request dependencies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request

from icop.articles.publishing import PublicLinkListener


def get_public_link_listeners(request: Request) -> Sequence[PublicLinkListener]:
    """Who follows an article's public URL (the social posts linking to it): set by the
    composition root on its runtime; none where it set none."""
    listeners: Sequence[PublicLinkListener] = getattr(
        request.app.state.runtime, "public_link_listeners", ()
    )
    return listeners


PublicLinkListenersDep = Annotated[Sequence[PublicLinkListener], Depends(get_public_link_listeners)]
