"""The process's embedder as a request dependency (tests inject a ``HashingEmbedder`` into
the runtime they build)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.embeddings.base import Embedder
from icop.gateway.dependencies import process_client


def get_embedder(request: Request) -> Embedder:
    embedder: Embedder = process_client(request, "embedder")
    return embedder


EmbedderDep = Annotated[Embedder, Depends(get_embedder)]
