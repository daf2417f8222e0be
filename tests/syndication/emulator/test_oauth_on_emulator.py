"""The three connect flows end to end against the emulator: consent redirect, code exchange,
long-lived tokens, the accounts they yield — and a post with each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from icop.emulators.platforms import EmulatorServer
from icop.syndication.platforms.base import (
    AccountAuth,
    MediaUpload,
    OAuthProvider,
    OutgoingPost,
    PermissionDenied,
    Platform,
    PlatformBadRequest,
    PlatformClient,
)
from icop.syndication.platforms.factory import build_oauth_providers
from icop.syndication.platforms.oauth import X_SCOPES, new_pkce, pkce_challenge

from .conftest import add_account, emulator_settings

CALLBACK = "http://127.0.0.1:8000/api/v1/connect/callback"


@pytest.fixture
def providers(emulator: EmulatorServer, http: httpx.AsyncClient) -> Mapping[str, OAuthProvider]:
    return build_oauth_providers(emulator_settings(emulator.url), http)


async def consent(http: httpx.AsyncClient, url: str, state: str) -> str:
    """What the browser does: open the consent page, follow the redirect back, keep the code."""
    response = await http.get(url)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def as_auth(
    platform: Platform, account_id: str, token: str, refresh: str | None = None
) -> AccountAuth:
    return AccountAuth(
        platform=platform, account_id=account_id, access_token=token, refresh_token=refresh
    )


async def test_meta_login_yields_pages_and_their_instagram_accounts(
    providers: Mapping[str, OAuthProvider],
    clients: Mapping[Platform, PlatformClient],
    http: httpx.AsyncClient,
) -> None:
    meta = providers["meta"]
    url = meta.authorization_url(state="s1", redirect_uri=CALLBACK)
    scopes = parse_qs(urlsplit(url).query)["scope"][0].split(",")
    assert {"pages_manage_posts", "instagram_content_publish", "business_management"} <= set(scopes)
    code = await consent(http, url, "s1")
    identities = await meta.exchange_code(code=code, redirect_uri=CALLBACK)
    by_platform = {identity.platform: identity for identity in identities}
    assert set(by_platform) == {Platform.FACEBOOK, Platform.INSTAGRAM}
    page, ig = by_platform[Platform.FACEBOOK], by_platform[Platform.INSTAGRAM]
    assert page.grant.expires_at is None  # page tokens from a long-lived user token
    await clients[Platform.FACEBOOK].publish(
        as_auth(Platform.FACEBOOK, page.account_id, page.grant.access_token),
        OutgoingPost(text="hi"),
    )
    await clients[Platform.INSTAGRAM].publish(
        as_auth(Platform.INSTAGRAM, ig.account_id, ig.grant.access_token),
        OutgoingPost(text="hi", media=[MediaUpload(url="https://cdn.example/a.jpg")]),
    )
    # A code is good once.
    with pytest.raises(PlatformBadRequest):
        await meta.exchange_code(code=code, redirect_uri=CALLBACK)


async def test_meta_login_lists_pages_created_beforehand(
    providers: Mapping[str, OAuthProvider], emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    page = await add_account(http, emulator, Platform.FACEBOOK, name="My Page")
    await add_account(http, emulator, Platform.INSTAGRAM, page_id=page.account_id, name="my_ig")
    meta = providers["meta"]
    code = await consent(http, meta.authorization_url(state="s", redirect_uri=CALLBACK), "s")
    identities = await meta.exchange_code(code=code, redirect_uri=CALLBACK)
    assert [(i.platform, i.name) for i in identities] == [
        (Platform.FACEBOOK, "My Page"),
        (Platform.INSTAGRAM, "my_ig"),
    ]


async def test_threads_login_exchanges_for_a_long_lived_token(
    providers: Mapping[str, OAuthProvider],
    clients: Mapping[Platform, PlatformClient],
    http: httpx.AsyncClient,
) -> None:
    threads = providers["threads"]
    code = await consent(http, threads.authorization_url(state="t", redirect_uri=CALLBACK), "t")
    [identity] = await threads.exchange_code(code=code, redirect_uri=CALLBACK)
    assert identity.platform is Platform.THREADS
    assert identity.grant.expires_at is not None
    assert identity.grant.expires_at > datetime.now(UTC) + timedelta(days=59)
    auth = as_auth(Platform.THREADS, identity.account_id, identity.grant.access_token)
    await clients[Platform.THREADS].publish(auth, OutgoingPost(text="connected"))


async def test_x_pkce_flow_and_refresh(
    providers: Mapping[str, OAuthProvider],
    clients: Mapping[Platform, PlatformClient],
    http: httpx.AsyncClient,
) -> None:
    x = providers["x"]
    pkce = new_pkce()
    assert pkce_challenge(pkce.verifier) == pkce.challenge and 43 <= len(pkce.verifier) <= 128
    url = x.authorization_url(state="x1", redirect_uri=CALLBACK, code_challenge=pkce.challenge)
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"][0].split() == list(X_SCOPES)
    code = await consent(http, url, "x1")
    [identity] = await x.exchange_code(
        code=code, redirect_uri=CALLBACK, code_verifier=pkce.verifier
    )
    grant = identity.grant
    assert grant.refresh_token and "offline.access" in grant.scopes
    assert grant.expires_at is not None and grant.expires_at < datetime.now(UTC) + timedelta(
        hours=2, minutes=1
    )
    auth = as_auth(Platform.X, identity.account_id, grant.access_token, grant.refresh_token)
    await clients[Platform.X].publish(auth, OutgoingPost(text="connected"))
    renewed = await clients[Platform.X].refresh(auth)
    # The old refresh token is spent.
    with pytest.raises(PermissionDenied):
        await clients[Platform.X].refresh(auth)
    assert renewed.access_token != grant.access_token


async def test_x_rejects_a_wrong_verifier(
    providers: Mapping[str, OAuthProvider], http: httpx.AsyncClient
) -> None:
    x = providers["x"]
    pkce = new_pkce()
    code = await consent(
        http,
        x.authorization_url(state="x", redirect_uri=CALLBACK, code_challenge=pkce.challenge),
        "x",
    )
    with pytest.raises(PermissionDenied) as caught:
        await x.exchange_code(code=code, redirect_uri=CALLBACK, code_verifier=new_pkce().verifier)
    assert "code verifier" in (caught.value.platform_message or "")


async def test_x_without_offline_access_gets_no_refresh_token(
    emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    pkce = new_pkce()
    response = await http.get(
        f"{emulator.url}/x.com/i/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "c",
            "redirect_uri": CALLBACK,
            "scope": "tweet.read tweet.write users.read",
            "state": "s",
            "code_challenge": pkce.challenge,
            "code_challenge_method": "S256",
        },
    )
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    token = await http.post(
        f"{emulator.url}/api.x.com/2/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": pkce.verifier,
            "client_id": "c",
        },
    )
    assert token.status_code == 200
    assert "refresh_token" not in token.json()
    assert token.json()["expires_in"] == 7200
