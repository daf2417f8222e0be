from __future__ import annotations

import time
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.service import TLSConfig

from icop.errors import ConfigurationError
from icop.orchestrator.connection import LazyClient, TemporalSettings, connect
from icop.orchestrator.exceptions import TemporalUnavailable
from icop.orchestrator.queues import TaskQueue
from icop.orchestrator.worker import WorkerRegistry, running_workers
from tests.orchestrator.conftest import free_port
from tests.orchestrator.sample_workflows import Brief, Outline, OutlineWorkflow

# Servers that stop answering must fail the test, not hang the run.
pytestmark = pytest.mark.timeout(120)


def test_defaults_are_the_embedded_server() -> None:
    settings = TemporalSettings.from_env({}, home=Path("/srv/icop"))
    assert settings.embedded
    assert settings.target == "127.0.0.1:7233"
    assert settings.namespace == "default"
    assert settings.home == Path("/srv/icop")
    assert settings.tls_config() is False
    assert settings.queue_name("agents") == "agents"


def test_cluster_settings_use_the_temporal_cli_variables(tmp_path: Path) -> None:
    settings = TemporalSettings.from_env(
        {
            "ICOP_HOME": str(tmp_path),
            "TEMPORAL_ADDRESS": "acme.a1b2c.tmprl.cloud:7233",
            "TEMPORAL_NAMESPACE": "acme.a1b2c",
            "TEMPORAL_API_KEY": "secret-key",
            "ICOP_TEMPORAL_TASK_QUEUE_PREFIX": "eu-",
        }
    )
    assert not settings.embedded
    assert settings.target == "acme.a1b2c.tmprl.cloud:7233"
    assert settings.namespace == "acme.a1b2c"
    # An API key needs TLS even when TEMPORAL_TLS is not set.
    assert settings.tls_config() is True
    assert settings.queue_name("gpu") == "eu-gpu"
    assert "secret-key" not in repr(settings)


def test_mtls_reads_the_certificate_pair(tmp_path: Path) -> None:
    (tmp_path / "client.pem").write_bytes(b"CERT")
    (tmp_path / "client.key").write_bytes(b"KEY")
    settings = TemporalSettings.from_env(
        {
            "TEMPORAL_ADDRESS": "temporal.internal:7233",
            "TEMPORAL_TLS_CLIENT_CERT_PATH": str(tmp_path / "client.pem"),
            "TEMPORAL_TLS_CLIENT_KEY_PATH": str(tmp_path / "client.key"),
            "TEMPORAL_TLS_SERVER_NAME": "temporal.internal",
        }
    )
    tls = settings.tls_config()
    assert isinstance(tls, TLSConfig)
    assert (tls.client_cert, tls.client_private_key) == (b"CERT", b"KEY")
    assert tls.domain == "temporal.internal"
    assert tls.server_root_ca_cert is None


def test_half_a_certificate_pair_is_refused(tmp_path: Path) -> None:
    settings = TemporalSettings(address="x:7233", tls_client_cert_path=tmp_path / "client.pem")
    with pytest.raises(ConfigurationError, match="go together"):
        settings.tls_config()


def test_unreadable_certificate_names_the_variable(tmp_path: Path) -> None:
    settings = TemporalSettings(
        address="x:7233",
        tls_client_cert_path=tmp_path / "missing.pem",
        tls_client_key_path=tmp_path / "missing.key",
    )
    with pytest.raises(ConfigurationError, match="TEMPORAL_TLS_CLIENT_CERT_PATH"):
        settings.tls_config()


def test_bad_port_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="ICOP_TEMPORAL_PORT"):
        TemporalSettings.from_env({"ICOP_TEMPORAL_PORT": "seven"})


async def test_unreachable_server_fails_fast_and_clearly() -> None:
    settings = TemporalSettings(address=f"127.0.0.1:{free_port()}", connect_timeout_s=2)
    started = time.monotonic()
    with pytest.raises(TemporalUnavailable, match="cannot connect to Temporal"):
        await connect(settings)
    assert time.monotonic() - started < 5


async def test_lazy_client_retries_after_a_failure(base_settings: TemporalSettings) -> None:
    lazy = LazyClient(TemporalSettings(address=f"127.0.0.1:{free_port()}", connect_timeout_s=1))
    with pytest.raises(TemporalUnavailable):
        await lazy()
    lazy.settings = base_settings  # the server "came back"
    first = await lazy()
    assert isinstance(first, Client)
    assert await lazy() is first


async def test_pydantic_models_cross_the_wire(
    temporal_client: Client, temporal_settings: TemporalSettings
) -> None:
    registry = WorkerRegistry()
    registry.register(TaskQueue.PLANNING, workflows=[OutlineWorkflow])
    queue = temporal_settings.queue_name(TaskQueue.PLANNING)
    async with running_workers(
        temporal_client, [TaskQueue.PLANNING], registry, settings=temporal_settings
    ):
        outline = await temporal_client.execute_workflow(
            OutlineWorkflow.run,
            Brief(tenant_id="t-1", topic="composting at home", keywords=["bins", "worms"]),
            id=f"outline-{queue}",
            task_queue=queue,
        )
    assert outline == Outline(
        tenant_id="t-1", title="Composting At Home", sections=["About bins", "About worms"]
    )
