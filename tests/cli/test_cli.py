"""The ``icop`` command against the real embedded database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from icop.cli.main import app
from icop.db import migrate
from icop.db.engine import DatabaseUrls

runner = CliRunner()


def _invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_tenant_and_user_creation(database_urls: DatabaseUrls) -> None:
    email = f"cli{uuid.uuid4().hex[:6]}@example.com"
    code, output = _invoke(
        "tenant",
        "create",
        "CLI Co",
        "--owner-email",
        email,
        "--plan",
        "pro",
        input="a long password\na long password\n",
    )
    assert code == 0, output
    match = re.search(r"tenant_id: ([0-9a-f-]{36})", output)
    assert match, output
    tenant_id = match.group(1)
    code, output = _invoke(
        "user",
        "create",
        "--tenant",
        tenant_id,
        "--email",
        f"ed{email}",
        "--role",
        "admin",
        input="another password\nanother password\n",
    )
    assert code == 0, output
    assert "created admin" in output
    code, output = _invoke(
        "user",
        "create",
        "--tenant",
        tenant_id,
        "--email",
        f"ed{email}",
        input="another password\nanother password\n",
    )
    assert code == 1 and "already a member" in output
    code, output = _invoke("tenant", "set-plan", tenant_id, "agency")
    assert code == 0 and "agency" in output


def test_bad_input_is_one_line_without_traceback(database_urls: DatabaseUrls) -> None:
    code, output = _invoke(
        "tenant",
        "create",
        "X",
        "--owner-email",
        "not-an-email",
        input="a long password\na long password\n",
    )
    assert code == 1
    assert "error:" in output and "Traceback" not in output
    code, output = _invoke(
        "user",
        "create",
        "--tenant",
        str(uuid.uuid4()),
        "--email",
        "a@example.com",
        input="a long password\na long password\n",
    )
    assert code == 1 and "no tenant" in output


def test_migrate_is_idempotent(database_urls: DatabaseUrls) -> None:
    for _ in range(2):
        code, output = _invoke("db", "migrate")
        assert code == 0, output
        assert f"revision {migrate.head_revision()}" in output


def test_keys_generate_prints_an_env_pair() -> None:
    code, output = _invoke("keys", "generate")
    kid, _, key = output.strip().partition(":")
    assert code == 0 and kid.startswith("k") and len(key) == 44


def test_keys_rotate_reencrypts(database_urls: DatabaseUrls) -> None:
    code, output = _invoke("keys", "rotate")
    assert code == 0, output
    assert "added vault key" in output and "re-encrypted" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_up_detach_and_down_on_a_fresh_home(tmp_path: Path) -> None:
    """What `make run` does, on an empty ICOP_HOME: embedded PostgreSQL is created, migrated,
    the API answers /readyz; `icop down` stops everything; a second `up` reuses the data."""
    port = _free_port()
    env = {
        **os.environ,
        "ICOP_HOME": str(tmp_path / "home"),
        "ICOP_API_PORT": str(port),
        "ICOP_DB_NAME": "icop",
        "ICOP_LLM_AUTOSTART": "false",
        "ICOP_TEMPORAL_PORT": str(_free_port()),
    }
    icop = [sys.executable, "-m", "icop"]
    try:
        started = subprocess.run(
            [*icop, "up", "--detach"], env=env, capture_output=True, text=True, timeout=240
        )
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"http://127.0.0.1:{port}" in started.stdout
        base = f"http://127.0.0.1:{port}"
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["status"] == "ready" and ready["checks"]["temporal"]["ok"], ready
        # A detached start never runs the demo: its first step (the local workspace, a second
        # after /readyz answers) would compete with real work for the model.
        time.sleep(5)
        assert not (tmp_path / "home" / "local-workspace.json").exists()
        logs = "".join(p.read_text() for p in (tmp_path / "home").rglob("icop.log"))
        assert "demo" not in logs, logs[-2000:]
        signup = httpx.post(
            f"{base}/api/v1/auth/signup",
            json={"email": "first@example.com", "password": "long enough pw", "company_name": "Up"},
        )
        assert signup.status_code == 201
        again = subprocess.run(
            [*icop, "up", "--detach"], env=env, capture_output=True, text=True, timeout=60
        )
        assert again.returncode == 0 and "already running" in again.stdout
    finally:
        stopped = subprocess.run(
            [*icop, "down"], env=env, capture_output=True, text=True, timeout=120
        )
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "stopped ICOP" in stopped.stdout
    time.sleep(0.2)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz")
    # Data survived: log in after a restart.
    try:
        restarted = subprocess.run(
            [*icop, "up", "--detach"], env=env, capture_output=True, text=True, timeout=240
        )
        assert restarted.returncode == 0, restarted.stdout + restarted.stderr
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            json={"email": "first@example.com", "password": "long enough pw"},
        )
        assert login.status_code == 200
    finally:
        subprocess.run([*icop, "down"], env=env, capture_output=True, text=True, timeout=120)


def test_the_demo_finds_its_plan_and_the_workspace_its_reference_documents() -> None:
    from icop.cli.demo import EXAMPLE_PLAN
    from icop.cli.workspace import WORKSPACE_KNOWLEDGE

    assert EXAMPLE_PLAN.is_file()
    assert len(list(WORKSPACE_KNOWLEDGE.glob("*.md"))) >= 4
