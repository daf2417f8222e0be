"""The connect flows: from the user's consent to the accounts we may post to.

Sources:
- Meta (Facebook Login): https://developers.facebook.com/docs/facebook-login/guides/advanced/
  manual-flow (``/{version}/dialog/oauth``, ``GET /oauth/access_token`` with the code),
  https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
  (``grant_type=fb_exchange_token``; page tokens read through a long-lived user token do not
  expire), https://developers.facebook.com/docs/pages-api/getting-started (``GET /me/accounts``),
  https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login
  (each Page's ``instagram_business_account``).
- Threads: https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-
  permissions (``threads.net/oauth/authorize``, ``POST /oauth/access_token``) and
  .../long-lived-tokens (``GET /access_token?grant_type=th_exchange_token``).
- X: https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
  (``x.com/i/oauth2/authorize`` with PKCE S256; ``POST /2/oauth2/token`` with the
  ``code_verifier``; ``offline.access`` for a refresh token; ``GET /2/users/me``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from icop.syndication.platforms import _http, meta
from icop.syndication.platforms import x as x_api
from icop.syndication.platforms.base import (
    ConnectedIdentity,
    Platform,
    PlatformBadRequest,
    TokenGrant,
)
from icop.syndication.platforms.threads import grant_from

META_SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "instagram_basic",
    "instagram_content_publish",
    "business_management",
)
# Replies (the parts of a split thread) need manage_replies to post and read_replies to
# reconcile.
THREADS_SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
)
X_SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")


@dataclass(frozen=True, slots=True)
class Pkce:
    verifier: str
    challenge: str


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_pkce() -> Pkce:
    # 64 random bytes → 86 characters, inside RFC 7636's 43-128.
    verifier = secrets.token_urlsafe(64)
    return Pkce(verifier=verifier, challenge=pkce_challenge(verifier))


def _require(value: str | None, what: str, platform: Platform) -> str:
    if not value:
        raise PlatformBadRequest(f"{platform.value}: {what} is not configured", platform=platform)
    return value


class MetaOAuth:
    """One Facebook login yields every Page the user manages and each Page's Instagram account."""

    name = "meta"

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        graph_url: str,
        dialog_url: str,
        version: str,
        app_id: str | None,
        app_secret: str | None,
    ) -> None:
        self._http = http
        self._graph = f"{graph_url.rstrip('/')}/{version}"
        self._dialog = f"{dialog_url.rstrip('/')}/{version}/dialog/oauth"
        self._app_id = app_id
        self._app_secret = app_secret

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str:
        query = {
            "client_id": _require(self._app_id, "ICOP_META_APP_ID", Platform.FACEBOOK),
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(META_SCOPES),
        }
        return f"{self._dialog}?{urlencode(query)}"

    async def _get(self, path: str, *, params: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        response = await _http.send(
            self._http,
            Platform.FACEBOOK,
            "GET",
            f"{self._graph}/{path}",
            step=f"connect ({path})",
            params=params,
            headers=headers,
        )
        if response.status_code >= 400:
            raise meta.map_error(Platform.FACEBOOK, response, creates=False)
        return _http.json_body(response, Platform.FACEBOOK, step="connect", creates=False)

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> Sequence[ConnectedIdentity]:
        app_id = _require(self._app_id, "ICOP_META_APP_ID", Platform.FACEBOOK)
        secret = _require(self._app_secret, "ICOP_META_APP_SECRET", Platform.FACEBOOK)
        short = await self._get(
            "oauth/access_token",
            params={
                "client_id": app_id,
                "client_secret": secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long_lived = await self._get(
            "oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app_id,
                "client_secret": secret,
                "fb_exchange_token": str(short.get("access_token") or ""),
            },
        )
        pages = await self._get(
            "me/accounts",
            params={
                "fields": "id,name,access_token,instagram_business_account{id,username}",
                "limit": 100,
            },
            token=str(long_lived.get("access_token") or ""),
        )
        identities: list[ConnectedIdentity] = []
        for page in pages.get("data") or []:
            page_token = page.get("access_token")
            if not page_token:
                continue
            # Page tokens read through a long-lived user token have no expiry.
            grant = TokenGrant(
                access_token=str(page_token),
                refresh_token=None,
                expires_at=None,
                scopes=META_SCOPES,
            )
            identities.append(
                ConnectedIdentity(
                    platform=Platform.FACEBOOK,
                    account_id=str(page["id"]),
                    name=str(page.get("name") or page["id"]),
                    grant=grant,
                )
            )
            instagram = page.get("instagram_business_account")
            if isinstance(instagram, dict) and instagram.get("id"):
                identities.append(
                    ConnectedIdentity(
                        platform=Platform.INSTAGRAM,
                        account_id=str(instagram["id"]),
                        name=str(instagram.get("username") or page.get("name") or ""),
                        grant=grant,
                    )
                )
        return identities


class ThreadsOAuth:
    name = "threads"

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        graph_url: str,
        authorize_url: str,
        version: str,
        app_id: str | None,
        app_secret: str | None,
    ) -> None:
        self._http = http
        self._root = graph_url.rstrip("/")
        self._version = version
        self._authorize = authorize_url
        self._app_id = app_id
        self._app_secret = app_secret

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str:
        query = {
            "client_id": _require(self._app_id, "ICOP_THREADS_APP_ID", Platform.THREADS),
            "redirect_uri": redirect_uri,
            "scope": ",".join(THREADS_SCOPES),
            "response_type": "code",
            "state": state,
        }
        return f"{self._authorize}?{urlencode(query)}"

    async def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await _http.send(
            self._http, Platform.THREADS, method, url, step="connect", **kwargs
        )
        if response.status_code >= 400:
            raise meta.map_error(Platform.THREADS, response, creates=False)
        return _http.json_body(response, Platform.THREADS, step="connect", creates=False)

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> Sequence[ConnectedIdentity]:
        app_id = _require(self._app_id, "ICOP_THREADS_APP_ID", Platform.THREADS)
        secret = _require(self._app_secret, "ICOP_THREADS_APP_SECRET", Platform.THREADS)
        short = await self._json(
            "POST",
            f"{self._root}/oauth/access_token",
            data={
                "client_id": app_id,
                "client_secret": secret,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long_lived = await self._json(
            "GET",
            f"{self._root}/access_token",
            params={
                "grant_type": "th_exchange_token",
                "client_secret": secret,
                "access_token": str(short.get("access_token") or ""),
            },
        )
        grant = grant_from(long_lived, refresh_token=None)
        grant = TokenGrant(
            access_token=grant.access_token,
            refresh_token=None,
            expires_at=grant.expires_at,
            scopes=THREADS_SCOPES,
        )
        me = await self._json(
            "GET",
            f"{self._root}/{self._version}/me",
            params={"fields": "id,username"},
            headers={"Authorization": f"Bearer {grant.access_token}"},
        )
        account_id = str(me.get("id") or short.get("user_id") or "")
        return [
            ConnectedIdentity(
                platform=Platform.THREADS,
                account_id=account_id,
                name=str(me.get("username") or account_id),
                grant=grant,
            )
        ]


class XOAuth:
    name = "x"

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        api_url: str,
        authorize_url: str,
        client_id: str | None,
        client_secret: str | None,
    ) -> None:
        self._http = http
        self._api = api_url.rstrip("/")
        self._authorize = authorize_url
        self._client_id = client_id
        self._client_secret = client_secret

    def authorization_url(
        self, *, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str:
        if not code_challenge:
            raise PlatformBadRequest(
                "x: the connect flow needs a PKCE challenge", platform=Platform.X
            )
        query = {
            "response_type": "code",
            "client_id": _require(self._client_id, "ICOP_X_CLIENT_ID", Platform.X),
            "redirect_uri": redirect_uri,
            "scope": " ".join(X_SCOPES),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self._authorize}?{urlencode(query)}"

    async def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> Sequence[ConnectedIdentity]:
        if not code_verifier:
            raise PlatformBadRequest(
                "x: the code exchange needs the PKCE verifier", platform=Platform.X
            )
        grant = await x_api.token_request(
            self._http,
            f"{self._api}/2/oauth2/token",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            },
            client_id=_require(self._client_id, "ICOP_X_CLIENT_ID", Platform.X),
            client_secret=self._client_secret,
        )
        user = await x_api.XClient(self._http, base_url=self._api).me(grant.access_token)
        account_id = str(user.get("id") or "")
        if not account_id:
            raise PlatformBadRequest("x: users/me answered without an id", platform=Platform.X)
        return [
            ConnectedIdentity(
                platform=Platform.X,
                account_id=account_id,
                name=str(user.get("username") or user.get("name") or account_id),
                grant=grant,
            )
        ]


__all__ = [
    "META_SCOPES",
    "THREADS_SCOPES",
    "X_SCOPES",
    "MetaOAuth",
    "Pkce",
    "ThreadsOAuth",
    "XOAuth",
    "new_pkce",
    "pkce_challenge",
]
