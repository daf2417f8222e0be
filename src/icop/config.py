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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ICOP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    home: Path = Field(
        default=Path(".icop"),
        description="Directory for all embedded state (database, keys, logs).",
    )
    environment: Literal["development", "test", "production"] = Field(
        default="development", description="Deployment environment."
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
        default="native", description="Agent runtime: one router call per role (native) or "
        "CrewAI agents whose LLM is the router (needs the crewai extra).")
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
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"


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
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference_markdown(), end="")
