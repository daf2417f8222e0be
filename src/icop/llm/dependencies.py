"""The process's model router as a request dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.gateway.dependencies import process_client
from icop.llm.smart_router import SmartRouter


def get_llm(request: Request) -> SmartRouter:
    client: SmartRouter = process_client(request, "llm")
    return client


LLMDep = Annotated[SmartRouter, Depends(get_llm)]
