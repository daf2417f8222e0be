"""The dashboard's API types are generated from this API's OpenAPI document; this fails when
an endpoint or schema changed and `npm run api:types` was not run in web/."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.web.conftest import ROOT, WEB, require_node


def test_generated_api_types_match_the_api() -> None:
    node = require_node()
    assert (WEB / "node_modules/openapi-typescript").is_dir(), (
        "web/node_modules is missing: `make web` installs it"
    )
    result = subprocess.run(
        [node, "scripts/api-types.mjs", "--check"],
        cwd=WEB,
        env={**os.environ, "ICOP_PYTHON": sys.executable, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
