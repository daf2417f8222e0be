"""The trends API without a workflow engine: configuration (validation, roles, the emulator's
default sources), suggestions promoted to a plan in one action (and what refuses it), and a
run that needs Temporal answering 503."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from icop.db.session import unit_of_work
from icop.models import Trend, TrendRun, TrendSuggestion
from tests.helpers import Account, ApiClient


async def _suggestion(client: ApiClient, owner: Account, topic: str) -> str:
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    run_id, trend_id, suggestion_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        session.add(
            TrendRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                trigger="schedule",
                status="succeeded",
                workflow_id=f"trend-run-{run_id}",
            )
        )
        await session.flush()
        session.add(
            Trend(
                id=trend_id,
                tenant_id=owner.tenant_id,
                run_id=run_id,
                label="worm, bins, compost",
                keywords=["worm", "bins"],
                size=4,
                score=2.5,
                centroid=[1.0] + [0.0] * 383,
                first_seen_at=datetime.now(UTC),
            )
        )
        await session.flush()
        session.add(
            TrendSuggestion(
                id=suggestion_id,
                tenant_id=owner.tenant_id,
                trend_id=trend_id,
                topic=topic,
                matched_topic="home composting",
                similarity=0.62,
                score=1.55,
            )
        )
    return str(suggestion_id)


async def test_config_defaults_validation_and_roles(client: ApiClient) -> None:
    owner = await client.signup("Trend Co")
    got = await client.get("/api/v1/trends/config", headers=owner.headers)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["schedule_cron"] == "0 2 * * *" and body["time_zone"] == "UTC"
    assert body["emulated"] and body["sources"]["feeds"] and body["sources"]["instagram"]

    updated = await client.put(
        "/api/v1/trends/config",
        headers=owner.headers,
        json={
            "sources": {
                "feeds": ["https://news.example/feed.xml"],
                "pinterest": {"region": "GB", "trend_type": "seasonal"},
            },
            "topics": ["home composting", "home composting ", "rain barrels"],
            "languages": ["en", "de"],
            "schedule_cron": "30 3 * * *",
        },
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["topics"] == ["home composting", "rain barrels"]
    assert body["languages"] == ["de", "en"] and body["schedule_cron"] == "30 3 * * *"
    assert body["sources"]["pinterest"]["region"] == "GB" and not body["emulated"]

    for bad in (
        {"schedule_cron": "every night"},
        {"sources": {"feeds": ["file:///etc/passwd"]}},
        {"sources": {"instagram": {"user_id": "1", "hashtags": [f"t{n}" for n in range(31)]}}},
        {"sources": {"pinterest": {"region": "usa"}}},
    ):
        refused = await client.put("/api/v1/trends/config", headers=owner.headers, json=bad)
        assert refused.status_code == 422, (bad, refused.text)

    editor = await client.add_member(owner, "editor")
    forbidden = await client.put(
        "/api/v1/trends/config", headers=editor.headers, json={"topics": ["x y"]}
    )
    assert forbidden.status_code == 403


async def test_promote_appends_the_row_once_and_only_to_imported_plans(
    client: ApiClient, tmp_path: object
) -> None:
    owner = await client.signup("Promoter")
    suggestion = await _suggestion(client, owner, "Worm bins turn scraps into soil in months")
    listed = await client.get("/api/v1/trends/suggestions?status=open", headers=owner.headers)
    assert [s["id"] for s in listed.json()] == [suggestion]
    assert listed.json()[0]["trend_label"] == "worm, bins, compost"

    plan = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "Imported", "source_type": "import"},
    )
    imported = await client.post(
        f"/api/v1/pipelines/{plan.json()['id']}/plan",
        headers=owner.headers,
        json={"rows": [{"topic": "rain barrels"}]},
    )
    assert imported.status_code in (200, 201), imported.text

    promoted = await client.post(
        f"/api/v1/trends/suggestions/{suggestion}/promote",
        headers=owner.headers,
        json={"pipeline_id": plan.json()["id"], "topic": "Worm bins for small flats"},
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["status"] == "promoted" and promoted.json()["row_number"] == 3
    assert promoted.json()["topic"] == "Worm bins for small flats"

    again = await client.post(
        f"/api/v1/trends/suggestions/{suggestion}/promote",
        headers=owner.headers,
        json={"pipeline_id": plan.json()["id"]},
    )
    assert again.status_code == 409
    assert (
        await client.get("/api/v1/trends/suggestions?status=open", headers=owner.headers)
    ).json() == []

    other = await _suggestion(client, owner, "Bokashi buckets on balconies")
    csv_plan = tmp_path / "plan.csv"  # type: ignore[operator]
    csv_plan.write_text("Topic,Status\nhome composting,ready\n")
    file_pipeline = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "File", "source_type": "file", "file_path": str(csv_plan)},
    )
    refused = await client.post(
        f"/api/v1/trends/suggestions/{other}/promote",
        headers=owner.headers,
        json={"pipeline_id": file_pipeline.json()["id"]},
    )
    assert refused.status_code == 409 and "bulk import" in refused.text
    dismissed = await client.post(
        f"/api/v1/trends/suggestions/{other}/dismiss", headers=owner.headers
    )
    assert dismissed.status_code == 204


async def test_run_needs_the_workflow_engine_and_trends_start_empty(client: ApiClient) -> None:
    owner = await client.signup("Empty")
    empty = await client.get("/api/v1/trends", headers=owner.headers)
    assert empty.status_code == 200 and empty.json() == {"run": None, "trends": []}
    started = await client.post("/api/v1/trends/run", headers=owner.headers)
    assert started.status_code == 503
    assert (await client.get("/api/v1/trends/runs", headers=owner.headers)).json() == []
