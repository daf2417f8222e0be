"""All ORM models, imported here so that ``Base.metadata`` is complete."""

from icop.models.article import (
    ArticleDraft,
    ArticleImage,
    ArticleStatus,
    ArticleVersion,
    GeneratedArticle,
    GraphCheckpoint,
    GraphCheckpointWrite,
    SocialCopy,
)
from icop.models.audit import AuditEvent
from icop.models.auth import (
    AccountToken,
    AccountTokenPurpose,
    ApiKey,
    AuthSession,
    Invitation,
    LoginThrottle,
    RefreshToken,
)
from icop.models.base import Base
from icop.models.brand import (
    BrandKitVersion,
    BrandLogo,
    BrandProposal,
    KitChangeReason,
    LogoFormat,
    ProposalStatus,
    ProposalTrigger,
    TenantBrandKit,
)
from icop.models.credential import ApiCredential
from icop.models.design import DesignRecord, DesignVersionRecord
from icop.models.events import RunEvent
from icop.models.image import Image, ImageRouting, ImageStatus
from icop.models.knowledge import BrandVoiceSample, KnowledgeChunk, KnowledgeDocument
from icop.models.llm import LlmCall, LlmContestEntry, LlmRoutingOverride, RoutingMode
from icop.models.notification import (
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationRead,
    NotificationWebhook,
)
from icop.models.outbox import OutboxEvent
from icop.models.planning import (
    ContentPipeline,
    ImportedPlanRow,
    PipelineRun,
    PipelineRunRow,
    RowStatus,
    RunStatus,
    SubTopic,
)
from icop.models.publication import WebPublication
from icop.models.syndication import (
    AccountRateState,
    AccountStatus,
    AttemptOutcome,
    OAuthState,
    Post,
    PostMedia,
    PostPart,
    PostStatus,
    PublishAttempt,
    PublishLedgerEntry,
    SocialAccount,
)
from icop.models.tenant import SubscriptionPlan, Tenant, TenantStatus
from icop.models.trend import (
    SuggestionStatus,
    Trend,
    TrendConfig,
    TrendItem,
    TrendRun,
    TrendRunStatus,
    TrendSuggestion,
)
from icop.models.usage import UsageCounter
from icop.models.user import Role, User, UserStatus
from icop.models.video import SegmentStatus, Video, VideoSegment, VideoStatus
from icop.models.workflow import WorkflowStart

__all__ = [
    "AccountRateState",
    "AccountStatus",
    "AccountToken",
    "AccountTokenPurpose",
    "ApiCredential",
    "ApiKey",
    "ArticleDraft",
    "ArticleImage",
    "ArticleStatus",
    "ArticleVersion",
    "AttemptOutcome",
    "AuditEvent",
    "AuthSession",
    "Base",
    "BrandKitVersion",
    "BrandLogo",
    "BrandProposal",
    "BrandVoiceSample",
    "ContentPipeline",
    "DeliveryStatus",
    "DesignRecord",
    "DesignVersionRecord",
    "GeneratedArticle",
    "GraphCheckpoint",
    "GraphCheckpointWrite",
    "Image",
    "ImageRouting",
    "ImageStatus",
    "ImportedPlanRow",
    "Invitation",
    "KitChangeReason",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "LlmCall",
    "LlmContestEntry",
    "LlmRoutingOverride",
    "LoginThrottle",
    "LogoFormat",
    "Notification",
    "NotificationDelivery",
    "NotificationKind",
    "NotificationRead",
    "NotificationWebhook",
    "OAuthState",
    "OutboxEvent",
    "PipelineRun",
    "PipelineRunRow",
    "Post",
    "PostMedia",
    "PostPart",
    "PostStatus",
    "ProposalStatus",
    "ProposalTrigger",
    "PublishAttempt",
    "PublishLedgerEntry",
    "RefreshToken",
    "Role",
    "RoutingMode",
    "RowStatus",
    "RunEvent",
    "RunStatus",
    "SegmentStatus",
    "SocialAccount",
    "SocialCopy",
    "SubTopic",
    "SubscriptionPlan",
    "SuggestionStatus",
    "Tenant",
    "TenantBrandKit",
    "TenantStatus",
    "Trend",
    "TrendConfig",
    "TrendItem",
    "TrendRun",
    "TrendRunStatus",
    "TrendSuggestion",
    "UsageCounter",
    "User",
    "UserStatus",
    "Video",
    "VideoSegment",
    "VideoStatus",
    "WebPublication",
    "WorkflowStart",
]
