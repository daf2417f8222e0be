"""Getting the database ready: start the embedded server, create roles, migrate."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from icop.config import Settings
from icop.db import bootstrap, migrate
from icop.db.embedded import EmbeddedPostgres
from icop.db.engine import DatabaseUrls, resolve_urls


@dataclass(frozen=True)
class DatabaseStatus:
    urls: DatabaseUrls
    started_embedded: bool


def prepare_database(settings: Settings, *, migrate_to_head: bool = True) -> DatabaseStatus:
    """Idempotent; safe to call from every command. Not from inside a running event loop."""
    started = False
    if settings.embedded_database:
        server = EmbeddedPostgres(settings.home)
        if not server.is_running():
            server.start()
            started = True
    urls = resolve_urls(settings)
    if urls.admin is not None:
        asyncio.run(bootstrap.bootstrap(urls.admin, settings))
    if migrate_to_head:
        migrate.upgrade(urls.owner, settings)
    return DatabaseStatus(urls=urls, started_embedded=started)


def stop_embedded(settings: Settings) -> bool:
    if not settings.embedded_database:
        return False
    return EmbeddedPostgres(settings.home).stop()
