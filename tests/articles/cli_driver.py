"""``icop article …`` for the CLI test (``python -m tests.articles.cli_driver ARGS``): the real
command in a process of its own (it leaves with ``os._exit``), with two seams replaced: the
model providers are the deterministic fakes, and no service is started, because the test's
PostgreSQL (ICOP_HOME, ICOP_DB_NAME) and Temporal dev server (ICOP_TEMPORAL_PORT, with a task
queue prefix of its own) are already up."""

from __future__ import annotations

import sys

from icop.cli import article as cli
from icop.cli.main import app
from icop.config import Settings
from icop.llm import registry
from icop.llm.providers.base import LLMProvider
from icop.runtime.services import StartedServices
from tests.helpers import fake_providers


def _fakes(settings: Settings) -> dict[str, LLMProvider]:
    return fake_providers()


def _no_services(settings: Settings, *, llm: bool) -> StartedServices:
    return StartedServices()


if __name__ == "__main__":
    registry.default_providers = _fakes  # type: ignore[assignment]
    cli.start_services = _no_services  # type: ignore[assignment]
    app(["article", *sys.argv[1:]], prog_name="icop")
