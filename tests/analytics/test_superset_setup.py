"""The parts of `icop analytics up` that need no Superset: its secrets, its configuration, the
database URI it imports with, and the CLI's refusal without the embedded database."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icop.analytics.bundle import URI_PLACEHOLDER
from icop.analytics.superset import (
    LOGIN_USER,
    AnalyticsPaths,
    database_uri,
    load_or_create_secrets,
    write_config,
)
from icop.cli.main import app
from icop.config import Settings, get_settings


def test_secrets_are_generated_once_and_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    paths = AnalyticsPaths.of(settings)
    first = load_or_create_secrets(paths)
    assert load_or_create_secrets(paths) == first
    assert stat.S_IMODE(paths.secrets_file.stat().st_mode) == 0o600
    assert len({first.secret_key, first.admin_password, first.database_password}) == 3
    write_config(paths, first)
    config = paths.config.read_text()
    # The config reads the key from the secrets file at start; no secret is copied into it.
    assert first.secret_key not in config and str(paths.secrets_file) in config
    assert f"sqlite:///{paths.metadata_db}" in config
    uri = database_uri(settings, first)
    assert uri.startswith(f"postgresql+psycopg2://{LOGIN_USER}:{first.database_password}@/")
    assert uri != URI_PLACEHOLDER


def test_up_refuses_an_external_database_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://icop_owner:x@db.invalid:5432/icop")
    # The CLI reads the cached settings: without a fresh read it would see the embedded
    # database and really install and start Superset.
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["analytics", "up"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "docker-compose" in result.output
    assert "Traceback" not in result.output
