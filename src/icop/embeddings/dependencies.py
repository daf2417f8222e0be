"""The request's embedder: the one the app context carries (tests inject a
``HashingEmbedder`` there), else the process-wide default for the settings."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from icop.embeddings.base import Embedder
from icop.embeddings.config import default_embedder


def get_embedder(request: Request) -> Embedder:
    context = request.app.state.context
    embedder = getattr(context, "embedder", None)
    if embedder is None:
        return default_embedder(context.settings)
    return cast(Embedder, embedder)


EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
