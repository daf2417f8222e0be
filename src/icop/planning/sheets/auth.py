"""Google OAuth 2.0 access tokens for the Sheets API, from either kind of credential the vault
holds for a tenant:

- a **service-account key** (the JSON file Google Cloud hands out): we sign a JWT assertion
  (RS256, ``iss`` = the account's e-mail, ``aud`` = its ``token_uri``, one hour at most) and
  exchange it at the token endpoint (``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``);
- a **user's OAuth token** with a refresh token: ``grant_type=refresh_token`` with our OAuth
  client's id and secret.

Tokens are cached until shortly before they expire; concurrent callers share one exchange.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
import jwt

from icop.planning.sheets.exceptions import SheetAuthFailed, SheetUnavailable

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
# Refresh this long before the expiry Google gave us, so a token never dies mid-request.
EXPIRY_MARGIN_S = 60.0
ASSERTION_LIFETIME_S = 3600


@dataclass(frozen=True)
class ServiceAccountKey:
    client_email: str
    private_key: str
    private_key_id: str | None = None
    token_uri: str = DEFAULT_TOKEN_URI

    def __repr__(self) -> str:
        return f"ServiceAccountKey(client_email={self.client_email!r}, private_key=<redacted>)"

    @classmethod
    def from_json(cls, data: str | Mapping[str, Any]) -> ServiceAccountKey:
        try:
            info = json.loads(data) if isinstance(data, str) else dict(data)
        except json.JSONDecodeError as error:
            raise SheetAuthFailed("the service-account key is not JSON") from error
        if not isinstance(info, dict) or info.get("type", "service_account") != "service_account":
            raise SheetAuthFailed("the key is not a Google service-account key")
        try:
            return cls(
                client_email=str(info["client_email"]),
                private_key=str(info["private_key"]),
                private_key_id=info.get("private_key_id"),
                token_uri=str(info.get("token_uri") or DEFAULT_TOKEN_URI),
            )
        except KeyError as error:
            raise SheetAuthFailed(f"the service-account key has no {error.args[0]}") from error


@dataclass(frozen=True)
class OAuthUserToken:
    """A user's Google token. ``client_id``/``client_secret`` are our OAuth client's (from
    Settings unless the credential carries its own); without them no refresh is possible."""

    access_token: str | None
    refresh_token: str | None
    expires_at: datetime | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_uri: str = DEFAULT_TOKEN_URI

    def __repr__(self) -> str:
        return f"OAuthUserToken(expires_at={self.expires_at!r}, tokens=<redacted>)"


GoogleCredentials = ServiceAccountKey | OAuthUserToken
RefreshCallback = Callable[[OAuthUserToken], Awaitable[None]]


class VaultTokens(Protocol):
    """The shape of ``icop.credentials.service.DecryptedTokens`` (read-only)."""

    @property
    def access_token(self) -> str: ...

    @property
    def refresh_token(self) -> str | None: ...

    @property
    def expires_at(self) -> datetime | None: ...


def credentials_from_vault(
    tokens: VaultTokens,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_uri: str = DEFAULT_TOKEN_URI,
) -> GoogleCredentials:
    """A vault credential (platform ``google``) as Sheets credentials: a service-account key
    is stored whole as the access token; anything else is a user's OAuth token."""
    text = tokens.access_token.strip()
    if text.startswith("{"):
        return ServiceAccountKey.from_json(text)
    return OAuthUserToken(
        access_token=text or None,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        client_id=client_id,
        client_secret=client_secret,
        token_uri=token_uri,
    )


class TokenSource(Protocol):
    @property
    def identity(self) -> str:
        """Stable, non-secret id of the principal (its quota bucket)."""
        ...

    async def token(self, *, force: bool = False) -> str: ...


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        error = body.get("error")
        description = body.get("error_description")
        if isinstance(error, dict):  # some Google endpoints use the API error envelope
            return str(error.get("message") or error.get("status"))
        return ": ".join(str(part) for part in (error, description) if part)
    return f"HTTP {response.status_code}"


