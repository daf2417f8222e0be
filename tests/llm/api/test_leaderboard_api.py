"""GET /api/v1/llm/leaderboard and the routing mode on PUT /api/v1/llm/routing/{task}."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from icop.db.session import unit_of_work
from icop.llm.contests.record import record
from icop.runtime.clients import Runtime
from tests.helpers import ApiClient
from tests.llm.contests.test_contest_record import contest


async def _judge(context: Runtime, tenant_id: uuid.UUID, *contests: object) -> None:
    for judged in contests:
        async with unit_of_work(context.sessionmaker, tenant_id) as session:
            await record(session, tenant_id, uuid.uuid4(), judged)  # type: ignore[arg-type]


async def test_the_leaderboard_ranks_the_tenants_models(
    client: ApiClient, context: Runtime
) -> None:
    owner = await client.signup("Leader")
    empty = await client.get("/api/v1/llm/leaderboard", headers=owner.headers)
    assert empty.status_code == 200 and empty.json() == []
    await _judge(
        context,
        owner.tenant_id,
        contest("openai:gpt-4.1-mini", "openai:gpt-4.1-mini", "local:default"),
        contest("openai:gpt-4.1-mini", "local:default", "openai:gpt-4.1-mini"),
        contest("local:default", "local:default", "gemini:gemini-2.5-flash"),
    )
    response = await client.get(
        "/api/v1/llm/leaderboard", headers=owner.headers, params={"task": "write.draft"}
    )
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [(r["provider"], r["contests"], r["wins"], r["win_rate"]) for r in rows] == [
        ("openai", 2, 2, 1.0),
        ("local", 3, 1, 0.3333),
        ("gemini", 1, 0, 0.0),
    ]
    best = rows[0]
    assert best["task"] == "write.draft" and best["model"] == "gpt-4.1-mini"
    assert best["mean_scores"] == {
        "brand_voice": 8.0,
        "faithfulness": 9.0,
        "readability": 7.0,
        "structure": 8.0,
    }
    assert best["mean_total"] == 32.0 and best["drafts"] == 2
    judged_at = datetime.fromisoformat(best["last_judged_at"])
    assert abs(judged_at - datetime.now(UTC)) < timedelta(minutes=5)

    later = datetime.now(UTC).isoformat()
    recent = await client.get(
        "/api/v1/llm/leaderboard",
        headers=owner.headers,
        params={"since": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
    )
    assert len(recent.json()) == 3
    none_since = await client.get(
        "/api/v1/llm/leaderboard", headers=owner.headers, params={"since": later}
    )
    assert none_since.status_code == 200 and none_since.json() == []

    # Another tenant: nothing of this tenant's record.
    other = await client.signup("Other")
    theirs = await client.get("/api/v1/llm/leaderboard", headers=other.headers)
    assert theirs.status_code == 200 and theirs.json() == []
    viewer = await client.add_member(owner, "viewer")
    seen = await client.get("/api/v1/llm/leaderboard", headers=viewer.headers)
    assert seen.status_code == 200 and len(seen.json()) == 3
    assert (await client.get("/api/v1/llm/leaderboard")).status_code == 401


async def test_bad_filters_are_problems(client: ApiClient) -> None:
    owner = await client.signup("Filters")
    cases = {
        "task=nope": "task",
        "task=seo.meta": "seo.meta is not judged; judged tasks: write.draft",
        "since=yesterday": "since",
        "since=2999-01-01T00:00:00Z": "since is in the future",
    }
    for query, message in cases.items():
        response = await client.get(f"/api/v1/llm/leaderboard?{query}", headers=owner.headers)
        assert response.status_code == 422, (query, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert message in response.text, (query, response.text)


async def test_a_tenant_chooses_best_judged_for_its_writers(client: ApiClient) -> None:
    owner = await client.signup("Modes")
    pool = [
        {"provider": "local", "model": "default"},
        {"provider": "openai", "model": "gpt-4.1-mini"},
    ]
    routes = (await client.get("/api/v1/llm/routing", headers=owner.headers)).json()
    assert {r["task"]: r["mode"] for r in routes}["write.draft"] == "ordered"
    chosen = await client.put(
        "/api/v1/llm/routing/write.draft",
        headers=owner.headers,
        json={"candidates": pool, "mode": "best_judged"},
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["mode"] == "best_judged"
    routes = (await client.get("/api/v1/llm/routing", headers=owner.headers)).json()
    assert {r["task"]: r["mode"] for r in routes}["write.draft"] == "best_judged"
    other = await client.signup("Still ordered")
    routes = (await client.get("/api/v1/llm/routing", headers=other.headers)).json()
    assert {r["task"]: r["mode"] for r in routes}["write.draft"] == "ordered"

    # Only a judged contest's pool can be routed by its record.
    wrong = await client.put(
        "/api/v1/llm/routing/seo.meta",
        headers=owner.headers,
        json={"candidates": pool, "mode": "best_judged"},
    )
    assert wrong.status_code == 422
    assert "best_judged applies to a judged contest's pool (write.draft)" in wrong.text
    # Reordering without a mode keeps the policy's mode; deleting goes back to it.
    reordered = await client.put(
        "/api/v1/llm/routing/write.draft", headers=owner.headers, json={"candidates": pool}
    )
    assert reordered.json()["mode"] == "ordered"
    assert (
        await client.delete("/api/v1/llm/routing/write.draft", headers=owner.headers)
    ).status_code == 204
