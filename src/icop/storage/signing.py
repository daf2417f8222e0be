"""Expiring HMAC-signed media URLs for the local backend.

The signature covers a version tag, the key and the expiry time, so a signed URL cannot be
replayed for another object nor extended. Comparison is constant-time. The secret comes from
``ICOP_MEDIA_SIGNING_KEY`` or a 0600 file under ``ICOP_HOME/secrets`` created on first use;
several API processes on one host share the file, several hosts need the setting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from icop.errors import ConfigurationError, Forbidden

KEY_FILE_NAME = "media-signing.key"
_VERSION = b"icop-media-v1"
MIN_SECRET_BYTES = 32


class MediaLinkInvalid(Forbidden):
    code = "media_link_invalid"
    title = "The media link is not valid"


class MediaLinkExpired(Forbidden):
    code = "media_link_expired"
    title = "The media link has expired"


class UrlSigner:
    def __init__(self, secret: bytes, *, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"the media signing key must be at least {MIN_SECRET_BYTES} bytes"
            )
        self._secret = secret
        self._clock = clock

    def __repr__(self) -> str:
        return "UrlSigner(<secret>)"

    def signature(self, key: str, expires_at: int) -> str:
        message = b"\n".join((_VERSION, key.encode(), str(expires_at).encode()))
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def sign(self, key: str, expires_in: int) -> tuple[int, str]:
        """(exp, sig) for a URL valid ``expires_in`` seconds from now."""
        if expires_in <= 0:
            raise ValueError("expires_in must be positive")
        expires_at = int(self._clock()) + expires_in
        return expires_at, self.signature(key, expires_at)

    def verify(self, key: str, expires_at: int, signature: str) -> int:
        """Seconds the link stays valid, or raise. The signature is checked first so that
        an attacker cannot learn anything from the expiry answer of a forged link."""
        expected = self.signature(key, expires_at)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise MediaLinkInvalid("the media link's signature does not match")
        remaining = expires_at - int(self._clock())
        if remaining <= 0:
            raise MediaLinkExpired("the media link has expired: ask for a fresh one")
        return remaining


def load_or_create_secret(path: Path) -> bytes:
    """The key file's secret, creating it once. ``O_EXCL`` makes concurrent first starts
    agree on one key instead of each writing its own and invalidating the other's links."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32))
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
        handle.flush()
        os.fsync(handle.fileno())
    return secret


def _read_when_written(path: Path, attempts: int = 20) -> bytes:
    # Another process won the O_EXCL race and may still be writing its 44 bytes.
    for _ in range(attempts - 1):
        try:
            return _read(path)
        except ConfigurationError:
            time.sleep(0.05)
    return _read(path)


def _read(path: Path) -> bytes:
    secret = path.read_bytes().strip()
    if len(secret) < MIN_SECRET_BYTES:
        # A file being written by a concurrent first start, or damaged: never sign with it.
        raise ConfigurationError(f"{path} holds no usable media signing key; delete it")
    return secret
