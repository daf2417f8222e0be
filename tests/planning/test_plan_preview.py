"""POST /pipelines/preview: an uploaded plan parsed as the import reads it, saving nothing."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook

from tests.helpers import ApiClient

ROOT = Path(__file__).resolve().parents[2]
URL = "/api/v1/pipelines/preview"


def _upload(name: str, data: bytes, kind: str = "text/csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, kind)}


async def test_the_example_plan_previews_with_its_columns(client: ApiClient) -> None:
    owner = await client.signup("Preview")
    data = (ROOT / "examples" / "plan.csv").read_bytes()
    response = await client.post(URL, headers=owner.headers, files=_upload("plan.csv", data))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["file_name"] == "plan.csv"
    assert body["header"][:2] == ["Topic", "Status"]
    # Mode, Language and Sub-topic count are columns F-H: the range reaches them.
    assert body["sheet_range"] == "ContentPlan!A2:H"
    assert body["column_mapping"]["mode"] == "F"
    assert body["column_mapping"]["sub_topic_count"] == "H"
    assert (body["ready"], body["errors"]) == (3, 0)
    first = body["rows"][0]
    assert first["row_number"] == 2 and first["state"] == "ready"
    assert first["topic"] == "Home composting for beginners"
    assert (first["mode"], first["sub_topic_count"]) == ("compare", 1)
    assert body["rows"][1]["mode"] == "merge"
    # Nothing was saved.
    listed = await client.get("/api/v1/pipelines", headers=owner.headers)
    assert listed.json() == []


async def test_each_bad_row_says_why_and_skipped_rows_are_told_apart(client: ApiClient) -> None:
    owner = await client.signup("Preview")
    plan = (
        "Topic,Status,Sub-topics,Articles,Notes,Mode\n"
        "worm bins,ready,,,,compare\n"
        '"=HYPERLINK(""http://x"")",ready,,,,\n'
        "leaf mould,ready,,,,fast\n"
        "old topic,done,,,,\n"
    )
    response = await client.post(
        URL, headers=owner.headers, files=_upload("plan.csv", plan.encode())
    )
    assert response.status_code == 200, response.text
    rows = {row["row_number"]: row for row in response.json()["rows"]}
    assert rows[2]["state"] == "ready"
    assert rows[3]["state"] == "error" and "formula" in rows[3]["error"]
    assert rows[4]["state"] == "error" and "unknown mode 'fast'" in rows[4]["error"]
    assert rows[5]["state"] == "skipped" and rows[5]["error"] is None
    assert (response.json()["ready"], response.json()["errors"]) == (1, 2)


async def test_an_xlsx_plan_previews_like_a_csv(client: ApiClient) -> None:
    owner = await client.signup("Preview")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Topic", "Status", "Sub-topics", "Articles", "Notes", "Language"])
    sheet.append(["퇴비 만들기", "ready", None, None, None, "ko"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = await client.post(
        URL,
        headers=owner.headers,
        files=_upload(
            "plan.xlsx",
            buffer.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    )
    assert response.status_code == 200, response.text
    row = response.json()["rows"][0]
    assert (row["state"], row["topic"], row["language"]) == ("ready", "퇴비 만들기", "ko")


async def test_unreadable_files_get_a_clear_problem(client: ApiClient) -> None:
    owner = await client.signup("Preview")
    cases = [
        ("my plan.xlsx", b"this is not a workbook", "my plan.xlsx is not a readable XLSX"),
        ("plan.csv", "Topic,Status\n".encode("utf-16"), "not UTF-8"),
        ("plan.txt", b"Topic,Status\n", ".csv or .xlsx"),
        ("plan.csv", b"", "empty"),
        ("plan.csv", b"Name,Sub-topics,Articles,Notes,Comment\nx,,,,\n", "the header has no"),
    ]
    for name, data, reason in cases:
        response = await client.post(URL, headers=owner.headers, files=_upload(name, data))
        assert response.status_code == 422, (name, response.text)
        problem = response.json()
        assert problem["code"] == "plan_file_unreadable", problem
        assert reason in problem["detail"], (name, problem["detail"])


async def test_a_viewer_may_not_preview(client: ApiClient) -> None:
    owner = await client.signup("Preview")
    viewer = await client.add_member(owner, "viewer")
    response = await client.post(
        URL, headers=viewer.headers, files=_upload("plan.csv", b"Topic,Status\nx,ready\n")
    )
    assert response.status_code == 403
