"""The Google Sheets client against the Sheets API emulator: reads, batched writes, quota
backoff, token refresh, the service-account flow, partial failures and error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from icop.config import Settings
from icop.emulators.sheets import EmulatorServer, Fault, SheetsEmulator
from icop.kit.token_bucket import TokenBucket
from icop.planning.sheets import (
    OAuthUserToken,
    RowUpdate,
    ServiceAccountKey,
    SheetAuthFailed,
    SheetLocator,
    SheetNotFound,
    SheetPermissionDenied,
    SheetRangeInvalid,
    SheetRateLimited,
    SheetUnavailable,
    open_sheet,
    read_plan,
)
from icop.planning.sheets.auth import ServiceAccountTokens
from icop.planning.sheets.google import GoogleSheet, GoogleSheetsClient, RetryPolicy

SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
PLAN = [
    ["Topic", "Status", "Sub-topics", "Articles", "Notes"],
    ["Home composting for beginners", "ready", "", "", ""],
    ["Urban balcony gardening", "", "", "", ""],
    ["Rainwater harvesting", "done", "Barrels\nFilters", "https://blog/1", ""],
    ["", "", "", "", ""],
    ["", "", "", "", ""],
]
CLIENT_ID = "icop-client.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-secret"


@pytest.fixture(scope="module")
def running() -> Iterator[EmulatorServer]:
    with EmulatorServer(SheetsEmulator()) as server:
        yield server


@pytest.fixture
def server(running: EmulatorServer) -> EmulatorServer:
    emulator = running.emulator
    emulator.reset()
    emulator.per_user_per_minute = emulator.per_project_per_minute = None
    emulator.add_spreadsheet(SHEET_ID, {"ContentPlan": PLAN, "Other": [["x"]]})
    emulator.add_oauth_client(CLIENT_ID, CLIENT_SECRET)
    return running


@pytest.fixture
def emulator(server: EmulatorServer) -> SheetsEmulator:
    return server.emulator


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def service_key(emulator: SheetsEmulator) -> ServiceAccountKey:
    info = emulator.create_service_account()
    emulator.share(SHEET_ID, info["client_email"])
    return ServiceAccountKey.from_json(info)


def _settings(server: EmulatorServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "google_sheets_base_url": server.url,
        "google_oauth_token_url": server.emulator.token_uri,
        "google_sheets_requests_per_minute": 60_000,
        "google_sheets_backoff_base_s": 0.01,
        "google_sheets_backoff_max_s": 0.05,
        "google_sheets_max_retries": 3,
    }
    values.update(overrides)
    return Settings(**values)


def _sheet(
    server: EmulatorServer,
    http: httpx.AsyncClient,
    credentials: ServiceAccountKey | OAuthUserToken,
    spreadsheet_id: str = SHEET_ID,
    **settings: Any,
) -> GoogleSheet:
    source = open_sheet(
        SheetLocator.google(spreadsheet_id),
        settings=_settings(server, **settings),
        http=http,
        credentials=credentials,
    )
    assert isinstance(source, GoogleSheet)
    return source


# --- reads ------------------------------------------------------------------------------


async def test_read_plan_with_omitted_trailing_cells(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    answer = await sheet.client.get_values("ContentPlan!A2:E")
    assert answer.range == "ContentPlan!A2:E1000"
    # Trailing empty cells and rows are not sent, as Google does.
    assert answer.values == [
        ["Home composting for beginners", "ready"],
        ["Urban balcony gardening"],
        ["Rainwater harvesting", "done", "Barrels\nFilters", "https://blog/1"],
    ]
    rows, errors = await read_plan(sheet, "ContentPlan!A2:E")
    assert [(row.row_number, row.topic) for row in rows] == [
        (2, "Home composting for beginners"),
        (3, "Urban balcony gardening"),
    ]
    assert errors == []


async def test_read_empty_range_quoted_sheet_and_default_sheet(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    server.emulator.add_spreadsheet(
        "quoted",
        {"Content Plan 2026": [["Topic"], ["Compost", "ready"]]},
        writers=[service_key.client_email],
    )
    sheet = _sheet(server, http, service_key, spreadsheet_id="quoted")
    answer = await sheet.client.get_values("'Content Plan 2026'!A2:E")
    assert (answer.range, answer.values) == ("'Content Plan 2026'!A2:E1000", [["Compost", "ready"]])
    assert (await sheet.client.get_values("A1")).range == "'Content Plan 2026'!A1"
    empty = await sheet.client.get_values("'Content Plan 2026'!A10:E")
    assert empty.values == []
    raw = [r for r in server.emulator.calls("values.get")][-1]
    assert "valueRenderOption=FORMATTED_VALUE" in raw.query


# --- writes -----------------------------------------------------------------------------


async def test_n_updates_go_out_in_one_batch(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    await sheet.write(
        [
            RowUpdate(2, status="running"),
            RowUpdate(2, sub_topics=["Bins", "Greens and browns", "=cmd|' /C calc'!A0"]),
            RowUpdate(3, status="error", notes="unknown mode 'remix'"),
            RowUpdate(4, article_urls=["https://blog/1", "https://blog/2"]),
            RowUpdate(2, status="done"),
        ]
    )
    calls = server.emulator.calls("values.batchUpdate")
    assert len(calls) == 1
    assert calls[0].body["valueInputOption"] == "RAW"
    assert {item["majorDimension"] for item in calls[0].body["data"]} == {"ROWS"}
    assert server.emulator.values(SHEET_ID, "ContentPlan")[1:4] == [
        ["Home composting for beginners", "done", "Bins\nGreens and browns\n=cmd|' /C calc'!A0"],
        ["Urban balcony gardening", "error", "", "", "unknown mode 'remix'"],
        ["Rainwater harvesting", "done", "Barrels\nFilters", "https://blog/1\nhttps://blog/2"],
    ]
    assert sheet.pending() == []


async def test_concurrent_writes_are_coalesced(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    await asyncio.gather(*(sheet.write([RowUpdate(10 + n, notes=f"n{n}")]) for n in range(20)))
    assert len(server.emulator.calls("values.batchUpdate")) <= 3
    stored = server.emulator.values(SHEET_ID, "ContentPlan")
    assert [stored[9 + n][4] for n in range(20)] == [f"n{n}" for n in range(20)]


async def test_batch_update_response_shape(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    body = await sheet.client.batch_update(
        [
            *[
                w
                for w in _writes(
                    ("ContentPlan!B2:C2", [["done", "a"]]), ("ContentPlan!E7", [["n"]])
                )
            ],
        ]
    )
    assert body == {
        "spreadsheetId": SHEET_ID,
        "totalUpdatedRows": 2,
        "totalUpdatedColumns": 3,
        "totalUpdatedCells": 3,
        "totalUpdatedSheets": 1,
        "responses": [
            {
                "spreadsheetId": SHEET_ID,
                "updatedRange": "ContentPlan!B2:C2",
                "updatedRows": 1,
                "updatedColumns": 2,
                "updatedCells": 2,
            },
            {
                "spreadsheetId": SHEET_ID,
                "updatedRange": "ContentPlan!E7",
                "updatedRows": 1,
                "updatedColumns": 1,
                "updatedCells": 1,
            },
        ],
    }


def _writes(*pairs: tuple[str, list[list[str]]]) -> list[Any]:
    from icop.planning.sheets.layout import CellWrite

    return [CellWrite(range_a1, values) for range_a1, values in pairs]


async def test_partial_failure_stays_queued_and_flushes_later(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key, google_sheets_max_retries=1)
    await sheet.write([RowUpdate(2, status="running")])
    server.emulator.inject(Fault("values.batchUpdate", 503, count=100))
    with pytest.raises(SheetUnavailable):
        await sheet.write([RowUpdate(2, status="done", article_urls=["https://blog/7"])])
    with pytest.raises(SheetUnavailable):
        await sheet.write([RowUpdate(3, status="error", notes="boom")])
    # Nothing reached the sheet, nothing was lost.
    assert [(w.range_a1, w.values) for w in sheet.pending()] == [
        ("ContentPlan!B2", [["done"]]),
        ("ContentPlan!D2", [["https://blog/7"]]),
        ("ContentPlan!B3", [["error"]]),
        ("ContentPlan!E3", [["boom"]]),
    ]
    assert server.emulator.values(SHEET_ID, "ContentPlan")[1][1] == "running"
    server.emulator.clear_faults()
    before = len(server.emulator.calls("values.batchUpdate"))
    await sheet.flush()
    assert len(server.emulator.calls("values.batchUpdate")) == before + 1
    assert sheet.pending() == []
    rows = server.emulator.values(SHEET_ID, "ContentPlan")
    assert rows[1][1] == "done" and rows[1][3] == "https://blog/7"
    assert rows[2][1] == "error" and rows[2][4] == "boom"


async def test_a_batch_is_all_or_nothing_in_the_emulator(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    with pytest.raises(SheetRangeInvalid, match="Unable to parse range: Missing!A1"):
        await sheet.client.batch_update(
            _writes(("ContentPlan!B2", [["done"]]), ("Missing!A1", [["x"]]))
        )
    assert server.emulator.values(SHEET_ID, "ContentPlan")[1][1] == "ready"


# --- quotas and backoff -----------------------------------------------------------------


async def test_429_backs_off_then_succeeds(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    server.emulator.inject(Fault("values.get", 429, count=2, retry_after=0.05))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = GoogleSheetsClient(
        SHEET_ID,
        http=http,
        tokens=ServiceAccountTokens(service_key),
        principal=service_key.client_email,
        base_url=server.url,
        bucket=TokenBucket(60_000),
        retry=RetryPolicy(max_retries=3, base_s=0.01, max_s=1.0),
        sleep=sleep,
        rand=lambda: 0.5,
    )
    answer = await client.get_values("ContentPlan!A1:B2")
    assert answer.values[0] == ["Topic", "Status"]
    assert len(server.emulator.calls("values.get")) == 3
    assert slept == [0.05, 0.05]  # Retry-After wins over the shorter backoff


async def test_backoff_grows_exponentially_without_retry_after() -> None:
    policy = RetryPolicy(base_s=1.0, max_s=10.0)
    assert [policy.delay(n, None, lambda: 0.0) for n in range(5)] == [1, 2, 4, 8, 10]
    assert policy.delay(0, None, lambda: 0.5) == 1.5  # jitter
    assert policy.delay(0, 7.0, lambda: 0.0) == 7.0


async def test_quota_per_user_runs_out(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    server.emulator.per_user_per_minute = 2
    sheet = _sheet(server, http, service_key, google_sheets_max_retries=2)
    await sheet.read("ContentPlan!A1")
    await sheet.read("ContentPlan!A1")
    with pytest.raises(SheetRateLimited, match="Read requests per minute per user") as raised:
        await sheet.read("ContentPlan!A1")
    assert raised.value.retryable
    assert len(server.emulator.calls("values.get")) == 5  # 2 + 1 + 2 retries


async def test_long_retry_after_is_left_to_the_caller(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    server.emulator.inject(Fault("values.get", 429, count=1, retry_after=120))
    sheet = _sheet(server, http, service_key)
    with pytest.raises(SheetRateLimited) as raised:
        await sheet.read("ContentPlan!A1")
    assert raised.value.retry_after_s == 120
    assert len(server.emulator.calls("values.get")) == 1


async def test_5xx_is_retried(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    server.emulator.inject(Fault("*", 500, count=2))
    sheet = _sheet(server, http, service_key)
    await sheet.write([RowUpdate(2, status="done")])
    assert server.emulator.values(SHEET_ID, "ContentPlan")[1][1] == "done"


async def test_faults_can_be_injected_over_http(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    response = await http.post(
        f"{server.url}/_emulator/faults", json={"operation": "values.get", "status": 429}
    )
    assert response.status_code == 200
    sheet = _sheet(server, http, service_key)
    await sheet.read("ContentPlan!A1")
    statuses = [call.operation for call in server.emulator.calls("values.get")]
    assert len(statuses) == 2


# --- auth -------------------------------------------------------------------------------


async def test_service_account_token_is_fetched_once_and_reused(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    sheet = _sheet(server, http, service_key)
    await sheet.read("ContentPlan!A1")
    await sheet.write([RowUpdate(2, status="running")])
    await sheet.read("ContentPlan!A1")
    assert len(server.emulator.calls("token")) == 1
    assert {call.principal for call in server.emulator.calls("values.get")} == {
        service_key.client_email
    }


async def test_service_account_with_a_foreign_key_is_refused(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = ServiceAccountKey(
        client_email=service_key.client_email,
        private_key=other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        token_uri=service_key.token_uri,
    )
    sheet = _sheet(server, http, forged)
    with pytest.raises(SheetAuthFailed, match="Invalid JWT Signature"):
        await sheet.read("ContentPlan!A1")


async def test_401_refreshes_the_user_token_once_and_retries(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    emulator = server.emulator
    emulator.share(SHEET_ID, "maria@example.com")
    refresh = emulator.add_user("maria@example.com", client_id=CLIENT_ID)
    stored: list[OAuthUserToken] = []

    async def keep(token: OAuthUserToken) -> None:
        stored.append(token)

    credentials = OAuthUserToken(
        access_token=emulator.issue_token("maria@example.com"),
        refresh_token=refresh,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_uri=emulator.token_uri,
    )
    source = open_sheet(
        SheetLocator.google(SHEET_ID),
        settings=_settings(server),
        http=http,
        credentials=credentials,
        on_refresh=keep,
    )
    await source.read("ContentPlan!A1")
    assert emulator.calls("token") == []
    emulator.expire_tokens()  # Google revoked or expired it early
    assert await source.read("ContentPlan!A1") == [["Topic"]]
    assert len(emulator.calls("token")) == 1
    assert len(stored) == 1 and stored[0].access_token != credentials.access_token
    assert [call.principal for call in emulator.calls("values.get")] == [
        "maria@example.com",
        None,
        "maria@example.com",
    ]


async def test_revoked_refresh_token_is_an_auth_failure(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    credentials = OAuthUserToken(
        access_token=None,
        refresh_token="1//revoked",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_uri=server.emulator.token_uri,
    )
    sheet = _sheet(server, http, credentials)
    with pytest.raises(SheetAuthFailed, match="invalid_grant") as raised:
        await sheet.read("ContentPlan!A1")
    assert not raised.value.retryable
    assert "1//revoked" not in str(raised.value)


async def test_user_token_without_refresh_gives_up_after_one_401(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    token = server.emulator.issue_token("maria@example.com")
    server.emulator.expire_tokens()
    sheet = _sheet(server, http, OAuthUserToken(access_token=token, refresh_token=None))
    with pytest.raises(SheetAuthFailed, match="cannot be refreshed"):
        await sheet.read("ContentPlan!A1")


# --- errors -----------------------------------------------------------------------------


async def test_not_shared_says_whom_to_share_with(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    key = ServiceAccountKey.from_json(
        server.emulator.create_service_account("lonely@p.iam.gserviceaccount.com")
    )
    sheet = _sheet(server, http, key)
    with pytest.raises(SheetPermissionDenied, match=r"share the spreadsheet with lonely@p\.iam"):
        await sheet.read("ContentPlan!A2:E")


async def test_read_only_share_cannot_write(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    key = ServiceAccountKey.from_json(
        server.emulator.create_service_account("reader@p.iam.gserviceaccount.com")
    )
    server.emulator.share(SHEET_ID, key.client_email, writer=False)
    sheet = _sheet(server, http, key)
    assert await sheet.read("ContentPlan!A1") == [["Topic"]]
    with pytest.raises(SheetPermissionDenied, match="as an editor"):
        await sheet.write([RowUpdate(2, status="done")])
    assert len(sheet.pending()) == 1


async def test_missing_spreadsheet_and_bad_range(
    server: EmulatorServer, http: httpx.AsyncClient, service_key: ServiceAccountKey
) -> None:
    with pytest.raises(SheetNotFound, match="check the spreadsheet id"):
        await _sheet(server, http, service_key, spreadsheet_id="nope").read("ContentPlan!A1")
    sheet = _sheet(server, http, service_key)
    with pytest.raises(SheetRangeInvalid, match="Unable to parse range: Plan!A2:E"):
        await sheet.read("Plan!A2:E")


async def test_missing_credentials(server: EmulatorServer, http: httpx.AsyncClient) -> None:
    with pytest.raises(SheetAuthFailed, match="no Google credential"):
        open_sheet(SheetLocator.google(SHEET_ID), settings=_settings(server), http=http)


async def test_emulator_requires_a_token_and_supports_values_update(
    server: EmulatorServer, http: httpx.AsyncClient
) -> None:
    url = f"{server.url}/v4/spreadsheets/{SHEET_ID}/values/ContentPlan%21E2"
    anonymous = await http.get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["status"] == "UNAUTHENTICATED"
    server.emulator.share(SHEET_ID, "maria@example.com")
    token = server.emulator.issue_token("maria@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    missing = await http.put(url, headers=headers, json={"values": [["x"]]})
    assert missing.status_code == 400
    assert "valueInputOption" in missing.json()["error"]["message"]
    updated = await http.put(
        url,
        params={"valueInputOption": "RAW"},
        headers=headers,
        json={"range": "ContentPlan!E2", "majorDimension": "ROWS", "values": [["note"]]},
    )
    assert updated.json() == {
        "spreadsheetId": SHEET_ID,
        "updatedRange": "ContentPlan!E2",
        "updatedRows": 1,
        "updatedColumns": 1,
        "updatedCells": 1,
    }
    too_wide = await http.put(
        url, params={"valueInputOption": "RAW"}, headers=headers, json={"values": [["a", "b"]]}
    )
    assert too_wide.status_code == 400
    assert "tried writing to column [F]" in too_wide.json()["error"]["message"]
