"""Helpers shared by API tests."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from uuid import UUID, uuid4

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from icop.llm.providers.base import LLMProvider
from icop.llm.providers.fake import FakeProvider
from icop.mail.sink import MailSink, plain_text

_counter = itertools.count()
PASSWORD = "correct horse battery"


@dataclass
class Account:
    tenant_id: UUID
    user_id: UUID
    email: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class ApiClient:
    """An httpx client plus shortcuts for the flows most tests need."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    def __getattr__(self, name: str) -> Any:
        return getattr(self.http, name)

    async def signup(self, company: str = "Acme", email: str | None = None) -> Account:
        email = email or f"owner{next(_counter)}@{company.lower().replace(' ', '')}.example.com"
        response = await self.http.post(
            "/api/v1/auth/signup",
            json={"email": email, "password": PASSWORD, "company_name": company},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Account(
            UUID(body["tenant_id"]),
            UUID(body["user_id"]),
            email,
            body["access_token"],
            body["refresh_token"],
        )

    async def add_member(self, owner: Account, role: str) -> Account:
        """Invite and accept, returning the new member's account."""
        email = f"{role}{next(_counter)}@member.example.com"
        invited = await self.http.post(
            "/api/v1/invitations", headers=owner.headers, json={"email": email, "role": role}
        )
        assert invited.status_code == 201, invited.text
        accepted = await self.http.post(
            "/api/v1/invitations/accept",
            json={"token": invited.json()["token"], "password": PASSWORD},
        )
        assert accepted.status_code == 201, accepted.text
        body = accepted.json()
        return Account(
            UUID(body["tenant_id"]),
            UUID(body["user_id"]),
            email,
            body["access_token"],
            body["refresh_token"],
        )


def fake_providers() -> dict[str, LLMProvider]:
    """The policy's provider names, served by deterministic fakes: only ``local`` is
    configured, as on a machine without cloud keys."""
    return {
        "local": FakeProvider("local"),
        **{
            name: FakeProvider(name, is_configured=False)
            for name in ("openai", "anthropic", "gemini", "ollama")
        },
    }


async def committed_tenant(
    sessionmaker: async_sessionmaker[AsyncSession], company: str = "Committed"
) -> UUID:
    """A tenant signed up in a transaction of its own, on a real pool: for tests whose workers
    (other tasks or processes) must see it. It stays in the session's throwaway database."""
    from icop.auth import service as auth
    from icop.auth.service import ClientInfo
    from icop.auth.tokens import TokenService
    from icop.config import Settings
    from icop.db.session import unit_of_work

    async with unit_of_work(sessionmaker, None) as session:
        pair = await auth.signup(
            session,
            TokenService.from_settings(Settings()),
            email=f"committed{next(_counter)}-{uuid4().hex[:8]}@example.com",
            password=PASSWORD,
            company_name=company,
            display_name=None,
            client=ClientInfo(user_agent="pytest"),
        )
    return pair.tenant_id


def inbox(runtime: Any, to: str) -> list[EmailMessage]:
    """The e-mails the test's runtime sent to ``to``, newest first (the conftest gives each
    test a mail sink of its own)."""
    sink: MailSink = runtime.mailer
    return [sink.read(stored.id) for stored in sink.messages(to=to)]


def link_token(message: EmailMessage) -> str:
    """The token in an account e-mail's link (after the ``#``, so no server logs it)."""
    found = re.search(r"#([0-9a-f]{32}\.[A-Za-z0-9_-]+)", plain_text(message))
    assert found is not None, plain_text(message)
    return found.group(1)


async def notifications_of(
    sessionmaker: async_sessionmaker[AsyncSession], tenant_id: UUID
) -> list[tuple[str, UUID]]:
    """The tenant's notifications as (kind, target id), newest first."""
    from icop.db.session import unit_of_work
    from icop.notifications.repository import NotificationRepository

    async with unit_of_work(sessionmaker, tenant_id) as session:
        rows = await NotificationRepository(session).page(
            uuid4(), unread_only=False, limit=100, offset=0
        )
    return [(notification.kind, notification.target_id) for notification, _ in rows]
