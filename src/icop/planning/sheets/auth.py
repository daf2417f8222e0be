"""Google OAuth 2.0 access tokens for the Sheets API, through ``google-auth``, from either kind
of credential the vault holds for a tenant:

- a **service-account key** (the JSON file Google Cloud hands out):
  ``google.oauth2.service_account.Credentials`` signs the JWT assertion (RS256, one hour) and
  exchanges it at the key's ``token_uri``
  (``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``);
- a **user's OAuth token** with a refresh token: ``google.oauth2.credentials.Credentials``
  (``grant_type=refresh_token`` with our OAuth client's id and secret).

google-auth refreshes synchronously through a ``google.auth.transport.Request``: ours,
``HttpxRequest``, sends with a synchronous ``httpx.Client`` (not ``requests``, which respx could
not see in the wire-level tests), and the refresh runs in a worker thread so that the event loop
never blocks. Tokens are cached until shortly before they expire; concurrent callers share one
refresh. Failures come out as ``SheetAuthFailed`` (a bad key, a revoked grant: a person must
act) or ``SheetUnavailable`` (the token endpoint unreachable or failing: retry later).
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

# google-auth has no annotations: its calls below carry ignore[no-untyped-call] for mypy.
import google.auth.credentials
import google.auth.exceptions
import google.auth.transport
import httpx
from google.oauth2.credentials import Credentials as UserCredentials
from google.oauth2.service_account import Credentials as ServiceAccountCredentials

from icop.planning.sheets.exceptions import SheetAuthFailed, SheetUnavailable

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
# The grant google-auth sends for a service account (the emulator checks for it).
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
# Refresh this long before the expiry Google gave us, so a token never dies mid-request.
EXPIRY_MARGIN_S = 60.0
# What a token lives when the endpoint does not say (Google's access tokens live an hour).
DEFAULT_LIFETIME_S = 3600.0


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


class TokenEndpointUnavailable(google.auth.exceptions.TransportError):
    """The token endpoint answered 5xx or 429."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the token endpoint answered HTTP {status}")  # type: ignore[no-untyped-call]
        self.status = status


