"""All ORM models, imported here so that ``Base.metadata`` is complete."""

from icop.models.article import (
    ArticleDraft,
    GeneratedArticle,
    GraphCheckpoint,
    GraphCheckpointWrite,
)
from icop.models.audit import AuditEvent
from icop.models.auth import ApiKey, AuthSession, Invitation, RefreshToken
from icop.models.base import Base
from icop.models.brand import TenantBrandKit
from icop.models.credential import ApiCredential
from icop.models.image import Image, ImageRouting
from icop.models.knowledge import BrandVoiceSample, KnowledgeChunk, KnowledgeDocument
from icop.models.llm import LlmCall, LlmRoutingOverride
from icop.models.outbox import OutboxEvent
from icop.models.planning import (
    ContentPipeline,
    ImportedPlanRow,
    PipelineRun,
    PipelineRunRow,
    SubTopic,
)
from icop.models.syndication import (
    AccountRateState,
    OAuthState,
    Post,
    PublishAttempt,
    PublishLedgerEntry,
    SocialAccount,
)
from icop.models.tenant import SubscriptionPlan, Tenant
from icop.models.usage import UsageCounter
from icop.models.user import Role, User, UserStatus
from icop.models.workflow import WorkflowStart

__all__ = [
    "AccountRateState",
    "ApiCredential",
    "ApiKey",
    "ArticleDraft",
    "AuditEvent",
    "AuthSession",
    "Base",
    "BrandVoiceSample",
    "ContentPipeline",
    "GeneratedArticle",
    "GraphCheckpoint",
    "GraphCheckpointWrite",
    "Image",
    "ImageRouting",
    "ImportedPlanRow",
    "Invitation",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "LlmCall",
    "LlmRoutingOverride",
    "OAuthState",
    "OutboxEvent",
    "PipelineRun",
    "PipelineRunRow",
    "Post",
    "PublishAttempt",
    "PublishLedgerEntry",
    "RefreshToken",
    "Role",
    "SocialAccount",
    "SubTopic",
    "SubscriptionPlan",
    "Tenant",
    "TenantBrandKit",
    "UsageCounter",
    "User",
    "UserStatus",
    "WorkflowStart",
]
