"""The password hasher's profile: RFC 9106's everywhere real users sign in, argon2-cffi's test
profile only in the test environment — and a hash made there never passes as a real one."""

from __future__ import annotations

from argon2 import Type

from icop.auth import passwords


def test_real_environments_hash_with_rfc_9106_parameters() -> None:
    for environment in ("development", "production"):
        hasher = passwords.hasher_for(environment)
        assert hasher.type is Type.ID
        assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)


def test_a_hash_made_in_the_test_environment_is_rehashed_anywhere_else() -> None:
    cheap = passwords.hasher_for("test").hash("a-long-password")
    real = passwords.hasher_for("production")
    assert real.verify(cheap, "a-long-password")
    assert real.check_needs_rehash(cheap)
    assert not real.check_needs_rehash(real.hash("a-long-password"))


async def test_the_test_suite_runs_on_the_test_profile() -> None:
    hashed = await passwords.hash_password("a-long-password")
    assert await passwords.verify_password(hashed, "a-long-password")
    assert not await passwords.verify_password(hashed, "another-password")
    assert not await passwords.verify_password(None, "a-long-password")
    assert passwords.needs_rehash(passwords.hasher_for("production").hash("a-long-password"))
