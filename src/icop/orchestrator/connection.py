"""Where Temporal is and how to talk to it.

One dataclass describes the target: the embedded dev server under ``ICOP_HOME`` (the default)
or a cluster / Temporal Cloud named by ``TEMPORAL_ADDRESS``. The environment variable names are
the Temporal CLI's own (``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``,
``TEMPORAL_TLS_*``), so an operator's shell works for ``icop`` and ``temporal`` alike.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from icop import __version__
from icop.errors import ConfigurationError, ServiceUnavailable
from icop.orchestrator.exceptions import TemporalUnavailable

# The SDK is imported where a client is made, not with this module: `icop status` reads
# these settings to say that Temporal is down without loading the SDK (~1 s on 2 cores).
if TYPE_CHECKING:
    from temporalio.client import Client, Interceptor, Plugin
    from temporalio.service import TLSConfig

EMBEDDED_HOST = "127.0.0.1"
DEFAULT_PORT = 7233
DEFAULT_NAMESPACE = "default"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TemporalSettings:
    """Connection settings; build with :meth:`from_env` or from the platform's ``Settings``."""

    address: str | None = None
    """``host:port`` of a cluster or Temporal Cloud. ``None``: the embedded dev server."""
    namespace: str = DEFAULT_NAMESPACE
    home: Path = Path(".icop")
    """``ICOP_HOME``: the embedded server keeps its SQLite file, pid file and log under it."""
    port: int = DEFAULT_PORT
    """Port of the embedded server (ignored when ``address`` is set)."""
    api_key: str | None = field(default=None, repr=False)
    """Temporal Cloud API key; sent as a bearer token and implies TLS."""
    tls: bool = False
    """TLS with the system roots when no certificate paths are given."""
    tls_client_cert_path: Path | None = None
    tls_client_key_path: Path | None = None
    tls_server_ca_cert_path: Path | None = None
    tls_server_name: str | None = None
    task_queue_prefix: str = ""
    """Prepended to every queue name: lets several deployments (or tests) share a namespace."""
    identity: str | None = None
    build_id: str = f"icop-{__version__}"
    """What the workers report as their build (``ICOP_BUILD_ID``, e.g. a git commit)."""
    connect_timeout_s: float = 10.0

    @property
    def embedded(self) -> bool:
        return self.address is None

    @property
    def target(self) -> str:
        return self.address or f"{EMBEDDED_HOST}:{self.port}"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, home: Path | None = None
    ) -> TemporalSettings:
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            value = env.get(name, "").strip()
            return Path(value).expanduser() if value else None

        port_text = env.get("ICOP_TEMPORAL_PORT", "").strip()
        try:
            port = int(port_text) if port_text else DEFAULT_PORT
        except ValueError:
            raise ConfigurationError(
                f"ICOP_TEMPORAL_PORT must be a number, not {port_text!r}"
            ) from None
        return cls(
            address=env.get("TEMPORAL_ADDRESS", "").strip() or None,
            namespace=env.get("TEMPORAL_NAMESPACE", "").strip() or DEFAULT_NAMESPACE,
            home=(home or Path(env.get("ICOP_HOME", ".icop"))).expanduser().resolve(),
            port=port,
            api_key=env.get("TEMPORAL_API_KEY", "").strip() or None,
            tls=_truthy(env.get("TEMPORAL_TLS")),
            tls_client_cert_path=path("TEMPORAL_TLS_CLIENT_CERT_PATH"),
            tls_client_key_path=path("TEMPORAL_TLS_CLIENT_KEY_PATH"),
            tls_server_ca_cert_path=path("TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
            tls_server_name=env.get("TEMPORAL_TLS_SERVER_NAME", "").strip() or None,
            task_queue_prefix=env.get("ICOP_TEMPORAL_TASK_QUEUE_PREFIX", "").strip(),
            build_id=env.get("ICOP_BUILD_ID", "").strip() or f"icop-{__version__}",
        )

    def tls_config(self) -> bool | TLSConfig:
        """What ``Client.connect(tls=...)`` needs; validates the mTLS pair up front."""
        from temporalio.service import TLSConfig

        cert, key = self.tls_client_cert_path, self.tls_client_key_path
        if (cert is None) != (key is None):
            raise ConfigurationError(
                "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together"
            )
        if cert is None and self.tls_server_ca_cert_path is None and self.tls_server_name is None:
            # An API key alone still needs TLS (Temporal Cloud); the SDK enables it for us only
            # when tls is left unset, so say it explicitly.
            return self.tls or self.api_key is not None
        return TLSConfig(
            client_cert=_read(cert, "TEMPORAL_TLS_CLIENT_CERT_PATH"),
            client_private_key=_read(key, "TEMPORAL_TLS_CLIENT_KEY_PATH"),
            server_root_ca_cert=_read(
                self.tls_server_ca_cert_path, "TEMPORAL_TLS_SERVER_CA_CERT_PATH"
            ),
            domain=self.tls_server_name,
        )

    def queue_name(self, queue: str) -> str:
        return f"{self.task_queue_prefix}{queue}"


def _read(path: Path | None, variable: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"{variable}: cannot read {path}: {error.strerror}") from None


async def connect(
    settings: TemporalSettings,
    *,
    interceptors: Sequence[Interceptor] = (),
    plugins: Sequence[Plugin] = (),
) -> Client:
    """A client with the pydantic data converter, so workflow inputs may be Pydantic models.

    Tracing (``temporalio.contrib.opentelemetry``'s ``TracingInterceptor``) and the workflow
    and activity metrics are always on (``icop.observability.temporal``): a client interceptor
    that is also a worker interceptor is applied to every worker built from this client, so
    one list covers both sides. ``interceptors`` adds to them.
    """
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    from icop.observability.temporal import temporal_interceptors

    try:
        return await Client.connect(
            settings.target,
            namespace=settings.namespace,
            api_key=settings.api_key,
            tls=settings.tls_config(),
            data_converter=pydantic_data_converter,
            interceptors=[*temporal_interceptors(), *interceptors],
            plugins=plugins,
            identity=settings.identity,
            connect_timeout=timedelta(seconds=settings.connect_timeout_s),
        )
    except RuntimeError as error:
        # The SDK reports transport failures as a bare RuntimeError("Failed client connect").
        where = "embedded server" if settings.embedded else "cluster"
        raise TemporalUnavailable(
            f"cannot connect to Temporal ({where}) at {settings.target}: {error}"
        ) from error


class LazyClient:
    """Connects on first use and keeps the client. A failed attempt is not cached: an API
    process that started while Temporal was down becomes ready once Temporal answers, without
    a restart (``/readyz`` calls this on every probe)."""

    def __init__(
        self, settings: TemporalSettings, *, interceptors: Sequence[Interceptor] = ()
    ) -> None:
        self.settings = settings
        self._interceptors = tuple(interceptors)
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await connect(self.settings, interceptors=self._interceptors)
        return self._client


def require(temporal: LazyClient | None) -> LazyClient:
    """The process's Temporal client; a 503 where this process has none configured."""
    if temporal is None:
        raise ServiceUnavailable("the workflow engine (Temporal) is not configured here")
    return temporal
