"""The syndication service's process-wide clients (platform clients, OAuth providers, the
publisher) and the post scheduler, as request dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.errors import ServiceUnavailable
from icop.gateway.dependencies import process_client
from icop.orchestrator.dependencies import TemporalDep
from icop.syndication.runtime import SyndicationRuntime
from icop.syndication.scheduler import PostScheduler, TemporalPostScheduler


def get_optional_syndication(request: Request) -> SyndicationRuntime | None:
    runtime: SyndicationRuntime | None = process_client(request, "syndication")
    return runtime


OptionalSyndicationDep = Annotated[SyndicationRuntime | None, Depends(get_optional_syndication)]


def get_syndication(runtime: OptionalSyndicationDep) -> SyndicationRuntime:
    if runtime is None:
        raise ServiceUnavailable("social publishing is not configured here")
    return runtime


SyndicationDep = Annotated[SyndicationRuntime, Depends(get_syndication)]


def get_scheduler(temporal: TemporalDep) -> PostScheduler:
    return TemporalPostScheduler(temporal)


SchedulerDep = Annotated[PostScheduler, Depends(get_scheduler)]
