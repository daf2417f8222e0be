"""``GET /api/v1/media/{tenant}/{sha256}.{ext}?exp=…&sig=…``: the local backend's objects,
for whoever holds a signed link (a browser, the dashboard, Instagram's fetcher). The signature
is the credential, so the route takes no bearer token; it is checked before the disk is
touched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from icop.gateway.problems import problem_responses
from icop.storage.base import ObjectNotFound
from icop.storage.dependencies import ObjectStoreDep
from icop.storage.keys import EXTENSION_TYPES, content_type_of, key_from_url, sha256_of
from icop.storage.local import LocalObjectStore

router = APIRouter(prefix="/media", tags=["media"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/{tenant}/{object_name}",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The object's bytes.",
            "content": {content_type: _BINARY for content_type in EXTENSION_TYPES.values()},
        },
        **problem_responses(403, 404),
    },
)
async def get_media(
    tenant: Annotated[str, Path(max_length=36, description="The owning tenant's id.")],
    object_name: Annotated[str, Path(max_length=80, description="`{sha256}.{ext}`")],
    store: ObjectStoreDep,
    exp: Annotated[int, Query(ge=0, le=2**53, description="Expiry, Unix seconds.")],
    sig: Annotated[str, Query(min_length=1, max_length=128, description="HMAC signature.")],
) -> FileResponse:
    """A stored object behind an expiring signed link; a tampered or expired link is 403."""
    if not isinstance(store, LocalObjectStore):
        # Other backends hand out their own URLs (public or presigned); nothing is served here.
        raise ObjectNotFound("media is not served by this API")
    key = key_from_url(tenant, object_name)
    remaining = store.signer.verify(key, exp, sig)
    path = store.path_of(key)
    if not path.is_file():
        raise ObjectNotFound("no such object")
    media_type = content_type_of(key)
    if media_type.startswith("text/") or media_type == "application/json":
        media_type += "; charset=utf-8"
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            # The link, not the bytes, expires: caches may keep the object only as long.
            "Cache-Control": f"private, max-age={remaining}",
            "ETag": f'"{sha256_of(key)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
