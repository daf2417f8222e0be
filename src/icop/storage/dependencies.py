"""The process's object store as a request dependency.

The store is built once per app from the settings and kept on ``app.state`` until the app
context carries one (``AppContext.object_store``), which then wins. Tests replace it with
``app.dependency_overrides[get_object_store]``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.storage.base import ObjectStore
from icop.storage.factory import build_object_store


def get_object_store(request: Request) -> ObjectStore:
    context = request.app.state.context
    store: ObjectStore | None = getattr(context, "object_store", None)
    if store is None:
        store = getattr(request.app.state, "object_store", None)
    if store is None:
        store = build_object_store(context.settings)
        request.app.state.object_store = store
    return store


ObjectStoreDep = Annotated[ObjectStore, Depends(get_object_store)]
