"""Every service's routes under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from icop.api_keys.router import router as api_keys_router
from icop.articles.publishing_router import blog_router as blog_settings_router
from icop.articles.publishing_router import public_router as public_blog_router
from icop.articles.publishing_router import router as web_publishing_router
from icop.articles.router import router as articles_router
from icop.audit.router import router as audit_router
from icop.auth.router import router as auth_router
from icop.brand.learning_router import router as brand_learning_router
from icop.brand.router import router as brand_router
from icop.credentials.router import router as credentials_router
from icop.designs.router import router as designs_router
from icop.gateway.problems import problem_responses
from icop.images.router import router as images_router
from icop.invitations.router import router as invitations_router
from icop.knowledge.router import router as knowledge_router
from icop.llm.router import router as llm_router
from icop.notifications.router import router as notifications_router
from icop.planning.router import router as pipelines_router
from icop.quotas.router import router as usage_router
from icop.storage.router import router as media_router
from icop.syndication.article_links_router import router as post_links_router
from icop.syndication.router import accounts_router, posts_router
from icop.tenants.router import router as tenants_router
from icop.trends.router import router as trends_router
from icop.users.router import router as users_router
from icop.video.router import router as videos_router

API_PREFIX = "/api/v1"
DOMAIN_ROUTERS = (
    auth_router,
    tenants_router,
    users_router,
    invitations_router,
    api_keys_router,
    credentials_router,
    usage_router,
    audit_router,
    notifications_router,
    llm_router,
    knowledge_router,
    brand_router,
    brand_learning_router,
    media_router,
    images_router,
    designs_router,
    articles_router,
    web_publishing_router,
    public_blog_router,
    blog_settings_router,
    pipelines_router,
    trends_router,
    accounts_router,
    posts_router,
    post_links_router,
    videos_router,
)


def api_router() -> APIRouter:
    # Any API operation can meet these: a malformed or oversized body, a failed validation,
    # a rate limit.
    router = APIRouter(prefix=API_PREFIX, responses=problem_responses(400, 413, 422, 429))
    for domain_router in DOMAIN_ROUTERS:
        router.include_router(domain_router)
    return router
