"""The image runtime as a request dependency: built once per app from the settings and kept
on ``app.state`` until the app context carries one (``AppContext.images``), which then wins.
Tests replace it with ``app.dependency_overrides[get_image_runtime]``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.images.service import ImageRuntime
from icop.storage.dependencies import get_object_store


def get_image_runtime(request: Request) -> ImageRuntime:
    context = request.app.state.context
    runtime: ImageRuntime | None = getattr(context, "images", None)
    if runtime is None:
        runtime = getattr(request.app.state, "image_runtime", None)
    if runtime is None:
        runtime = ImageRuntime.from_settings(context.settings, get_object_store(request))
        request.app.state.image_runtime = runtime
    return runtime


ImageRuntimeDep = Annotated[ImageRuntime, Depends(get_image_runtime)]
