"""The process's vault keyring as a request dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from icop.credentials.vault import Keyring
from icop.gateway.dependencies import process_client


def get_keyring(request: Request) -> Keyring:
    client: Keyring = process_client(request, "keyring")
    return client


KeyringDep = Annotated[Keyring, Depends(get_keyring)]
