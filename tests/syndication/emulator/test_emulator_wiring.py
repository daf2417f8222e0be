"""How the clients find the real APIs or the emulator, and the `icop emulator` command."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import Settings
from icop.syndication.platforms.base import Platform
from icop.syndication.platforms.factory import (
    PlatformEndpoints,
    build_oauth_providers,
    build_platform_clients,
)


def test_the_embedded_default_is_the_local_emulator() -> None:
    settings = Settings(_env_file=None)
    assert settings.platforms == "emulator"
    urls = PlatformEndpoints.from_settings(settings)
    assert urls.x_api == f"http://{settings.emulator_host}:{settings.emulator_port}/api.x.com"


def test_real_platforms_are_the_real_apis() -> None:
    urls = PlatformEndpoints.from_settings(Settings(platforms="real"))
    assert urls.meta_graph == "https://graph.facebook.com"
    assert urls.threads_graph == "https://graph.threads.net"
    assert urls.x_api == "https://api.x.com"
    assert urls.x_authorize == "https://x.com/i/oauth2/authorize"


def test_one_switch_points_everything_at_the_emulator() -> None:
    settings = Settings(platform_emulator_url="http://127.0.0.1:8790/")
    urls = PlatformEndpoints.from_settings(settings)
    assert urls.meta_graph == "http://127.0.0.1:8790/graph.facebook.com"
    assert urls.meta_dialog == "http://127.0.0.1:8790/www.facebook.com"
    assert urls.threads_authorize == "http://127.0.0.1:8790/threads.net/oauth/authorize"
    assert urls.x_api == "http://127.0.0.1:8790/api.x.com"
    http = httpx.AsyncClient()
    assert set(build_platform_clients(settings, http)) == set(Platform)
    providers = build_oauth_providers(settings, http)
    assert set(providers) == {"meta", "threads", "x"}
    # Against the emulator no app credentials are needed.
    assert "client_id=icop-emulator" in providers["meta"].authorization_url(
        state="s", redirect_uri="http://cb"
    )


def test_icop_emulator_command_is_registered() -> None:
    result = CliRunner().invoke(app, ["emulator", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output
