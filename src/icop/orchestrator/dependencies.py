"""The process's Temporal client as a request dependency: None where this process has no
workflow engine configured (services answer 503 for what needs one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.gateway.dependencies import process_client
from icop.orchestrator.connection import LazyClient


def get_temporal(request: Request) -> LazyClient | None:
    client: LazyClient | None = process_client(request, "temporal")
    return client


TemporalDep = Annotated[LazyClient | None, Depends(get_temporal)]
