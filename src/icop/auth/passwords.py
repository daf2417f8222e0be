"""argon2id password hashing. Verification is CPU-bound (~tens of ms by design), so callers
run it in a worker thread to keep the event loop responsive."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.concurrency import run_in_threadpool

from icop.config import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    return hasher_for(get_settings().environment)


@cache
def hasher_for(environment: str) -> PasswordHasher:
    # RFC 9106's second recommended option (64 MiB, t=3, p=4) is argon2-cffi's default
    # profile: ~0.2 s a hash on two cores. The test environment signs up thousands of users,
    # so it takes argon2-cffi's profile made for tests (same algorithm, trivial cost) — a hash
    # made there is rehashed to the real profile at its next login anywhere else.
    if environment == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verified when an e-mail is unknown so that the response time does not reveal it.
    return _hasher().hash("icop-timing-equaliser")


async def hash_password(password: str) -> str:
    return await run_in_threadpool(_hasher().hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await run_in_threadpool(_verify, password_hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
