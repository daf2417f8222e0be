"""JWTs: EdDSA (Ed25519) only.

The allow-list has exactly one asymmetric algorithm, so ``alg=none`` and HS256-signed tokens
(including the classic trick of using the public key as an HMAC secret) are rejected before any
signature check. ``iss``, ``aud``, ``exp``, ``iat``, ``jti`` and our ``typ`` are required.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from icop.config import Settings
from icop.errors import ConfigurationError, Unauthorized
from icop.fs import write_private_file

ALGORITHMS = ["EdDSA"]
KEY_FILE_NAME = "jwt-ed25519.pem"


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


@dataclass(frozen=True)
class TokenClaims:
    subject: UUID
    tenant_id: UUID
    session_id: UUID
    token_id: UUID
    token_type: TokenType
    role: str
    expires_at: int


class InvalidToken(Unauthorized):
    code = "invalid_token"
    title = "The token is invalid or expired"


class TokenService:
    def __init__(
        self,
        private_key: Ed25519PrivateKey,
        *,
        issuer: str,
        audience: str,
        access_ttl_s: int,
        refresh_ttl_s: int,
    ) -> None:
        self._private_key = private_key
        self._public_key: Ed25519PublicKey = private_key.public_key()
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenService:
        return cls(
            load_private_key(settings),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            access_ttl_s=settings.access_token_ttl_s,
            refresh_ttl_s=settings.refresh_token_ttl_s,
        )

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._public_key

    def issue(
        self,
        token_type: TokenType,
        *,
        user_id: UUID,
        tenant_id: UUID,
        session_id: UUID,
        role: str,
        token_id: UUID | None = None,
    ) -> tuple[str, TokenClaims]:
        now = int(time.time())
        ttl = self.access_ttl_s if token_type is TokenType.ACCESS else self.refresh_ttl_s
        claims = TokenClaims(
            subject=user_id,
            tenant_id=tenant_id,
            session_id=session_id,
            token_id=token_id or uuid4(),
            token_type=token_type,
            role=role,
            expires_at=now + ttl,
        )
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "tid": str(tenant_id),
            "sid": str(session_id),
            "jti": str(claims.token_id),
            "typ": token_type.value,
            "role": role,
            "iat": now,
            "nbf": now,
            "exp": claims.expires_at,
        }
        return jwt.encode(payload, self._private_key, algorithm="EdDSA"), claims

    def decode(self, token: str, expected: TokenType) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._public_key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "jti", "typ"]},
                leeway=5,
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("the token has expired") from error
        except jwt.PyJWTError as error:
            raise InvalidToken() from error
        if payload.get("typ") != expected.value:
            raise InvalidToken(f"expected a {expected.value} token")
        try:
            return TokenClaims(
                subject=UUID(payload["sub"]),
                tenant_id=UUID(payload["tid"]),
                session_id=UUID(payload["sid"]),
                token_id=UUID(payload["jti"]),
                token_type=expected,
                role=str(payload["role"]),
                expires_at=int(payload["exp"]),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise InvalidToken("the token is missing required claims") from error


def load_private_key(settings: Settings) -> Ed25519PrivateKey:
    if settings.jwt_private_key is not None:
        return _parse_private_key(
            settings.jwt_private_key.get_secret_value().encode(), "ICOP_JWT_PRIVATE_KEY"
        )
    path = settings.secrets_dir / KEY_FILE_NAME
    if not path.exists():
        _write_new_key(path)
    return _parse_private_key(path.read_bytes(), str(path))


def _parse_private_key(pem: bytes, origin: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError as error:
        raise ConfigurationError(f"{origin} is not a PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{origin} must be an Ed25519 key")
    return key


def _write_new_key(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private_file(path, pem)
