"""The pipelines API: CRUD, clear errors, bulk import, runs with per-row progress."""

from __future__ import annotations

import uuid
from pathlib import Path

from icop.db.session import unit_of_work
from icop.models import PipelineRun
from icop.planning.repository import RunRepository
from tests.helpers import Account, ApiClient

PLAN = "Topic,Status,Sub-topics,Articles,Notes\nhome composting,ready,,,\n"


async def _file_pipeline(client: ApiClient, owner: Account, tmp_path: Path) -> dict[str, object]:
    plan = tmp_path / "plan.csv"
    plan.write_text(PLAN, encoding="utf-8")
    response = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={
            "name": "Garden plan",
            "source_type": "file",
            "file_path": str(plan),
            "defaults": {"mode": "merge", "sub_topic_count": 2},
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_create_read_update_delete(client: ApiClient, tmp_path: Path) -> None:
    owner = await client.signup("Pipelines")
    created = await _file_pipeline(client, owner, tmp_path)
    assert created["source_type"] == "file" and created["sheet_range"] == "ContentPlan!A2:E"
    assert created["defaults"]["mode"] == "merge"  # type: ignore[index]

    listed = await client.get("/api/v1/pipelines", headers=owner.headers)
    assert [p["id"] for p in listed.json()] == [created["id"]]

    patched = await client.patch(
        f"/api/v1/pipelines/{created['id']}",
        headers=owner.headers,
        json={"name": "Garden plan 2", "max_concurrent_articles": 3},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Garden plan 2"

    deleted = await client.delete(f"/api/v1/pipelines/{created['id']}", headers=owner.headers)
    assert deleted.status_code == 204
    missing = await client.get(f"/api/v1/pipelines/{created['id']}", headers=owner.headers)
    assert missing.status_code == 404


async def test_bad_pipelines_get_specific_problems(client: ApiClient, tmp_path: Path) -> None:
    owner = await client.signup("Pipelines")
    cases = [
        (
            {"name": "x", "source_type": "file", "file_path": str(tmp_path / "nope.csv")},
            "no such file",
        ),
        ({"name": "x", "source_type": "file", "file_path": str(tmp_path)}, ".csv or .xlsx"),
        ({"name": "x", "source_type": "google_sheet"}, "google_sheet_id is required"),
        ({"name": "x", "source_type": "import", "schedule_cron": "every day"}, "not a cron"),
        ({"name": "x", "source_type": "import", "sheet_range": "Plan!A2:E!!"}, "sheet_range"),
    ]
    for body, fragment in cases:
        response = await client.post("/api/v1/pipelines", headers=owner.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert fragment.lower() in response.text.lower(), (fragment, response.text)

    await _file_pipeline(client, owner, tmp_path)
    again = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "Garden plan", "source_type": "import"},
    )
    assert again.status_code == 409


async def test_bulk_import_json_and_csv(client: ApiClient, tmp_path: Path) -> None:
    owner = await client.signup("Importer")
    created = await client.post(
        "/api/v1/pipelines",
        headers=owner.headers,
        json={"name": "Imported", "source_type": "import"},
    )
    pipeline_id = created.json()["id"]
    url = f"/api/v1/pipelines/{pipeline_id}/plan"

    json_rows = await client.post(
        url,
        headers=owner.headers,
        json={"rows": [{"topic": "rain barrels"}, {"topic": '=HYPERLINK("x")'}]},
    )
    assert json_rows.status_code == 200, json_rows.text
    assert json_rows.json()["rows"] == 2
    assert [e["row_number"] for e in json_rows.json()["errors"]] == [3]

    csv_body = "Topic,Status\nworm bins,ready\nleaf mould,\n"
    appended = await client.post(
        url + "?append=true",
        headers={**owner.headers, "content-type": "text/csv"},
        content=csv_body.encode(),
    )
    assert appended.status_code == 200, appended.text
    assert appended.json() == {"rows": 2, "errors": []}

    file_pipeline = await _file_pipeline(client, owner, tmp_path)
    refused = await client.post(
        f"/api/v1/pipelines/{file_pipeline['id']}/plan",
        headers=owner.headers,
        json={"rows": [{"topic": "x y z"}]},
    )
    assert refused.status_code == 409
    assert "local file" in refused.json()["detail"] or "file" in refused.json()["detail"]


async def test_run_status_has_per_row_progress(client: ApiClient, tmp_path: Path) -> None:
    owner = await client.signup("Runs")
    pipeline = await _file_pipeline(client, owner, tmp_path)
    pipeline_id = uuid.UUID(str(pipeline["id"]))
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    run_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        runs = RunRepository(session)
        await runs.add(
            PipelineRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                pipeline_id=pipeline_id,
                trigger="manual",
                status="running",
                workflow_id=f"pipeline-run-{pipeline_id}-{run_id}",
            )
        )
        await runs.upsert_row(
            owner.tenant_id, run_id, 2, topic="home composting", status="writing", step="writing"
        )
        await runs.upsert_row(owner.tenant_id, run_id, 3, status="error", error="empty topic")
    response = await client.get(
        f"/api/v1/pipelines/{pipeline_id}/runs/{run_id}", headers=owner.headers
    )
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    assert [(r["row_number"], r["status"]) for r in rows] == [(2, "writing"), (3, "error")]
    assert rows[1]["error"] == "empty topic"
    listed = await client.get(f"/api/v1/pipelines/{pipeline_id}/runs", headers=owner.headers)
    assert [r["id"] for r in listed.json()] == [str(run_id)]
    # A run is only found under its own pipeline.
    other = await client.post(
        "/api/v1/pipelines", headers=owner.headers, json={"name": "Other", "source_type": "import"}
    )
    wrong = await client.get(
        f"/api/v1/pipelines/{other.json()['id']}/runs/{run_id}", headers=owner.headers
    )
    assert wrong.status_code == 404


async def test_a_run_counts_its_rows_as_they_finish(client: ApiClient, tmp_path: Path) -> None:
    """A partial row counts as done (some of its articles are ready); an error as failed;
    a row still writing as neither."""
    owner = await client.signup("Counts")
    pipeline = await _file_pipeline(client, owner, tmp_path)
    pipeline_id = uuid.UUID(str(pipeline["id"]))
    context = client.http._transport.app.state.runtime  # type: ignore[attr-defined]
    run_id = uuid.uuid4()
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        runs = RunRepository(session)
        await runs.add(
            PipelineRun(
                id=run_id,
                tenant_id=owner.tenant_id,
                pipeline_id=pipeline_id,
                trigger="manual",
                status="running",
                workflow_id=f"pipeline-run-{pipeline_id}-{run_id}",
            )
        )
        for number, status in ((2, "done"), (3, "partial"), (4, "error"), (5, "writing")):
            await runs.upsert_row(owner.tenant_id, run_id, number, status=status)
        assert await runs.tally(run_id) == (2, 1)


async def test_starting_a_run_without_temporal_is_a_clear_503(
    client: ApiClient, tmp_path: Path
) -> None:
    owner = await client.signup("No engine")
    pipeline = await _file_pipeline(client, owner, tmp_path)
    response = await client.post(f"/api/v1/pipelines/{pipeline['id']}/runs", headers=owner.headers)
    assert response.status_code == 503
    assert "Temporal" in response.json()["detail"]
