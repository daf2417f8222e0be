"""The steps of ``icop analytics up`` and ``down``, in order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from icop.analytics import superset
from icop.analytics.superset import AnalyticsFailed, AnalyticsPaths, Step
from icop.config import Settings
from icop.runtime.database import prepare_database


@dataclass(frozen=True)
class AnalyticsUp:
    url: str
    admin_user: str
    admin_password: str


def analytics_up(settings: Settings, *, host: str, port: int, step: Step) -> AnalyticsUp:
    if not settings.embedded_database:
        raise AnalyticsFailed(
            "icop analytics up runs Superset against the embedded database; with DATABASE_URL "
            "use deploy/docker-compose.yml's superset service (docs/analytics.md)"
        )
    paths = AnalyticsPaths.of(settings)
    step("database and the analytics views")
    status = prepare_database(settings)
    assert status.urls.admin is not None
    keys = superset.load_or_create_secrets(paths)
    asyncio.run(superset.ensure_login_user(status.urls.admin, settings, keys.database_password))
    superset.install(paths, step)
    superset.write_config(paths, keys)
    superset.prepare_metadata(paths, keys, step)
    superset.import_dashboards(paths, superset.database_uri(settings, keys), step)
    step("starting Superset")
    url = superset.start_server(paths, host, port)
    return AnalyticsUp(url=url, admin_user=superset.ADMIN_USER, admin_password=keys.admin_password)


def analytics_down(settings: Settings) -> bool:
    return superset.stop_server(AnalyticsPaths.of(settings))
