"""The process's object store as a request dependency. Tests replace it with
``app.dependency_overrides[get_object_store]``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.gateway.dependencies import process_client
from icop.storage.base import ObjectStore


def get_object_store(request: Request) -> ObjectStore:
    store: ObjectStore = process_client(request, "object_store")
    return store


ObjectStoreDep = Annotated[ObjectStore, Depends(get_object_store)]
