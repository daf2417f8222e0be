"""The tenant's time zone through the API: UTC by default, read by every member, set by owners
and admins only, checked against the zone database (a clear 422), audit-logged, tenant-bound;
and a zone change that cannot move the schedules changes nothing."""

from __future__ import annotations

import pytest

from icop.db.session import unit_of_work
from icop.models import ContentPipeline
from icop.planning.repository import PipelineRepository
from icop.runtime.clients import Runtime
from icop.tenants.zones import check_time_zone, known_zones
from tests.helpers import ApiClient

TENANT = "/api/v1/tenant"


async def test_members_read_it_admins_set_it_and_it_is_audited(client: ApiClient) -> None:
    owner = await client.signup("Zone Co")
    viewer = await client.add_member(owner, "viewer")
    admin = await client.add_member(owner, "admin")
    other = await client.signup("Other Co")

    shown = await client.get(TENANT, headers=viewer.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["time_zone"] == "UTC"

    refused = await client.patch(TENANT, headers=viewer.headers, json={"time_zone": "Asia/Seoul"})
    assert refused.status_code == 403, refused.text

    changed = await client.patch(TENANT, headers=admin.headers, json={"time_zone": "Asia/Seoul"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["time_zone"] == "Asia/Seoul"
    # Only the fields sent change.
    assert changed.json()["company_name"] == "Zone Co"
    me = (await client.get("/api/v1/me", headers=viewer.headers)).json()
    assert me["tenant"]["time_zone"] == "Asia/Seoul"
    # Another tenant keeps its own.
    assert (await client.get(TENANT, headers=other.headers)).json()["time_zone"] == "UTC"

    renamed = await client.patch(TENANT, headers=owner.headers, json={"company_name": "Zone Ltd"})
    assert (renamed.json()["company_name"], renamed.json()["time_zone"]) == (
        "Zone Ltd",
        "Asia/Seoul",
    )

    audit = (await client.get("/api/v1/audit-log", headers=owner.headers)).json()
    updates = [event for event in audit if event["action"] == "tenant.updated"]
    assert {"from": "UTC", "to": "Asia/Seoul"} in [
        event["details"].get("time_zone") for event in updates
    ]
    zone_change = next(e for e in updates if "time_zone" in e["details"])
    assert zone_change["details"]["schedules_moved"] == 0


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "localtime", "../../etc/passwd", "KST"])
async def test_an_unknown_zone_is_a_clear_422(client: ApiClient, bad: str) -> None:
    owner = await client.signup("Typo Co")
    response = await client.patch(TENANT, headers=owner.headers, json={"time_zone": bad})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "IANA name such as 'Asia/Seoul'" in response.json()["detail"]
    assert (await client.get(TENANT, headers=owner.headers)).json()["time_zone"] == "UTC"


def test_the_zone_list_is_the_iana_one() -> None:
    zones = known_zones()
    assert {"UTC", "Asia/Seoul", "America/New_York", "Europe/Berlin"} <= zones
    assert check_time_zone(" Asia/Seoul ") == "Asia/Seoul"
    assert "localtime" not in zones and "Factory" not in zones


async def test_a_zone_change_the_schedules_cannot_follow_changes_nothing(
    client: ApiClient, context: Runtime
) -> None:
    # No workflow engine in this context: a tenant with a scheduled pipeline cannot move its
    # schedules, so the zone must not change either (the engine would keep the old clock).
    owner = await client.signup("Cron Co")
    async with unit_of_work(context.sessionmaker, owner.tenant_id) as session:
        await PipelineRepository(session).add(
            ContentPipeline(
                tenant_id=owner.tenant_id,
                name="weekday mornings",
                source_type="import",
                schedule_cron="0 9 * * 1-5",
                created_by=owner.user_id,
            )
        )
    response = await client.patch(TENANT, headers=owner.headers, json={"time_zone": "Asia/Seoul"})
    assert response.status_code == 503, response.text
    assert "workflow engine" in response.text
    assert (await client.get(TENANT, headers=owner.headers)).json()["time_zone"] == "UTC"
