"""The Temporal dev-server fixtures of the workflow tests, shared with the end-to-end test."""

from tests.syndication.workflow.conftest import (  # noqa: F401
    syndication_dev_server,
    syndication_temporal,
    temporal_client,
    temporal_settings,
)
