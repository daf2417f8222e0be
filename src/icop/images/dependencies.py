"""The image runtime (providers, routing defaults, the object store) as a request dependency.
Tests replace it with ``app.dependency_overrides[get_image_runtime]``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.gateway.dependencies import process_client
from icop.images.service import ImageRuntime


def get_image_runtime(request: Request) -> ImageRuntime:
    runtime: ImageRuntime = process_client(request, "images")
    return runtime


ImageRuntimeDep = Annotated[ImageRuntime, Depends(get_image_runtime)]
