"""argon2id password hashing. Verification is CPU-bound (~tens of ms by design), so callers
run it in a worker thread to keep the event loop responsive."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.concurrency import run_in_threadpool

# RFC 9106's second recommended option (64 MiB, t=3, p=4) is argon2-cffi's default profile.
_hasher = PasswordHasher()
# Verified when an e-mail is unknown so that the response time does not reveal it.
_DUMMY_HASH = _hasher.hash("icop-timing-equaliser")

MIN_LENGTH = 10
MAX_LENGTH = 256


async def hash_password(password: str) -> str:
    return await run_in_threadpool(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await run_in_threadpool(_verify, password_hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