async def _exchange(
    http: httpx.AsyncClient, token_uri: str, form: dict[str, str], who: str, timeout_s: float
) -> tuple[str, float]:
    """POST a grant; (access token, seconds it lives)."""
    try:
        response = await http.post(
            token_uri, data=form, headers={"Accept": "application/json"}, timeout=timeout_s
        )
    except httpx.TransportError as error:
        raise SheetUnavailable(
            f"cannot reach Google's token endpoint: {type(error).__name__}"
        ) from error
    if response.status_code >= 500 or response.status_code == 429:
        raise SheetUnavailable(
            f"Google's token endpoint answered {response.status_code}",
            http_status=response.status_code,
        )
    if not response.is_success:
        raise SheetAuthFailed(
            f"Google refused the credentials of {who} ({_oauth_error(response)}): "
            "reconnect the Google account or upload a new key",
            http_status=response.status_code,
        )
    try:
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as error:
        raise SheetAuthFailed("Google's token endpoint answered without an access token") from error


class ServiceAccountTokens:
    def __init__(
        self,
        key: ServiceAccountKey,
        http: httpx.AsyncClient,
        *,
        scope: str = SCOPE,
        timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._http = http
        self._scope = scope
        self._timeout_s = timeout_s
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    @property
    def identity(self) -> str:
        return self._key.client_email

    def assertion(self) -> str:
        now = int(self._clock())
        claims = {
            "iss": self._key.client_email,
            "scope": self._scope,
            "aud": self._key.token_uri,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_S,
        }
        headers = {"kid": self._key.private_key_id} if self._key.private_key_id else None
        try:
            return jwt.encode(claims, self._key.private_key, algorithm="RS256", headers=headers)
        except (ValueError, TypeError, jwt.PyJWTError) as error:
            raise SheetAuthFailed(
                "the service-account private key cannot sign (is it the PEM from the key file?)"
            ) from error

    async def token(self, *, force: bool = False) -> str:
        async with self._lock:
            if not force and self._token and self._clock() < self._expires - EXPIRY_MARGIN_S:
                return self._token
            form = {"grant_type": JWT_BEARER, "assertion": self.assertion()}
            token, lifetime = await _exchange(
                self._http, self._key.token_uri, form, self._key.client_email, self._timeout_s
            )
            self._token, self._expires = token, self._clock() + lifetime
            return token


class UserTokens:
    def __init__(
        self,
        credentials: OAuthUserToken,
        http: httpx.AsyncClient,
        *,
        on_refresh: RefreshCallback | None = None,
        timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._http = http
        self._on_refresh = on_refresh
        self._timeout_s = timeout_s
        self._clock = clock
        self._lock = asyncio.Lock()
        # Only a hash identifies the principal: the bucket key may show up in metrics.
        seed = credentials.refresh_token or credentials.access_token or ""
        self._identity = "user:" + hashlib.sha256(seed.encode()).hexdigest()[:16]

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def credentials(self) -> OAuthUserToken:
        return self._credentials

    def _fresh(self) -> bool:
        current = self._credentials
        if not current.access_token:
            return False
        if current.expires_at is None:
            return True
        margin = timedelta(seconds=EXPIRY_MARGIN_S)
        return datetime.fromtimestamp(self._clock(), UTC) < current.expires_at - margin

    async def token(self, *, force: bool = False) -> str:
        async with self._lock:
            if not force and self._fresh():
                assert self._credentials.access_token is not None
                return self._credentials.access_token
            current = self._credentials
            if not (current.refresh_token and current.client_id and current.client_secret):
                raise SheetAuthFailed(
                    "the Google access token has expired and cannot be refreshed (no refresh "
                    "token or OAuth client configured): reconnect the Google account"
                )
            form = {
                "grant_type": "refresh_token",
                "refresh_token": current.refresh_token,
                "client_id": current.client_id,
                "client_secret": current.client_secret,
            }
            token, lifetime = await _exchange(
                self._http, current.token_uri, form, "the connected Google account", self._timeout_s
            )
            expires_at = datetime.fromtimestamp(self._clock() + lifetime, UTC)
            self._credentials = replace(current, access_token=token, expires_at=expires_at)
            if self._on_refresh is not None:
                await self._on_refresh(self._credentials)
            return token


def token_source(
    credentials: GoogleCredentials,
    http: httpx.AsyncClient,
    *,
    on_refresh: RefreshCallback | None = None,
    timeout_s: float = 30.0,
) -> TokenSource:
    if isinstance(credentials, ServiceAccountKey):
        return ServiceAccountTokens(credentials, http, timeout_s=timeout_s)
    return UserTokens(credentials, http, on_refresh=on_refresh, timeout_s=timeout_s)
