"""Token health on the accounts API: an account whose stored credentials include a refresh
token says it renews itself (``can_refresh``), one without says nothing of the kind, and
neither token ever appears in an answer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from icop.db.session import unit_of_work
from icop.models import SocialAccount
from icop.syndication.platforms.base import TokenGrant
from icop.syndication.tokens import store_grant
from tests.syndication.api.conftest import Api
from tests.syndication.support import make_account


async def _without_refresh_token(api: Api, tenant_id: uuid.UUID) -> uuid.UUID:
    async with unit_of_work(api.context.sessionmaker, tenant_id) as session:
        account = SocialAccount(
            tenant_id=tenant_id,
            id=uuid.uuid4(),
            platform="x",
            platform_account_id=f"acct-{uuid.uuid4().hex[:8]}",
            name="No Refresh",
            provider="x",
            status="connected",
        )
        session.add(account)
        await session.flush()
        grant = TokenGrant("access-only-token", None, datetime.now(UTC) + timedelta(hours=2))
        await store_grant(session, api.context.keyring, account, grant)
        return account.id


async def test_accounts_say_whether_they_renew_their_token(api: Api) -> None:
    owner = await api.client.signup("Token Health")
    # make_account stores a two-hour X token with a refresh token ("refresh-0").
    refreshing = await make_account(api.context.sessionmaker, api.context.keyring, owner.tenant_id)
    stuck = await _without_refresh_token(api, owner.tenant_id)

    listed = await api.client.get("/api/v1/accounts", headers=owner.headers)
    assert listed.status_code == 200, listed.text
    health = {a["id"]: a["can_refresh"] for a in listed.json()}
    assert health == {str(refreshing): True, str(stuck): False}
    for text in (listed.text,):
        assert "refresh-0" not in text and "token-0" not in text
        assert "access-only-token" not in text
    one = await api.client.get(f"/api/v1/accounts/{refreshing}", headers=owner.headers)
    assert one.json()["can_refresh"] is True
    assert "refresh_token" not in one.json()

    # Disconnected: the tokens are deleted, so nothing renews.
    gone = await api.client.delete(f"/api/v1/accounts/{refreshing}", headers=owner.headers)
    assert gone.status_code == 204
    again = await api.client.get(f"/api/v1/accounts/{refreshing}", headers=owner.headers)
    assert again.json()["can_refresh"] is False
    # Another tenant sees neither account.
    other = await api.client.signup("Other Health")
    foreign = await api.client.get(f"/api/v1/accounts/{stuck}", headers=other.headers)
    assert foreign.status_code == 404
