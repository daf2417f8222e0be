"""A Google Sheets API v4 emulator for the tests of the real client (and for demos offline).

It speaks the wire format the client relies on, as Google documents it:
- ``GET /v4/spreadsheets/{id}/values/{range}``: a ValueRange ``{"range", "majorDimension",
  "values"}`` where ``range`` is the request closed at the grid (``ContentPlan!A2:E1000``) and
  trailing empty cells and rows are left out (``values`` is absent when nothing is left);
- ``POST /v4/spreadsheets/{id}/values:batchUpdate`` and ``PUT …/values/{range}``: RAW or
  USER_ENTERED input, ``totalUpdated*`` counters and one UpdateValuesResponse per range;
- ``POST /token``: the service-account JWT-bearer grant (RS256 assertion checked against the
  public key registered for its issuer) and the refresh-token grant;
- errors in Google's envelope ``{"error": {"code", "message", "status"}}``: 401 UNAUTHENTICATED
  without a valid token, 403 PERMISSION_DENIED when the sheet is not shared with the caller,
  404 NOT_FOUND, 400 INVALID_ARGUMENT for a range it cannot parse, and 429 RESOURCE_EXHAUSTED
  past a per-user / per-project requests-per-minute quota or when a fault is injected (from
  Python or ``POST /_emulator/faults``).

``EmulatorServer`` runs it with uvicorn in a thread on a free port (``start()``, ``url``,
``stop()``). State is guarded by a lock because tests change it from another thread.
"""

from icop.emulators.sheets.app import build_app
from icop.emulators.sheets.server import EmulatorServer
from icop.emulators.sheets.state import Fault, RecordedRequest, SheetsEmulator

__all__ = ["EmulatorServer", "Fault", "RecordedRequest", "SheetsEmulator", "build_app"]
