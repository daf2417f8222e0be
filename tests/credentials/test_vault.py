"""Property tests of the AES-256-GCM keyring."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icop.credentials.vault import (
    AssociatedData,
    Keyring,
    KeySource,
    VaultError,
    generate_env_key,
    key_id_of,
)
from icop.errors import ConfigurationError

uuids = st.uuids()
platforms = st.sampled_from(["x", "facebook", "instagram", "threads", "google"])
fields = st.sampled_from(["access_token", "refresh_token"])
associated = st.builds(
    AssociatedData, tenant_id=uuids, credential_id=uuids, platform=platforms, field=fields
)
plaintexts = st.text(min_size=0, max_size=2000)


def _env_keyring(*pairs: str) -> Keyring:
    return Keyring(KeySource(",".join(pairs), Path("/nonexistent")))


KEY_A = generate_env_key()
KEY_B = generate_env_key()


@given(plaintext=plaintexts, ad=associated)
def test_round_trip(plaintext: str, ad: AssociatedData) -> None:
    keyring = _env_keyring(KEY_A)
    assert keyring.decrypt(keyring.encrypt(plaintext, ad), ad) == plaintext


@given(plaintext=plaintexts, ad=associated)
def test_nonce_is_fresh(plaintext: str, ad: AssociatedData) -> None:
    keyring = _env_keyring(KEY_A)
    assert keyring.encrypt(plaintext, ad) != keyring.encrypt(plaintext, ad)


@given(plaintext=st.text(min_size=1, max_size=200), ad=associated, data=st.data())
def test_any_flipped_bit_fails(plaintext: str, ad: AssociatedData, data: st.DataObject) -> None:
    keyring = _env_keyring(KEY_A)
    blob = bytearray(keyring.encrypt(plaintext, ad))
    position = data.draw(st.integers(min_value=0, max_value=len(blob) * 8 - 1))
    blob[position // 8] ^= 1 << (position % 8)
    with pytest.raises(VaultError):
        keyring.decrypt(bytes(blob), ad)


@given(plaintext=plaintexts, ad=associated, other=associated)
def test_swapped_associated_data_fails(
    plaintext: str, ad: AssociatedData, other: AssociatedData
) -> None:
    keyring = _env_keyring(KEY_A)
    blob = keyring.encrypt(plaintext, ad)
    if other == ad:
        return
    with pytest.raises(VaultError):
        keyring.decrypt(blob, other)


@given(
    plaintext=plaintexts,
    ad=associated,
    field=st.sampled_from(["tenant_id", "credential_id", "platform", "field"]),
)
def test_each_associated_field_is_bound(plaintext: str, ad: AssociatedData, field: str) -> None:
    keyring = _env_keyring(KEY_A)
    blob = keyring.encrypt(plaintext, ad)
    changed = {
        "tenant_id": {"tenant_id": UUID(int=ad.tenant_id.int ^ 1)},
        "credential_id": {"credential_id": UUID(int=ad.credential_id.int ^ 1)},
        "platform": {"platform": ad.platform + "-other"},
        "field": {"field": "refresh_token" if ad.field == "access_token" else "access_token"},
    }[field]
    with pytest.raises(VaultError):
        keyring.decrypt(blob, AssociatedData(**{**ad.__dict__, **changed}))


@settings(max_examples=30)
@given(plaintext=plaintexts, ad=associated)
def test_wrong_or_unknown_key_id_fails(plaintext: str, ad: AssociatedData) -> None:
    writer = _env_keyring(KEY_A)
    blob = writer.encrypt(plaintext, ad)
    kid_a = KEY_A.split(":")[0]
    kid_b = KEY_B.split(":")[0]
    # Relabel the ciphertext with another key id of equal length: authentication fails.
    relabelled = blob.replace(kid_a.encode(), kid_b.encode(), 1)
    both = _env_keyring(KEY_A, KEY_B)
    with pytest.raises(VaultError):
        both.decrypt(relabelled, ad)
    with pytest.raises(VaultError, match="unknown vault key"):
        _env_keyring(KEY_B).decrypt(blob, ad)


@settings(max_examples=25)
@given(secrets=st.lists(plaintexts, min_size=1, max_size=10), ad=associated)
def test_rotation_keeps_everything_decryptable(
    tmp_path_factory: pytest.TempPathFactory, secrets: list[str], ad: AssociatedData
) -> None:
    key_file = tmp_path_factory.mktemp("vault") / "keys.json"
    keyring = Keyring(KeySource(None, key_file))
    old = [keyring.encrypt(s, ad) for s in secrets]
    first_kid = keyring.primary_key_id
    new_kid = keyring.add_key()
    assert new_kid != first_kid and keyring.primary_key_id == new_kid
    new = [keyring.encrypt(s, ad) for s in secrets]
    assert {key_id_of(b) for b in new} == {new_kid}
    # A process that loaded the keys before the rotation picks the new key up on demand.
    reader = Keyring(KeySource(None, key_file))
    stale = Keyring.__new__(Keyring)
    stale.__dict__.update(reader.__dict__)
    stale._keys = {first_kid: reader._keys[first_kid]}
    for blob, secret in zip(old + new, secrets + secrets, strict=True):
        assert stale.decrypt(blob, ad) == secret


def test_key_file_is_created_private(tmp_path: Path) -> None:
    key_file = tmp_path / "secrets" / "vault-keys.json"
    Keyring(KeySource(None, key_file))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    os.chmod(key_file, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        Keyring(KeySource(None, key_file))


@pytest.mark.parametrize(
    "value", ["nokey", "k1:notbase64!!", f"k1:{base64.b64encode(b'short').decode()}", " , "]
)
def test_bad_environment_keys_are_rejected(value: str) -> None:
    with pytest.raises(ConfigurationError):
        _env_keyring(value)


def test_rotation_with_environment_keys_explains_what_to_do() -> None:
    with pytest.raises(ConfigurationError, match="ICOP_VAULT_KEYS"):
        _env_keyring(KEY_A).add_key()


def test_truncated_and_foreign_blobs_fail() -> None:
    keyring = _env_keyring(KEY_A)
    ad = AssociatedData(uuid4(), uuid4(), "x", "access_token")
    for blob in (b"", b"v1", b"v2" + b"\0" * 40, keyring.encrypt("secret", ad)[:20]):
        with pytest.raises(VaultError):
            keyring.decrypt(blob, ad)
