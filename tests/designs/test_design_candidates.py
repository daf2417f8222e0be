"""After an ambiguous reference the editor sends the sentence again with the object the person
picked among the candidates (``targets``): the reference means that one, nothing else changes,
and a pick that is not a candidate changes nothing."""

from __future__ import annotations

from tests.designs.test_design_commands import TWO_RED_BOXES
from tests.helpers import ApiClient


async def test_a_picked_candidate_settles_an_ambiguous_reference(client: ApiClient) -> None:
    owner = await client.signup("Design Candidates")
    blank = (
        await client.post("/api/v1/designs", headers=owner.headers, json={"preset": "square"})
    ).json()
    boxes = await client.post(
        f"/api/v1/designs/{blank['id']}/actions",
        headers=owner.headers,
        json={"expected_head": 1, "actions": TWO_RED_BOXES},
    )
    assert boxes.status_code == 200, boxes.text
    url = f"/api/v1/designs/{blank['id']}/commands"
    sentence = {"text": "delete the red box", "expected_head": 2}
    ambiguous = await client.post(url, headers=owner.headers, json=sentence)
    assert ambiguous.json()["code"] == "ambiguous_reference"

    stranger = await client.post(
        url, headers=owner.headers, json={**sentence, "targets": ["not-a-candidate"]}
    )
    assert stranger.status_code == 422 and stranger.json()["code"] == "ambiguous_reference"

    picked = await client.post(url, headers=owner.headers, json={**sentence, "targets": ["box-1"]})
    assert picked.status_code == 200, picked.text
    ids = [item["id"] for item in picked.json()["design"]["document"]["objects"]]
    assert "box-1" not in ids and "box-0" in ids
    assert picked.json()["design"]["head"] == 3
