"""A stand-in for the article workflow in recorded pipeline runs (``make_histories.py``): a
module of its own with few imports, because the workflow sandbox re-imports it."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from icop.articles.activities import ArticleWorkflowInput
    from icop.articles.workflows import ArticleResult


@workflow.defn(name="ArticleWorkflow")
class StubArticleWorkflow:
    @workflow.run
    async def run(self, request: ArticleWorkflowInput) -> ArticleResult:
        return ArticleResult(article_id=request.article_id, status="ready")
