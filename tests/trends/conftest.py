"""The trends tests share planning's embedded Temporal dev server fixtures."""

from tests.planning.conftest import (  # noqa: F401
    planning_dev_server,
    planning_temporal,
    temporal_client,
    temporal_settings,
)
