"""Every workflow the workers register loads in Temporal's sandbox: a module a workflow reaches
(even through a package's ``__init__``) must not import what the sandbox restricts at import
time (httpx, for one). A worker would refuse to start otherwise."""

from __future__ import annotations

import pytest
import temporalio.workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from icop.articles.workflows import ArticleWorkflow
from icop.images.workflows import ImageGenerationWorkflow
from icop.planning.workflows import PipelineRunWorkflow
from icop.syndication.workflows import PublishPostWorkflow
from icop.trends.workflows import TrendRunWorkflow
from icop.video.workflows import VideoWorkflow


@pytest.mark.parametrize(
    "workflow",
    [
        ArticleWorkflow,
        ImageGenerationWorkflow,
        PipelineRunWorkflow,
        PublishPostWorkflow,
        TrendRunWorkflow,
        VideoWorkflow,
    ],
)
async def test_the_workflow_loads_in_the_sandbox(workflow: type) -> None:
    definition = temporalio.workflow._Definition.must_from_class(workflow)
    SandboxedWorkflowRunner().prepare_workflow(definition)
