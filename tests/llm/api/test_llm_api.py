"""The model endpoints: chat through the router, the ledger, routing overrides, estimates."""

from __future__ import annotations

from decimal import Decimal

from icop.llm.providers.base import ProviderServerError
from icop.llm.providers.fake import FakeProvider, FakeReply
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient


async def test_chat_is_routed_and_recorded_in_the_ledger(client: ApiClient) -> None:
    owner = await client.signup()
    answer = await client.post(
        "/api/v1/llm/chat", headers=owner.headers, json={"prompt": "What is compost?"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["provider"] == "local" and body["text"]
    skipped = [a for a in body["attempts"] if a["outcome"] == "skipped"]
    assert skipped == []  # local is first in the shipped policy
    calls = (await client.get("/api/v1/llm/calls", headers=owner.headers)).json()
    assert len(calls) == 1
    assert calls[0]["task"] == "chat" and calls[0]["status"] == "ok"
    assert calls[0]["reference"] == "api:chat"
    usage = (await client.get("/api/v1/llm/usage", headers=owner.headers)).json()
    assert usage["rows"][0]["calls"] == 1
    assert Decimal(usage["month_spent_usd"]) == 0


async def test_viewers_cannot_spend_model_calls(client: ApiClient) -> None:
    owner = await client.signup()
    viewer = await client.add_member(owner, "viewer")
    response = await client.post("/api/v1/llm/chat", headers=viewer.headers, json={"prompt": "hi"})
    assert response.status_code == 403


async def test_paid_calls_count_against_the_monthly_budget(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup()
    context.llm.providers["openai"] = FakeProvider("openai")
    context.llm.breakers["openai"] = context.llm.breakers["local"].__class__()
    override = await client.put(
        "/api/v1/llm/routing/chat",
        headers=owner.headers,
        json={
            "candidates": [
                {"provider": "openai", "model": "gpt-4.1"},
                {"provider": "local", "model": "default"},
            ]
        },
    )
    assert override.status_code == 200
    answer = (
        await client.post("/api/v1/llm/chat", headers=owner.headers, json={"prompt": "x" * 2000})
    ).json()
    assert answer["provider"] == "openai" and Decimal(answer["cost_usd"]) > 0
    usage = (await client.get("/api/v1/usage", headers=owner.headers)).json()
    spent = {m["metric"]: Decimal(m["used"]) for m in usage["metrics"]}
    assert spent["llm_usd"] == Decimal(answer["cost_usd"])


async def test_failed_calls_are_recorded_and_reported(client: ApiClient, context: Runtime) -> None:
    owner = await client.signup()
    context.llm.providers["local"] = FakeProvider(
        "local",
        script=lambda request: FakeReply(error=ProviderServerError("local", "model crashed")),
    )
    response = await client.post("/api/v1/llm/chat", headers=owner.headers, json={"prompt": "hi"})
    assert response.status_code == 503
    problem = response.json()
    assert problem["code"] == "llm_unavailable"
    assert {a["provider"] for a in problem["attempts"]} >= {"local", "openai"}
    calls = (await client.get("/api/v1/llm/calls", headers=owner.headers)).json()
    assert calls[0]["status"] == "failed" and "model crashed" in calls[0]["error"]


async def test_a_route_lists_each_candidates_tuning_and_an_override_keeps_it(
    client: ApiClient,
) -> None:
    """What the dashboard's routing editor sends back is what it was shown: a writer's
    temperature survives a reorder."""
    owner = await client.signup()
    listed = await client.get("/api/v1/llm/routing", headers=owner.headers)
    routes = {r["task"]: r for r in listed.json()}
    shown = routes["write.draft.a"]["candidates"]
    assert [c["temperature"] for c in shown] == [0.7, 0.7]
    assert routes["research.summarize"]["candidates"][0]["temperature"] is None
    tuning = ("temperature", "max_tokens", "timeout_s", "max_attempts")
    reordered = [
        {"provider": c["provider"], "model": c["model"]}
        | {k: c[k] for k in tuning if c[k] is not None}
        for c in reversed(shown)
    ]
    saved = await client.put(
        "/api/v1/llm/routing/write.draft.a", headers=owner.headers, json={"candidates": reordered}
    )
    assert saved.status_code == 200, saved.text
    relisted = await client.get("/api/v1/llm/routing", headers=owner.headers)
    again = {r["task"]: r for r in relisted.json()}
    kept = again["write.draft.a"]["candidates"]
    assert [(c["provider"], c["temperature"]) for c in kept] == [("local", 0.7), ("openai", 0.7)]


async def test_routing_overrides_are_per_tenant(client: ApiClient) -> None:
    first = await client.signup("First")
    second = await client.signup("Second")
    bad = await client.put(
        "/api/v1/llm/routing/seo.meta",
        headers=first.headers,
        json={"candidates": [{"provider": "nope", "model": "x"}]},
    )
    assert bad.status_code == 422
    ok = await client.put(
        "/api/v1/llm/routing/seo.meta",
        headers=first.headers,
        json={"candidates": [{"provider": "gemini", "model": "gemini-2.5-pro"}]},
    )
    assert ok.status_code == 200
    routes_first = {
        r["task"]: r
        for r in (await client.get("/api/v1/llm/routing", headers=first.headers)).json()
    }
    routes_second = {
        r["task"]: r
        for r in (await client.get("/api/v1/llm/routing", headers=second.headers)).json()
    }
    assert routes_first["seo.meta"]["overridden"] is True
    assert routes_first["seo.meta"]["candidates"][0]["configured"] is False
    assert routes_second["seo.meta"]["overridden"] is False
    assert (
        await client.delete("/api/v1/llm/routing/seo.meta", headers=first.headers)
    ).status_code == 204
    assert (
        await client.delete("/api/v1/llm/routing/seo.meta", headers=first.headers)
    ).status_code == 404


async def test_estimates(client: ApiClient) -> None:
    owner = await client.signup()
    task = (
        await client.post(
            "/api/v1/llm/estimate",
            headers=owner.headers,
            json={"task": "write.draft", "input_tokens": 2000, "output_tokens": 1500, "calls": 3},
        )
    ).json()
    by_key = {f"{c['provider']}:{c['model']}": c for c in task["candidates"]}
    assert Decimal(by_key["local:default"]["cost_usd"]) == 0
    # gpt-4.1-mini: (2000 * 0.40 + 1500 * 1.60) / 1e6 * 3
    assert Decimal(by_key["openai:gpt-4.1-mini"]["cost_usd"]) == Decimal("0.0096")
    article = (
        await client.post(
            "/api/v1/llm/estimate/article",
            headers=owner.headers,
            json={"words": 1000, "writers": 3, "mode": "compare", "articles": 30},
        )
    ).json()
    assert Decimal(article["total_usd"]) == 0  # all on the local model
    assert (
        Decimal(article["alternatives"]["anthropic:claude-sonnet-4-5"])
        > Decimal(article["alternatives"]["openai:gpt-4.1-mini"])
        > 0
    )
    assert article["fits_budget"] is True
    assert [s["task"] for s in article["steps"]][:3] == [
        "research.summarize",
        "write.draft",
        "edit.judge",
    ]


async def test_a_tenants_own_key_from_the_vault_is_used_for_that_tenant_only(
    client: ApiClient, context: Runtime
) -> None:
    from icop.llm.registry import build_router
    from tests.helpers import fake_providers

    built_with: list[str] = []

    def openai_with(key: str) -> FakeProvider:
        built_with.append(key)
        return FakeProvider("openai")

    context.llm = build_router(
        context.settings,
        context.sessionmaker,
        fake_providers(),
        context.keyring,
        {"openai": openai_with},
    )
    byok = await client.signup("Own Key")
    other = await client.signup("Platform Keys")
    for account in (byok, other):
        await client.put(
            "/api/v1/llm/routing/chat",
            headers=account.headers,
            json={
                "candidates": [
                    {"provider": "openai", "model": "gpt-4.1-mini"},
                    {"provider": "local", "model": "default"},
                ]
            },
        )
    stored = await client.post(
        "/api/v1/credentials",
        headers=byok.headers,
        json={"platform": "openai", "label": "our OpenAI account", "access_token": "sk-tenant-123"},
    )
    assert stored.status_code == 201
    mine = (
        await client.post("/api/v1/llm/chat", headers=byok.headers, json={"prompt": "hi"})
    ).json()
    theirs = (
        await client.post("/api/v1/llm/chat", headers=other.headers, json={"prompt": "hi"})
    ).json()
    assert mine["provider"] == "openai"
    assert theirs["provider"] == "local"  # no key of its own, and the platform has none
    assert theirs["attempts"][0]["reason"] == "not configured"
    assert built_with == ["sk-tenant-123"]
    await context.llm.aclose()
