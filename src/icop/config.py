"""One Settings object for the whole platform.

Every embedded default (PostgreSQL, key files, object storage …) lives under ``ICOP_HOME``; each
has a production counterpart selected by an environment variable, never by a code fork.
``docs/configuration.md`` is generated from this class (``python -m icop.config``) and a test
fails when it is stale.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ResearchClaims = Literal["sources", "model"]
"""Where research claims come from (``icop.agents.claims``)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ICOP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(
        default=Path(".icop"),
        description="Directory for all embedded state (database, keys, logs).",
    )
    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description=(
            "Deployment environment. `test` also makes password hashing trivially cheap: never"
            " run real users on it."
        ),
    )
    log_level: str = Field(default="INFO", description="Python logging level.")

    # --- database -------------------------------------------------------------------------
    database_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "ICOP_DATABASE_URL"),
        description="Owner-role connection URL (runs migrations). Unset: embedded PostgreSQL.",
    )
    database_app_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_APP_URL", "ICOP_DATABASE_APP_URL"),
        description="App-role connection URL. Unset: DATABASE_URL with the app role's name "
        "and ICOP_DB_APP_PASSWORD.",
    )
    db_name: str = Field(default="icop", description="Database name (embedded server).")
    db_owner_role: str = Field(default="icop_owner", description="Role that owns the schema.")
    db_app_role: str = Field(
        default="icop_app", description="Unprivileged role that serves requests (RLS applies)."
    )
    db_app_password: SecretStr | None = Field(default=None, description="Password of the app role.")
    db_analytics_role: str = Field(
        default="icop_analytics",
        description="Read-only NOLOGIN role granted SELECT on the analytics views only "
        "(docs/analytics.md); Superset's login user is a member.",
    )
    db_pool_size: int = Field(default=10, description="Connections kept per process.")
    db_max_overflow: int = Field(default=10, description="Extra connections under load.")
    db_pool_timeout_s: float = Field(
        default=10.0, description="Seconds to wait for a free connection."
    )
    db_statement_timeout_ms: int = Field(
        default=30_000, description="Server-side statement timeout."
    )

    # --- API gateway ----------------------------------------------------------------------
    api_host: str = Field(default="127.0.0.1", description="Address the API binds to.")
    api_port: int = Field(default=8000, description="Port the API listens on.")
    public_url: str | None = Field(
        default=None, description="Base URL clients reach the API at (behind a proxy)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["http://127.0.0.1:3000", "http://localhost:3000"],
        description="Comma-separated origins allowed by CORS (the dashboard).",
    )
    # The dashboard (web/): a Node.js server that proxies /api/v1 to this API.
    web_enabled: bool = Field(
        default=True,
        description="`icop up` serves the dashboard (the Next.js production server in web/) "
        "when Node.js is installed and the app is built (`make run` builds it).",
    )
    web_host: str = Field(default="127.0.0.1", description="Address the dashboard binds to.")
    web_port: int = Field(
        default=3000, ge=1, le=65535, description="Port the dashboard listens on."
    )
    web_dir: Path | None = Field(
        default=None,
        description="The dashboard's folder (package.json, .next). Unset: web/ in the source "
        "checkout.",
    )
    max_body_bytes: int = Field(default=1_048_576, description="Largest request body accepted.")
    rate_limit_user: str = Field(default="120/minute", description="Requests per user or API key.")
    rate_limit_tenant: str = Field(
        default="600/minute", description="Requests per tenant, all callers together."
    )
    rate_limit_anonymous: str = Field(
        default="30/minute", description="Unauthenticated requests per client address."
    )
    redis_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "ICOP_REDIS_URL"),
        description="Redis for shared rate-limit counters. Unset: in-process counters.",
    )

    # --- auth -----------------------------------------------------------------------------
    jwt_issuer: str = Field(default="icop", description="JWT `iss`.")
    jwt_audience: str = Field(default="icop-api", description="JWT `aud`.")
    jwt_private_key: SecretStr | None = Field(
        default=None,
        description="Ed25519 private key (PEM). Unset: a 0600 key file under ICOP_HOME.",
    )
    access_token_ttl_s: int = Field(default=900, description="Access token lifetime.")
    refresh_token_ttl_s: int = Field(
        default=30 * 24 * 3600, description="Refresh token (session) lifetime."
    )
    invitation_ttl_s: int = Field(default=7 * 24 * 3600, description="Invitation lifetime.")
    email_verification_ttl_s: int = Field(
        default=48 * 3600, gt=0, description="How long an e-mail verification link works."
    )
    password_reset_ttl_s: int = Field(
        default=3600, gt=0, description="How long a password reset link works."
    )
    login_throttle_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins for one e-mail within the window before that account's "
        "logins are refused for a while (on top of the per-address limit).",
    )
    login_throttle_window_s: int = Field(
        default=900, gt=0, description="The window failed logins are counted in."
    )
    login_throttle_lockout_s: int = Field(
        default=60, gt=0, description="The first refusal's length; each next one doubles."
    )
    login_throttle_max_lockout_s: int = Field(
        default=3600, gt=0, description="The longest refusal after repeated failures."
    )

    # --- notifications --------------------------------------------------------------------
    notification_webhook_attempts: int = Field(
        default=6, ge=1, description="Tries per notification before its webhook delivery fails."
    )
    notification_webhook_backoff_s: float = Field(
        default=5.0, gt=0, description="Wait before the first retry; each next one doubles."
    )
    notification_webhook_timeout_s: float = Field(
        default=10.0, gt=0, description="Timeout of one webhook call."
    )
    notification_webhook_poll_s: float = Field(
        default=2.0, gt=0, description="How often the API process looks for due deliveries."
    )

    # --- run events ---------------------------------------------------------------------
    run_event_retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days the live view's run events of finished runs and articles are kept; "
        "older ones are pruned hourly by the API process (a run still running keeps its "
        "events however old they are).",
    )

    # --- mail -----------------------------------------------------------------------------
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server for account e-mails. Unset: the local mail sink, .eml files "
        "under ICOP_HOME/mail (`icop mail list`).",
    )
    smtp_port: int = Field(default=587, description="SMTP port (465: implicit TLS).")
    smtp_username: str | None = Field(default=None, description="SMTP login name.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS (port 465: TLS)."
    )
    smtp_timeout_s: float = Field(default=30.0, gt=0, description="SMTP connection timeout.")
    mail_from: str = Field(
        default="ICOP <no-reply@localhost>", description="Sender of account e-mails."
    )
    dashboard_url: str | None = Field(
        default=None,
        description="Public URL of the dashboard, for links in e-mails. Unset: the API's "
        "public URL (the dashboard is served under the same origin).",
    )

    # --- credential vault -----------------------------------------------------------------
    vault_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated 'kid:base64key' AES-256 keys; the last one encrypts. "
        "Unset: a 0600 key file under ICOP_HOME.",
    )

    # --- orchestration ----------------------------------------------------------------------
    api_workers: bool = Field(
        default=True,
        description="Run the Temporal workers of every queue inside the API process (the "
        "embedded default). Set false when `icop worker --queue …` processes serve them.",
    )

    agent_runtime: Literal["native", "crewai"] = Field(
        default="native",
        description="Agent runtime: one router call per role (native) or "
        "CrewAI agents whose LLM is the router (needs the crewai extra).",
    )
    article_approval_timeout_s: float = Field(
        default=72 * 3600, description="How long an article waits for approval."
    )
    article_approve_on_timeout: bool = Field(
        default=False, description="On approval timeout: approve (true) or reject (false)."
    )
    article_heartbeat_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="How soon a dead worker's article generation is noticed and retried on "
        "another worker (resuming after the agent graph's last finished step).",
    )
    article_checkpoint_durability: Literal["async", "sync"] = Field(
        default="async",
        description="How the agent graph's checkpoints are written: `async` while the next step "
        "runs (a killed worker may also repeat the step that had just finished, never one "
        "before it: tests/articles/test_crash.py), `sync` before it starts (each step waits "
        "for its write).",
    )

    # --- social syndication -----------------------------------------------------------------
    syndication_token_refresh_margin_s: float = Field(
        default=300,
        description="Refresh an account's token when it expires within this many seconds.",
    )
    syndication_reconcile_margin_s: float = Field(
        default=120,
        description="After an ambiguous publish, search the account's posts created since "
        "the intent minus this margin (clock skew between us and the platform).",
    )
    syndication_reconcile_grace_s: float = Field(
        default=30,
        description="Wait before the second look for a post an ambiguous call may have "
        "created; still absent then, the post is marked unconfirmed (never re-posted "
        "automatically).",
    )
    syndication_transient_retries: int = Field(
        default=2,
        description="In-call retries (with backoff) of a publish that failed "
        "before the platform accepted anything (5xx, connection refused).",
    )
    syndication_transient_backoff_s: float = Field(
        default=1.0, description="First backoff of those retries (doubled each time)."
    )
    syndication_transient_wait_s: float = Field(
        default=60, description="After the in-call retries: wait this long, then try again."
    )
    syndication_max_transient_failures: int = Field(
        default=12, description="Transient failures of one post before it is marked failed."
    )
    syndication_oauth_state_ttl_s: int = Field(
        default=600, description="How long a connect flow's state and PKCE verifier live."
    )
    syndication_threads_limit_24h: int = Field(
        default=250, description="Threads posts per profile per rolling 24 h."
    )
    syndication_instagram_default_limit_24h: int = Field(
        default=100,
        description="Instagram posts per rolling 24 h when `content_publishing_limit` has "
        "not answered yet.",
    )
    syndication_x_limit_15min: int = Field(
        default=100, description="X posts per user per 15 minutes (headers refine it)."
    )
    syndication_x_limit_3h: int = Field(
        default=300, description="X posts per user per 3 hours (headers refine it)."
    )
    syndication_facebook_pause_percent: float = Field(
        default=90,
        description="Pause a Facebook Page when Meta's usage headers report this percentage.",
    )
    syndication_facebook_pause_s: float = Field(
        default=600,
        description="How long that pause lasts when Meta gives no time to regain access.",
    )
    syndication_limit_recheck_s: float = Field(
        default=900,
        description="How often a platform-reported publishing limit is read again (and how "
        "long to wait when it reports a full window without a reset time).",
    )

    # --- knowledge, research, brand voice ---------------------------------------------------
    embedding_backend: Literal["minilm", "hashing"] = Field(
        default="minilm",
        description="Embeddings: the bundled all-MiniLM-L6-v2, or a "
        "deterministic hashing embedder (tests, tiny machines).",
    )
    embedding_model_path: Path | None = Field(
        default=None, description="Another MiniLM-compatible model directory. Unset: bundled."
    )
    embedding_batch_size: int = Field(default=32, description="Texts per embedding batch.")
    embedding_threads: int | None = Field(default=None, description="Torch threads (unset: all).")
    knowledge_chunk_chars: int = Field(default=800, description="Target chunk size.")
    knowledge_chunk_overlap_chars: int = Field(default=120, description="Overlap between chunks.")
    knowledge_max_document_chars: int = Field(
        default=500_000, description="Largest document accepted."
    )
    knowledge_max_chunks: int = Field(default=1_000, description="Most chunks per document.")
    knowledge_max_upload_bytes: int = Field(default=1_048_576, description="Largest uploaded file.")
    knowledge_min_score: float = Field(
        default=0.3, description="Cosine similarity below which a chunk is no usable source."
    )
    # --- the nightly TrendPipeline (issue #15) ------------------------------------------------
    trends_schedule_cron: str = Field(
        default="0 2 * * *",
        description="When a tenant's TrendPipeline runs (cron, read in the tenant's time zone).",
    )
    trends_max_items_per_source: int = Field(
        default=100, ge=1, le=1000, description="Items one source may contribute to one run."
    )
    trends_max_age_days: int = Field(
        default=30,
        ge=1,
        description="Trend items older than this leave the knowledge store (aged out each run).",
    )
    trends_min_chars: int = Field(
        default=40, ge=1, description="Shorter cleaned items are dropped (reason too_short)."
    )
    trends_topic_similarity: float = Field(
        default=0.35,
        description="Cosine similarity of a trend to one of the tenant's topics that makes it a "
        "plan suggestion.",
    )
    trends_suggestions: int = Field(
        default=5, ge=0, le=50, description="Plan rows proposed per run, best trends first."
    )
    pinterest_api_url: str = Field(
        default="https://api.pinterest.com", description="Pinterest API v5 host (trends)."
    )
    youtube_api_url: str = Field(
        default="https://www.googleapis.com", description="YouTube Data API v3 host (trends)."
    )
    research_providers: str | None = Field(
        default=None,
        description="Comma-separated: knowledge, tavily, brave, searxng. Unset: "
        "the knowledge store plus every web provider that has credentials.",
    )
    tavily_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TAVILY_API_KEY", "ICOP_TAVILY_API_KEY"),
        description="Tavily search key.",
    )
    tavily_search_depth: Literal["basic", "advanced"] = Field(
        default="basic", description="Tavily search depth."
    )
    brave_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "BRAVE_API_KEY", "BRAVE_SEARCH_API_KEY", "ICOP_BRAVE_API_KEY"
        ),
        description="Brave Search key.",
    )
    searxng_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SEARXNG_URL", "ICOP_SEARXNG_URL"),
        description="A SearXNG instance (JSON output enabled).",
    )
    research_timeout_s: float = Field(default=20.0, description="Per web search request.")
    research_max_sources: int = Field(default=8, description="Sources handed to the writers.")
    research_retry_max_wait_s: float = Field(
        default=2.0, description="Longest wait a search provider may ask for before a retry."
    )
    research_claims: ResearchClaims = Field(
        default="sources",
        description="Where the writers' research claims come from: `sources` takes the "
        "specific sentences of the retrieved passages (no model call; ADR 0022), `model` asks "
        "the researcher agent to distil them (its claims are checked against the passages and "
        "topped up from them) — worth it with a capable cloud model, not the bundled one.",
    )
    editor_polish: bool = Field(
        default=False,
        description="In compare mode, have the merger's model polish the editor's pick "
        "(structure, clarity, the brand's tone) in a second call; the polish is kept only when "
        "it loses no citation, no researched fact and not half the text. Off by default: the "
        "bundled model's polish dropped facts or looped (ADR 0024); worth it with a capable "
        "cloud model.",
    )

    # --- brand learning ----------------------------------------------------------------------
    brand_fetch_allow_private: bool = Field(
        default=False,
        description="Let brand learning fetch pages on loopback and private addresses (a local "
        "test site). Ignored in production (`ICOP_ENVIRONMENT=production`): there, only public "
        "addresses are ever fetched (ADR 0030).",
    )
    brand_fetch_max_bytes: int = Field(
        default=2_000_000, ge=10_000, description="Largest page brand learning reads."
    )
    brand_fetch_timeout_s: float = Field(
        default=10.0, gt=0, description="Deadline of one page fetch, redirects included."
    )
    brand_relearn_samples: int = Field(
        default=10,
        ge=1,
        description="New voice samples since the last proposal that make the engine propose "
        "a re-learned kit.",
    )
    brand_relearn_articles: int = Field(
        default=20,
        ge=1,
        description="Articles finished (ready) since the last proposal that make the engine "
        "propose a re-learned kit.",
    )
    brand_drift_threshold: float = Field(
        default=0.45,
        ge=-1,
        le=1,
        description="Mean brand-voice similarity of the recent drafts below which the voice "
        "has drifted and the engine proposes a re-learned kit.",
    )
    brand_drift_window: int = Field(
        default=6, ge=2, description="How many recent drafts the drift check averages."
    )

    # --- planning: sub-topics ----------------------------------------------------------------
    subtopic_relevance: bool = Field(
        default=True,
        description="Drop candidate angles and replace sub-topic labels that are off the row's "
        "topic (MiniLM for English, the bundled multilingual-e5-small for other languages); a "
        "row with fewer than two on-topic angles ends with that error instead of articles about "
        "something else. Off: every angle the model proposes is clustered.",
    )

    # --- planning: content plan sheets -------------------------------------------------------
    google_sheets_base_url: str = Field(
        default="https://sheets.googleapis.com",
        description="Google Sheets API v4 endpoint (an emulator's URL in tests).",
    )
    google_oauth_token_url: str = Field(
        default="https://oauth2.googleapis.com/token",
        description="Google OAuth token endpoint for refreshing users' tokens (a service-account "
        "key's own token_uri is used for its assertions).",
    )
    google_oauth_client_id: str | None = Field(
        default=None, description="OAuth client id used to refresh users' Google tokens."
    )
    google_oauth_client_secret: SecretStr | None = Field(
        default=None, description="OAuth client secret used to refresh users' Google tokens."
    )
    google_sheets_requests_per_minute: float = Field(
        default=60,
        description="Sheets API requests per minute per Google principal, paced client-side "
        "(Google's per-user quota is 60, the per-project one 300).",
    )
    google_sheets_max_retries: int = Field(
        default=5, description="Retries of a Sheets request after 429 or 5xx."
    )
    google_sheets_backoff_base_s: float = Field(
        default=1.0, description="First backoff step after a 429/5xx (doubles per retry, jittered)."
    )
    google_sheets_backoff_max_s: float = Field(
        default=32.0, description="Largest single backoff step."
    )
    google_sheets_retry_max_wait_s: float = Field(
        default=60.0,
        description="Longest wait slept through in-process; a longer Retry-After is raised for "
        "the workflow's retry policy.",
    )
    google_sheets_timeout_s: float = Field(default=30.0, description="Per Sheets API request.")
    planning_sheet_poll_s: float = Field(
        default=60.0,
        ge=1.0,
        description="While a run lasts, how often its plan is read for decisions typed into the "
        "Decision column (approved / rejected, 승인 / 반려): the longest a decision waits to be "
        "applied. One read per run each time; post status changes are written back within "
        "seconds regardless.",
    )

    # --- models -----------------------------------------------------------------------------
    llm_policy_file: Path | None = Field(
        default=None, description="A routing policy YAML replacing the bundled one."
    )
    llm_local_model: str = Field(
        default="qwen2.5-coder-0.5b-instruct",
        description="Bundled model (catalog name) or a path to a .gguf file for the local server.",
    )
    llm_local_port: int = Field(default=8786, description="Port of the local model server.")
    llm_local_parallel: int = Field(default=3, description="Parallel slots of the local server.")
    llm_local_ctx_per_slot: int = Field(default=8192, description="Context tokens per slot.")
    llm_local_speculative: str | None = Field(
        default=None,
        description="Speculative decoding on the local server: unset (off), `ngram` (drafts "
        "looked up in the context), or a draft model (catalog name or .gguf path) with the "
        "local model's tokenizer, e.g. the 0.5B under the 1.5B.",
    )
    llm_local_dry_multiplier: float = Field(
        default=0.8,
        ge=0,
        le=5,
        description="Strength of llama.cpp's DRY sampler on the local model's prose answers "
        "(articles, merges, translations): it breaks generation loops; 0 switches it off "
        "(docs/llm.md).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "ICOP_OPENAI_API_KEY"),
        description="OpenAI key (or a tenant's vault credential with platform openai).",
    )
    openai_base_url: str = Field(
        default="https://api.openai.com/v1",
        validation_alias=AliasChoices("OPENAI_BASE_URL", "ICOP_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint.",
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_API_KEY", "ICOP_ANTHROPIC_API_KEY"),
        description="Anthropic key.",
    )
    gemini_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY", "ICOP_GEMINI_API_KEY"),
        description="Google Gemini key.",
    )
    ollama_host: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OLLAMA_HOST", "ICOP_OLLAMA_HOST"),
        description="Ollama base URL, e.g. http://gpu-box:11434. Unset: no Ollama.",
    )
    llm_global_rate_per_minute: float = Field(
        default=600, description="Model calls per minute, all providers together."
    )
    llm_provider_concurrency: dict[str, int] = Field(
        default_factory=lambda: {"local": 3, "ollama": 2, "openai": 8, "anthropic": 8, "gemini": 8},
        description="Concurrent calls per provider (JSON object).",
    )
    llm_prices: str | None = Field(
        default=None,
        description='Price overrides, USD per million tokens: {"provider:model": [in, out]}.',
    )

    # --- social platforms (issue #7) ---------------------------------------------------------
    platforms: Literal["emulator", "real"] = Field(
        default="emulator",
        description="Where posts go: `emulator` (embedded default: the local platform emulator, "
        "started by `icop up` at ICOP_EMULATOR_HOST:ICOP_EMULATOR_PORT) or `real` (the Graph, "
        "Threads and X APIs, with the app ids and secrets below).",
    )
    platform_emulator_url: str | None = Field(
        default=None,
        description="Base URL of an emulator started elsewhere (`icop emulator`); with "
        "ICOP_PLATFORMS=emulator and this unset, http://ICOP_EMULATOR_HOST:ICOP_EMULATOR_PORT.",
    )
    platform_http_timeout_s: float = Field(
        default=30.0, description="Per-request timeout of the platform API clients."
    )
    meta_graph_url: str = Field(
        default="https://graph.facebook.com", description="Graph API (Facebook Pages, Instagram)."
    )
    meta_dialog_url: str = Field(
        default="https://www.facebook.com", description="Facebook Login dialog host."
    )
    meta_graph_version: str = Field(default="v24.0", description="Graph API version.")
    meta_app_id: str | None = Field(default=None, description="Meta app id (Facebook Login).")
    meta_app_secret: SecretStr | None = Field(default=None, description="Meta app secret.")
    meta_container_poll_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="Longest wait between status polls of an Instagram/Threads media container.",
    )
    meta_container_poll_first_s: float = Field(
        default=0.25,
        gt=0,
        description=(
            "First wait before a media container's status is polled again; each wait doubles "
            "up to meta_container_poll_interval_s (set both equal for a fixed interval)."
        ),
    )
    meta_container_poll_timeout_s: float = Field(
        default=60.0,
        description="Give up on a media container still processing after this many seconds.",
    )
    threads_graph_url: str = Field(
        default="https://graph.threads.net", description="Threads API host."
    )
    threads_authorize_url: str = Field(
        default="https://threads.net/oauth/authorize", description="Threads consent page."
    )
    threads_api_version: str = Field(default="v1.0", description="Threads API version.")
    threads_app_id: str | None = Field(default=None, description="Threads app id.")
    threads_app_secret: SecretStr | None = Field(default=None, description="Threads app secret.")
    x_api_url: str = Field(default="https://api.x.com", description="X API v2 host.")
    x_authorize_url: str = Field(
        default="https://x.com/i/oauth2/authorize", description="X OAuth 2.0 consent page."
    )
    x_client_id: str | None = Field(default=None, description="X OAuth 2.0 client id.")
    x_client_secret: SecretStr | None = Field(
        default=None,
        description="X OAuth 2.0 client secret (confidential client: HTTP Basic). Unset: public "
        "client (client_id in the body).",
    )
    demo_article_words: int = Field(
        default=300,
        ge=150,
        le=4000,
        description="Article length of the demo `make run` shows (short: the bundled model is "
        "small and the machine may have two cores).",
    )
    demo_plan: Path | None = Field(
        default=None,
        description="The plan file (CSV or XLSX) the demo copies into ICOP_HOME and runs. Unset: "
        "`examples/plan.csv`.",
    )
    veo_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ICOP_VEO_API_KEY", "GOOGLE_CLOUD_API_KEY"),
        description="Vertex AI API key (express mode) for Veo video segments. Unset: no Veo; "
        "`provider: veo` is refused with 'not configured on this worker'.",
    )
    veo_model: str = Field(
        default="veo-3.0-fast-generate-001", description="Veo model id on Vertex AI."
    )
    veo_base_url: str = Field(
        default="https://aiplatform.googleapis.com", description="Vertex AI API host for Veo."
    )
    veo_usd_per_second: float = Field(
        default=0.15,
        ge=0,
        description="Veo's price per generated second (the API reports none), recorded per "
        "segment.",
    )
    veo_timeout_s: float = Field(
        default=600.0, gt=0, description="Longest wait for one Veo operation, polling included."
    )
    veo_poll_interval_s: float = Field(
        default=10.0, gt=0, description="Seconds between polls of a Veo operation."
    )
    animatediff_comfyui_url: str | None = Field(
        default=None,
        description="ComfyUI base URL with AnimateDiff-Evolved and VideoHelperSuite, e.g. "
        "http://gpu-box:8188 (the image provider's host can be the same). Unset: no AnimateDiff.",
    )
    animatediff_workflow: Path | None = Field(
        default=None,
        description="AnimateDiff workflow (ComfyUI API format) with {{prompt}}, {{seed}}, "
        "{{width}}, {{height}}, {{frames}}, {{fps}} placeholders. Unset: the bundled one.",
    )
    animatediff_timeout_s: float = Field(
        default=900.0, gt=0, description="Longest wait for one AnimateDiff segment."
    )
    animatediff_max_queue: int = Field(
        default=2,
        ge=1,
        description="The AnimateDiff host counts as busy (retried later) when this many jobs "
        "are queued.",
    )
    emulator_host: str = Field(default="127.0.0.1", description="Address `icop emulator` binds.")
    emulator_port: int = Field(default=8790, description="Port `icop emulator` listens on.")

    @property
    def emulator_url(self) -> str | None:
        """The emulator the platform clients talk to, or None for the real APIs."""
        if self.platforms != "emulator":
            return None
        return self.platform_emulator_url or f"http://{self.emulator_host}:{self.emulator_port}"

    # --- observability and events ---------------------------------------------------------
    worker_metrics_port: int = Field(
        default=9464,
        ge=0,
        le=65535,
        description="Port of the Prometheus /metrics endpoint of an `icop worker` process "
        "(0: none). `icop up` serves the same metrics on the API's /metrics instead.",
    )
    worker_metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the worker's /metrics binds to (0.0.0.0 in containers).",
    )
    amqp_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("AMQP_URL", "ICOP_AMQP_URL"),
        description="RabbitMQ (amqp:// or amqps://) that the outbox relay publishes domain "
        "events to. Unset: events stay in the outbox table.",
    )
    amqp_exchange: str = Field(
        default="icop.events",
        description="Durable topic exchange for events; the routing key is the event type.",
    )
    outbox_relay_in_workers: bool = Field(
        default=True,
        description="With AMQP_URL set, run the outbox relay inside `icop up` and every `icop "
        "worker` process. False: only a dedicated `icop relay` process ships events.",
    )
    outbox_relay_batch_size: int = Field(
        default=100, ge=1, le=10_000, description="Events per tenant published per round."
    )
    events_heartbeat_s: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="Live event streams (server-sent events): a heartbeat comment after this "
        "many quiet seconds, and a re-read of the database in case a notification was missed.",
    )
    outbox_relay_poll_s: float = Field(
        default=1.0, gt=0, description="Pause between rounds when the outbox is empty."
    )
    outbox_relay_tenant_refresh_s: float = Field(
        default=30.0,
        gt=0,
        description="How often the relay re-reads the list of tenants (an audited system "
        "call); a new tenant's first events wait at most this long.",
    )
    outbox_relay_backoff_max_s: float = Field(
        default=30.0, gt=0, description="Longest wait between reconnects to a broker that is down."
    )
    outbox_relay_confirm_timeout_s: float = Field(
        default=10.0, gt=0, description="How long to wait for the broker's publisher confirm."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.api_host}:{self.api_port}"

    @property
    def dashboard_base_url(self) -> str:
        return (self.dashboard_url or self.base_url).rstrip("/")

    @property
    def mail_dir(self) -> Path:
        return self.home / "mail"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"

    @property
    def emulator_state_file(self) -> Path:
        """Where the embedded platform emulator keeps its accounts, tokens and posts."""
        return self.home / "emulator" / "state.pickle"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reference_markdown() -> str:
    """The configuration reference (docs/configuration.md)."""
    lines = [
        "# Configuration reference",
        "",
        "Generated from `icop.config.Settings` by `python -m icop.config > docs/configuration.md`;",
        "a test fails when this file is stale. Variables are read from the environment or a",
        "`.env` file in the working directory.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names = list(alias.choices) if isinstance(alias, AliasChoices) else [f"ICOP_{name.upper()}"]
        if field.default_factory is not None:
            produced = field.default_factory()  # type: ignore[call-arg]
            default = json.dumps(produced) if isinstance(produced, dict) else ", ".join(produced)
        elif field.default is None:
            default = "—"
        else:
            default = str(field.default)
        variables = " / ".join(f"`{variable}`" for variable in names)
        lines.append(f"| {variables} | `{default}` | {field.description or ''} |")
    lines += [
        "",
        "## Temporal",
        "",
        "Temporal is configured with the Temporal CLI's own variables, so one shell serves",
        "`icop` and `temporal` alike:",
        "",
        "| variable | default | description |",
        "|---|---|---|",
        "| `TEMPORAL_ADDRESS` | — | `host:port` of a cluster or Temporal Cloud. Unset: the "
        "embedded dev server under `ICOP_HOME`. |",
        "| `TEMPORAL_NAMESPACE` | `default` | Namespace. |",
        "| `TEMPORAL_API_KEY` | — | Temporal Cloud API key (implies TLS). |",
        "| `TEMPORAL_TLS` | `false` | TLS with the system roots. |",
        "| `TEMPORAL_TLS_CLIENT_CERT_PATH` / `TEMPORAL_TLS_CLIENT_KEY_PATH` | — | mTLS pair. |",
        "| `TEMPORAL_TLS_SERVER_CA_CERT_PATH`, `TEMPORAL_TLS_SERVER_NAME` | — | Server CA, SNI. |",
        "| `ICOP_TEMPORAL_PORT` | `7233` | Port of the embedded dev server. |",
        "| `ICOP_TEMPORAL_TASK_QUEUE_PREFIX` | — | Prefix of every task queue name. |",
        "| `ICOP_BUILD_ID` | `icop-<version>` | The workers' build id. |",
        "",
        "## OpenTelemetry",
        "",
        "Tracing uses the OpenTelemetry SDK's own variables; without an endpoint nothing is",
        "recorded or exported:",
        "",
        "| variable | default | description |",
        "|---|---|---|",
        "| `OTEL_EXPORTER_OTLP_ENDPOINT` | — | OTLP/HTTP collector, e.g. `http://jaeger:4318` "
        "(`/v1/traces` is appended). Unset: no tracing. |",
        "| `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | — | Full traces URL (instead of the above). |",
        "| `OTEL_EXPORTER_OTLP_HEADERS` | — | Headers for the collector, `k=v,k2=v2`. |",
        "| `OTEL_SDK_DISABLED` | `false` | `true` turns tracing off even with an endpoint. |",
        "| `OTEL_SERVICE_NAME` | `icop-api` / `icop-worker-<queue>` / `icop-relay` | "
        "Overrides the per-process service name. |",
        "| `OTEL_RESOURCE_ATTRIBUTES` | — | Extra resource attributes, `k=v,…`. |",
        "| `ICOP_TRACE_PROMPTS` | `false` | Debugging only: `true` puts each model call's "
        "prompt (system text and inputs, truncated) on its span. Prompts carry tenants' "
        "content. |",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference_markdown(), end="")