class _Response(google.auth.transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class HttpxRequest(google.auth.transport.Request):
    """google-auth's transport (``request(url, method, body, headers, timeout)`` returning
    ``status``, ``headers`` and ``data``) over a synchronous ``httpx.Client``, one per request:
    a token is fetched about once an hour, not worth a pool to own and close.

    A 5xx or 429 raises ``TokenEndpointUnavailable`` instead of being returned: google-auth
    would retry those itself, sleeping in the worker thread (three requests, about three
    seconds), while the Sheets client already retries an unavailable token endpoint with its
    own backoff and injectable sleep. ``last_status`` is the status of the last answer."""

    def __init__(self, *, timeout_s: float = 30.0) -> None:
        self._timeout_s = timeout_s
        self.last_status: int | None = None

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        try:
            with httpx.Client(
                timeout=timeout if timeout is not None else self._timeout_s
            ) as client:
                response = client.request(method, url, content=body, headers=headers)
        except httpx.TransportError as error:
            failure = type(error).__name__
            raise google.auth.exceptions.TransportError(failure) from error  # type: ignore[no-untyped-call]
        self.last_status = response.status_code
        if response.status_code >= 500 or response.status_code == 429:
            raise TokenEndpointUnavailable(response.status_code)
        return _Response(response)


async def _refresh(
    credentials: google.auth.credentials.Credentials, who: str, timeout_s: float
) -> None:
    """``credentials.refresh`` (blocking) in a worker thread, its failures as our errors."""
    request = HttpxRequest(timeout_s=timeout_s)
    try:
        await asyncio.to_thread(credentials.refresh, request)
    except TokenEndpointUnavailable as error:
        raise SheetUnavailable(
            f"Google's token endpoint answered {error.status}", http_status=error.status
        ) from error
    except google.auth.exceptions.TransportError as error:
        raise SheetUnavailable(f"cannot reach Google's token endpoint: {error}") from error
    except google.auth.exceptions.RefreshError as error:
        # google-auth's message is the endpoint's "error: error_description", never our secret.
        reason = str(error.args[0] if error.args else type(error).__name__)[:300]
        if error.retryable:
            raise SheetUnavailable(
                f"Google's token endpoint failed ({reason})", http_status=request.last_status
            ) from error
        raise SheetAuthFailed(
            f"Google refused the credentials of {who} ({reason}): reconnect the Google account "
            "or upload a new key",
            http_status=request.last_status,
        ) from error
    except (ValueError, TypeError, KeyError) as error:  # a success google-auth cannot read
        raise SheetAuthFailed("Google's token endpoint answered without an access token") from error
    if not credentials.token:
        raise SheetAuthFailed("Google's token endpoint answered without an access token")


def _timestamp(expiry: datetime | None) -> float | None:
    """google-auth's expiry (naive, UTC) as a POSIX timestamp."""
    return expiry.replace(tzinfo=UTC).timestamp() if expiry is not None else None


class ServiceAccountTokens:
    def __init__(
        self,
        key: ServiceAccountKey,
        *,
        scope: str = SCOPE,
        timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._scope = scope
        self._timeout_s = timeout_s
        self._clock = clock
        self._credentials: ServiceAccountCredentials | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ServiceAccountTokens({self._key.client_email!r})"

    @property
    def identity(self) -> str:
        return self._key.client_email

    def _google_credentials(self) -> ServiceAccountCredentials:
        if self._credentials is None:
            info = {
                "client_email": self._key.client_email,
                "private_key": self._key.private_key,
                "token_uri": self._key.token_uri,
            }
            if self._key.private_key_id:
                info["private_key_id"] = self._key.private_key_id
            try:
                self._credentials = ServiceAccountCredentials.from_service_account_info(  # type: ignore[no-untyped-call]
                    info,
                    scopes=[self._scope],
                    # google-auth addresses the assertion to Google's token endpoint whatever
                    # the key's token_uri; the grant goes to the token_uri, and an endpoint
                    # checks that the audience is itself (the emulator's is local).
                    additional_claims={"aud": self._key.token_uri},
                )
            except ValueError as error:
                raise SheetAuthFailed(
                    "the service-account private key cannot sign (is it the PEM from the key file?)"
                ) from error
        return self._credentials

    async def token(self, *, force: bool = False) -> str:
        async with self._lock:
            credentials = self._google_credentials()
            if not force and credentials.token and self._clock() < self._expires - EXPIRY_MARGIN_S:
                return str(credentials.token)
            await _refresh(credentials, self._key.client_email, self._timeout_s)
            expires = _timestamp(credentials.expiry)
            self._expires = expires if expires is not None else self._clock() + DEFAULT_LIFETIME_S
            return str(credentials.token)


class UserTokens:
    def __init__(
        self,
        credentials: OAuthUserToken,
        *,
        on_refresh: RefreshCallback | None = None,
        timeout_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._on_refresh = on_refresh
        self._timeout_s = timeout_s
        self._clock = clock
        self._lock = asyncio.Lock()
        # Only a hash identifies the principal: the bucket key may show up in metrics.
        seed = credentials.refresh_token or credentials.access_token or ""
        self._identity = "user:" + hashlib.sha256(seed.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"UserTokens({self._identity!r})"

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
            google_credentials = UserCredentials(  # type: ignore[no-untyped-call]
                token=None,
                refresh_token=current.refresh_token,
                token_uri=current.token_uri,
                client_id=current.client_id,
                client_secret=current.client_secret,
            )
            await _refresh(google_credentials, "the connected Google account", self._timeout_s)
            token = str(google_credentials.token)
            expires = _timestamp(google_credentials.expiry)
            self._credentials = replace(
                current,
                access_token=token,
                # Google may rotate the refresh token; the new one is what the vault must keep.
                refresh_token=google_credentials.refresh_token or current.refresh_token,
                expires_at=datetime.fromtimestamp(
                    expires if expires is not None else self._clock() + DEFAULT_LIFETIME_S, UTC
                ),
            )
            if self._on_refresh is not None:
                await self._on_refresh(self._credentials)
            return token


def token_source(
    credentials: GoogleCredentials,
    *,
    on_refresh: RefreshCallback | None = None,
    timeout_s: float = 30.0,
) -> TokenSource:
    if isinstance(credentials, ServiceAccountKey):
        return ServiceAccountTokens(credentials, timeout_s=timeout_s)
    return UserTokens(credentials, on_refresh=on_refresh, timeout_s=timeout_s)
