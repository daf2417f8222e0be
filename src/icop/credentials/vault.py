"""AES-256-GCM encryption of third-party tokens with a rotating keyring.

Ciphertext layout (all of it stored in one bytea column)::

    b"v1" | len(key_id) (1 byte) | key_id (ascii) | nonce (12 bytes) | ciphertext + tag (16 bytes)

- The key id travels with the ciphertext, so old rows stay readable after a rotation and
  ``icop keys rotate`` can re-encrypt them in the background without downtime.
- A fresh random 96-bit nonce per encryption (never a counter: several processes encrypt).
- The associated data binds a ciphertext to its tenant, credential, platform and field: a
  ciphertext copied into another row, tenant or field fails authentication.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from icop.config import Settings
from icop.errors import ConfigurationError, ICOPError
from icop.fs import write_private_file

_VERSION = b"v1"
_NONCE_BYTES = 12
_KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
KEY_FILE_NAME = "vault-keys.json"


class VaultError(ICOPError):
    """A ciphertext could not be decrypted. Never carries the plaintext or the key."""

    status = 500
    code = "vault_error"
    title = "A stored credential could not be decrypted"


@dataclass(frozen=True)
class AssociatedData:
    tenant_id: UUID
    credential_id: UUID
    platform: str
    field: str

    def encode(self) -> bytes:
        return "|".join(
            [
                "icop-vault-v1",
                str(self.tenant_id),
                str(self.credential_id),
                self.platform,
                self.field,
            ]
        ).encode()


class KeySource:
    """Where keys come from: ``ICOP_VAULT_KEYS`` (operator-managed) or a 0600 key file."""

    def __init__(self, env_value: str | None, key_file: Path) -> None:
        self.env_value = env_value
        self.key_file = key_file

    @property
    def managed_by_environment(self) -> bool:
        return self.env_value is not None

    def load(self) -> tuple[dict[str, bytes], str]:
        if self.env_value is not None:
            return _parse_env_keys(self.env_value)
        if not self.key_file.exists():
            self._create_key_file()
        return _parse_key_file(self.key_file)

    def add_key(self) -> str:
        """Add a fresh key to the key file and make it primary. Returns its id."""
        if self.managed_by_environment:
            raise ConfigurationError(
                "vault keys come from ICOP_VAULT_KEYS: append a new 'kid:key' pair there "
                "(generate one with `icop keys generate`) and restart, then run "
                "`icop keys rotate --reencrypt-only`"
            )
        keys, _primary = self.load()
        key_id = _new_key_id(keys)
        keys[key_id] = AESGCM.generate_key(bit_length=256)
        _write_key_file(self.key_file, keys, key_id)
        return key_id

    def _create_key_file(self) -> None:
        key_id = _new_key_id({})
        _write_key_file(self.key_file, {key_id: AESGCM.generate_key(bit_length=256)}, key_id)


class Keyring:
    """Encrypts with the primary key; decrypts with whichever key a ciphertext names."""

    def __init__(self, source: KeySource) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._keys: dict[str, bytes] = {}
        self._primary = ""
        self.reload()

    @property
    def primary_key_id(self) -> str:
        return self._primary

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    @property
    def source(self) -> KeySource:
        return self._source

    def reload(self) -> None:
        keys, primary = self._source.load()
        with self._lock:
            self._keys, self._primary = keys, primary

    def encrypt(self, plaintext: str, associated: AssociatedData) -> bytes:
        key_id = self._primary
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(self._keys[key_id]).encrypt(nonce, plaintext.encode(), associated.encode())
        encoded_id = key_id.encode("ascii")
        return _VERSION + bytes([len(encoded_id)]) + encoded_id + nonce + sealed

    def decrypt(self, blob: bytes, associated: AssociatedData) -> str:
        key_id, nonce, sealed = _split(blob)
        key = self._keys.get(key_id)
        if key is None:
            # Another process may have rotated: pick up keys added since we loaded.
            self.reload()
            key = self._keys.get(key_id)
        if key is None:
            raise VaultError(f"unknown vault key id {key_id!r}")
        try:
            return AESGCM(key).decrypt(nonce, sealed, associated.encode()).decode()
        except InvalidTag as error:
            raise VaultError("credential ciphertext failed authentication") from error

    def add_key(self) -> str:
        key_id = self._source.add_key()
        self.reload()
        return key_id


def key_id_of(blob: bytes) -> str:
    return _split(blob)[0]


def generate_env_key() -> str:
    """A 'kid:base64key' pair for ICOP_VAULT_KEYS."""
    return f"{_new_key_id({})}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def _split(blob: bytes) -> tuple[str, bytes, bytes]:
    if len(blob) < 3 or blob[:2] != _VERSION:
        raise VaultError("credential ciphertext has an unknown format")
    id_length = blob[2]
    start = 3 + id_length
    if len(blob) < start + _NONCE_BYTES + 16:
        raise VaultError("credential ciphertext is truncated")
    try:
        key_id = blob[3:start].decode("ascii")
    except UnicodeDecodeError as error:
        raise VaultError("credential ciphertext has a corrupt key id") from error
    return key_id, blob[start : start + _NONCE_BYTES], blob[start + _NONCE_BYTES :]


def _new_key_id(existing: dict[str, bytes]) -> str:
    while True:
        key_id = "k" + secrets.token_hex(4)
        if key_id not in existing:
            return key_id


def _decode_key(key_id: str, encoded: str, origin: str) -> bytes:
    if not _KEY_ID.match(key_id):
        raise ConfigurationError(f"{origin}: invalid vault key id {key_id!r}")
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise ConfigurationError(f"{origin}: key {key_id!r} is not valid base64") from error
    if len(key) != _KEY_BYTES:
        raise ConfigurationError(f"{origin}: key {key_id!r} must be 32 bytes (AES-256)")
    return key


def _parse_env_keys(value: str) -> tuple[dict[str, bytes], str]:
    keys: dict[str, bytes] = {}
    primary = ""
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        key_id, separator, encoded = item.partition(":")
        if not separator:
            raise ConfigurationError("ICOP_VAULT_KEYS: expected comma-separated 'kid:base64key'")
        keys[key_id] = _decode_key(key_id, encoded, "ICOP_VAULT_KEYS")
        primary = key_id
    if not keys:
        raise ConfigurationError("ICOP_VAULT_KEYS is set but holds no key")
    return keys, primary


def _parse_key_file(path: Path) -> tuple[dict[str, bytes], str]:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigurationError(f"{path} must not be readable by others (chmod 600 {path})")
    try:
        document = json.loads(path.read_text())
        keys = {
            kid: _decode_key(kid, encoded, str(path)) for kid, encoded in document["keys"].items()
        }
        primary = document["primary"]
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigurationError(f"{path} is not a valid vault key file") from error
    if primary not in keys:
        raise ConfigurationError(f"{path}: primary key {primary!r} is not in the file")
    return keys, str(primary)


def _write_key_file(path: Path, keys: dict[str, bytes], primary: str) -> None:
    document = {
        "primary": primary,
        "keys": {kid: base64.b64encode(key).decode() for kid, key in keys.items()},
    }
    write_private_file(path, json.dumps(document, indent=2).encode())


def build_keyring(settings: Settings) -> Keyring:
    """The process's keyring: ``ICOP_VAULT_KEYS`` when set, else the home's key file."""
    env_value = settings.vault_keys.get_secret_value() if settings.vault_keys else None
    return Keyring(KeySource(env_value, settings.secrets_dir / KEY_FILE_NAME))
