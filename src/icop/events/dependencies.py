from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.events.hub import EventHub
from icop.gateway.dependencies import process_client


def get_event_hub(request: Request) -> EventHub:
    hub: EventHub = process_client(request, "events")
    return hub


EventHubDep = Annotated[EventHub, Depends(get_event_hub)]
